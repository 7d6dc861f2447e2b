"""Writes to the documents' settings: a new version of a wording, a reset to the built-in
wording, the signatory. Each is one transaction with its audit row; nothing is overwritten (a
wording's versions stay, the latest applies)."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.actes import documents
from modules.actes.documents_textes import Redaction
from modules.actes.models import ModeleDocument, ParametresDocuments

LONGUEUR_TITRE = 300
LONGUEUR_TEXTE = 20_000


def redaction_verifier(*, cle: str, redaction: Redaction) -> None:
    """ValidationError naming each field whose placeholders or length are wrong."""
    if not documents.cle_valide(cle):
        raise ValidationError(_("Modèle inconnu : choisissez un type d'acte ou une famille."))
    autorises = documents.placeholders_autorises(cle)
    erreurs: dict[str, list[str]] = {}
    for champ, valeur in asdict(redaction).items():
        limite = LONGUEUR_TITRE if champ.startswith("titre") else LONGUEUR_TEXTE
        messages = documents.placeholders_verifier(valeur, autorises)
        if len(valeur) > limite:
            messages.append(_("Trop long (%(n)d caractères au plus).") % {"n": limite})
        if champ.startswith("titre") and not valeur.strip():
            messages.append(_("Le titre ne peut pas être vide."))
        if messages:
            erreurs[champ] = messages
    if erreurs:
        raise ValidationError(erreurs)


def _suivante(cle: str) -> int:
    # Lock the key's versions: two admins saving at once get versions n+1 and n+2, not a clash.
    derniere = (
        ModeleDocument.objects.select_for_update().filter(cle=cle).order_by("-version").first()
    )
    return derniere.version + 1 if derniere else 1


def modele_document_enregistrer(*, auteur: str, cle: str, redaction: Redaction) -> ModeleDocument:
    redaction_verifier(cle=cle, redaction=redaction)
    with transaction.atomic():
        modele = ModeleDocument.objects.create(
            cle=cle, version=_suivante(cle), modifie_par=auteur, **asdict(redaction)
        )
        audit_services.audit_record(
            actor=auteur,
            action="actes.modele_document.modifier",
            object_type="modele_document",
            object_id=cle,
            data={"version": modele.version, **asdict(redaction)},
        )
    return modele


def modele_document_reinitialiser(*, auteur: str, cle: str) -> ModeleDocument:
    """A new version that brings the built-in wording back (the edited versions stay)."""
    if not documents.cle_valide(cle):
        raise ValidationError(_("Modèle inconnu : choisissez un type d'acte ou une famille."))
    integree = documents.redaction_integree(cle)
    with transaction.atomic():
        modele = ModeleDocument.objects.create(
            cle=cle,
            version=_suivante(cle),
            modifie_par=auteur,
            par_defaut=True,
            **asdict(integree),
        )
        audit_services.audit_record(
            actor=auteur,
            action="actes.modele_document.reinitialiser",
            object_type="modele_document",
            object_id=cle,
            data={"version": modele.version},
        )
    return modele


CHAMPS_PARAMETRES = (
    "signataire_nom_fr",
    "signataire_nom_ar",
    "signataire_titre_fr",
    "signataire_titre_ar",
    "lieu_fr",
    "lieu_ar",
)


def parametres_documents_enregistrer(
    *, auteur: str, valeurs: dict[str, str], decalage_hijri: int
) -> ParametresDocuments:
    if not -2 <= decalage_hijri <= 2:
        raise ValidationError(
            {"decalage_hijri": _("Le décalage de la date hégirienne va de -2 à 2 jours.")}
        )
    inconnus = set(valeurs) - set(CHAMPS_PARAMETRES)
    if inconnus:
        raise ValidationError(
            _("Paramètres inconnus : %(c)s.") % {"c": ", ".join(sorted(inconnus))}
        )
    suivis = (*CHAMPS_PARAMETRES, "decalage_hijri")
    with transaction.atomic():
        parametres, _cree = ParametresDocuments.objects.select_for_update().get_or_create(id=1)
        avant = {c: getattr(parametres, c) for c in suivis}
        for champ, valeur in valeurs.items():
            setattr(parametres, champ, valeur.strip())
        parametres.decalage_hijri = decalage_hijri
        parametres.modifie_par = auteur
        parametres.full_clean()
        parametres.save()
        audit_services.audit_record(
            actor=auteur,
            action="actes.documents_parametres.modifier",
            object_type="parametres_documents",
            object_id="1",
            data={
                "avant": avant,
                "apres": {
                    c: getattr(parametres, c) for c in (*CHAMPS_PARAMETRES, "decalage_hijri")
                },
            },
        )
    return parametres
