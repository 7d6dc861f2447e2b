"""The wizard's test exchange: a signed `essai` file to the Treasury (the simulator in demo),
whose acknowledgement proves the ordonnateur's keys, the Treasury's key and the transport.
The step's status is read from the gateway's files each time, like the other steps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exchange import cles, facade
from exchange.models import Cle, Fichier, Sens, Statut
from exchange.ports import RapportApplication
from exchange.protocole.manifeste import Manifeste


def partie(code: str) -> str:
    return f"ORD:{code}"


def tresor() -> str:
    return str(getattr(settings, "INDIMAJ_EXCHANGE_TRESOR", "TGR:WADEF"))


def essai_lancer(*, code: str, auteur: str) -> Fichier:
    """Make sure the ordonnateur has a signing key (published for the Treasury), then send
    the test file. Raises LookupError when the Treasury's public key is not known yet."""
    ordonnateur = partie(code)
    if not Cle.objects.filter(partie=tresor()).exists():
        raise LookupError(tresor())
    if not Cle.objects.filter(partie=ordonnateur, privee_chiffree__isnull=False).exists():
        cles.cle_creer(partie=ordonnateur, auteur=auteur)
    cles.cles_publier(racine=facade.depot_plateforme().racine, partie=ordonnateur)
    with transaction.atomic():
        return facade.fichier_emettre(
            emetteur=ordonnateur,
            destinataire=tresor(),
            flux="essai",
            enregistrements=[
                {
                    "message": f"Essai de raccordement de {ordonnateur}",
                    "le": timezone.localdate().isoformat(),
                }
            ],
            reference="essai",
            auteur=auteur,
        )


@dataclass(frozen=True)
class EtatEssai:
    envoye_le: datetime | None
    reponse_le: datetime | None
    probleme: str  # a quarantined answer's error code and report, or ""


def essai_etat(*, code: str) -> EtatEssai:
    """From the test files of this ordonnateur (one query)."""
    ordonnateur = partie(code)
    lignes = list(
        Fichier.objects.filter(flux="essai")
        .filter(
            Q(sens=Sens.SORTANT, emetteur=ordonnateur)
            | Q(sens=Sens.ENTRANT, destinataire=ordonnateur)
        )
        .order_by("-recu_le", "-id")
        .values("sens", "statut", "recu_le", "code_erreur", "rapport")[:20]
    )
    envoi = next((f for f in lignes if f["sens"] == Sens.SORTANT), None)
    reussie = next((f for f in lignes if f["statut"] == Statut.INTEGRE), None)
    echec = next((f for f in lignes if f["statut"] == Statut.QUARANTAINE), None)
    probleme = ""
    if echec is not None and (reussie is None or echec["recu_le"] > reussie["recu_le"]):
        premiere = echec["rapport"].splitlines()[0] if echec["rapport"] else ""
        probleme = f"{echec['code_erreur']} — {premiere}"
    return EtatEssai(
        envoye_le=envoi["recu_le"] if envoi else None,
        reponse_le=reussie["recu_le"] if reussie else None,
        probleme=probleme,
    )


def accuse_recevoir(
    *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
) -> RapportApplication:
    """The gateway's `essai` port: the Treasury's acknowledgement; its receipt is the proof."""
    return RapportApplication(appliques=sum(1 for _enregistrement in enregistrements))
