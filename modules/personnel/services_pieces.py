"""Supporting documents (pièces justificatives): adding one to an agent's file.

The bytes go to the tenant's own directory first (documents.py, content-addressed), then the
row and its audit entry are written in one transaction. Pieces are evidence: they are added,
never edited or deleted here.
"""

from __future__ import annotations

import unicodedata
from pathlib import PureWindowsPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.personnel import documents
from modules.personnel.models import Agent, EvenementCarriere, PieceJustificative, TypePiece

# Pieces that carry what the pages mask (law 09-08): health (medical certificates), the CIN,
# the RIB. Downloading them needs Action.PERSONNEL_DONNEES_SENSIBLES on the agent's unit.
TYPES_SENSIBLES = frozenset(
    {TypePiece.CERTIFICAT_MEDICAL, TypePiece.CIN, TypePiece.ATTESTATION_RIB}
)
NOM_MAX = 255


def nom_fichier_propre(nom: str) -> str:
    """The file's own name, without any folder a browser may send, control characters or
    surrounding spaces; shortened to 255 characters keeping its extension."""
    base = PureWindowsPath(nom.replace("/", "\\")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    if len(base) > NOM_MAX:
        racine, point, extension = base.rpartition(".")
        if point and len(extension) <= 10:
            base = racine[: NOM_MAX - len(extension) - 1] + "." + extension
        else:
            base = base[:NOM_MAX]
    return base


def _message_refus(code: str) -> str:
    if code == "taille":
        return _(
            "Le fichier dépasse la taille maximale (%(max)s) : numérisez-le en plus basse "
            "résolution (150 dpi, noir et blanc) ou scindez-le en plusieurs pièces."
        ) % {"max": filesizeformat(documents.taille_max())}
    if code == "vide":
        return _("Le fichier est vide : choisissez le document à joindre.")
    if code == "format":
        return _(
            "Seuls les documents PDF, JPEG et PNG sont acceptés : enregistrez ou numérisez la "
            "pièce dans l'un de ces formats."
        )
    return _(
        "L'extension du nom du fichier ne correspond pas à son contenu : un PDF se termine par "
        ".pdf, une image JPEG par .jpg ou .jpeg, une image PNG par .png."
    )


def piece_ajouter(
    *,
    auteur: str,
    agent: Agent,
    evenement: EvenementCarriere | None = None,
    type_piece: str,
    nom_fichier: str,
    contenu: documents.Contenu,
) -> PieceJustificative:
    """Attach a document to the agent's file (and to one of its career events, if given)."""
    erreurs: dict[str, str] = {}
    if type_piece not in TypePiece.values:
        erreurs["type_piece"] = _("Type de pièce inconnu : choisissez-en un dans la liste.")
    if evenement is not None and evenement.agent_id != agent.id:
        erreurs["evenement"] = _("Cet événement n'appartient pas au dossier de cet agent.")
    nom = nom_fichier_propre(nom_fichier)
    if not nom:
        erreurs["fichier"] = _("Le fichier n'a pas de nom : renommez-le (par exemple arrete.pdf).")
    if erreurs:
        raise ValidationError(erreurs)
    try:
        stocke = documents.stocker(contenu=contenu, nom_fichier=nom)
    except documents.DocumentRefuse as refus:
        raise ValidationError({"fichier": _message_refus(refus.code)}) from refus
    with transaction.atomic():
        piece = PieceJustificative.objects.create(
            agent=agent,
            evenement=evenement,
            type_piece=type_piece,
            nom_fichier=nom,
            content_type=stocke.content_type,
            taille=stocke.taille,
            sha256=stocke.sha256,
            ajoute_par=auteur,
        )
        # No file name in the chain: names often carry personal data ("CIN Alaoui.pdf").
        audit_services.audit_record(
            actor=auteur,
            action="personnel.piece_ajouter",
            object_type="agent",
            object_id=str(agent.id),
            data={
                "piece": piece.id,
                "type": type_piece,
                "evenement": evenement.id if evenement else None,
                "sha256": stocke.sha256,
                "taille": stocke.taille,
                "content_type": stocke.content_type,
            },
        )
    return piece
