"""The personnel side of the exchange: the Treasury's `situations` files (protocol v1 §5.3).

Applied in batches (a ministry's complete file is 300,000 lines): per batch, one query for the
agents, one for the known snapshots, one bulk upsert, one bulk insert of review lines. A
snapshot older than the one already held changes nothing; a difference with the HR file opens a
review line, never a change of the file; an unknown PPR is kept and flagged.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from exchange.ports import RapportApplication, RefusApplication
from exchange.protocole.manifeste import Manifeste
from modules.personnel.models import (
    Agent,
    EcartTresor,
    EffectifTresor,
    Position,
    SituationTresor,
    StatutEcart,
)

LOT = 2000
# Treasury field → HR file column.
CHAMPS = {
    "grade": "grade_code",
    "echelle": "echelle",
    "echelon": "echelon",
    "indice": "indice",
    "position": "position",
    "statut": "statut",
}


def _texte(valeur: Any) -> str:
    return "" if valeur is None else str(valeur)


def situations_recevoir(
    *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
) -> RapportApplication:
    rapport = RapportApplication()
    nom = manifeste.nom_base()
    while lot := list(islice(enregistrements, LOT)):
        _lot(lot, fichier=nom, rapport=rapport)
    audit_services.audit_record(
        actor=manifeste.emetteur,
        action="personnel.situations_tresor",
        object_type="fichier",
        object_id=nom[:100],
        data=rapport.en_dict(),
    )
    return rapport


def _lot(lot: list[dict[str, Any]], *, fichier: str, rapport: RapportApplication) -> None:
    pprs = [r["ppr"] for r in lot]
    agents = {
        a.ppr: a
        for a in Agent.objects.filter(ppr__in=pprs).only(
            "id", "ppr", *CHAMPS.values(), "situation_du"
        )
    }
    connues = dict(SituationTresor.objects.filter(ppr__in=pprs).values_list("ppr", "le"))
    snapshots: dict[str, SituationTresor] = {}
    ecarts: list[EcartTresor] = []
    for enregistrement in lot:
        ppr, le = enregistrement["ppr"], date.fromisoformat(enregistrement["le"])
        deja = snapshots[ppr].le if ppr in snapshots else connues.get(ppr)
        if deja is not None and deja > le:
            rapport.ignores += 1  # an older snapshot than the one held
            continue
        agent = agents.get(ppr)
        present = enregistrement["etat"] == "present"
        administrative = enregistrement.get("administrative") or {}
        snapshots[ppr] = SituationTresor(
            ppr=ppr,
            agent=agent,
            le=le,
            present=present,
            administrative=administrative,
            pecuniaire=enregistrement.get("pecuniaire") or {},
            fichier=fichier,
        )
        nouveaux = _ecarts(agent, ppr=ppr, le=le, present=present, administrative=administrative)
        for ecart in nouveaux:
            ecart.fichier = fichier
        ecarts.extend(nouveaux)
        if nouveaux:
            rapport.signales += 1
        rapport.appliques += 1
    with transaction.atomic():
        SituationTresor.objects.bulk_create(
            list(snapshots.values()),
            update_conflicts=True,
            unique_fields=["ppr"],
            update_fields=[
                "agent",
                "le",
                "present",
                "administrative",
                "pecuniaire",
                "fichier",
                "recu_le",
            ],
        )
        # an open line identical to an existing open one is not repeated
        EcartTresor.objects.bulk_create(ecarts, ignore_conflicts=True)


def _ecarts(
    agent: Agent | None, *, ppr: str, le: date, present: bool, administrative: dict[str, Any]
) -> list[EcartTresor]:
    if agent is None:
        return [
            EcartTresor(
                ppr=ppr,
                champ="agent",
                valeur_rh="",
                valeur_tresor="payé" if present else "sorti",
                le=le,
            )
        ]
    if not present:
        if agent.position != Position.CESSATION:
            return [
                EcartTresor(
                    agent=agent, ppr=ppr, champ="presence", valeur_rh=agent.position,
                    valeur_tresor="sorti", le=le,
                )
            ]  # fmt: skip
        return []
    return [
        EcartTresor(
            agent=agent,
            ppr=ppr,
            champ=champ,
            valeur_rh=_texte(getattr(agent, colonne)),
            valeur_tresor=_texte(administrative[champ])[:100],
            le=le,
        )
        for champ, colonne in CHAMPS.items()
        # a contradiction: both sides know the value and disagree (an empty HR field is missing
        # data, not a disagreement)
        if administrative.get(champ) is not None
        and _texte(getattr(agent, colonne))
        and _texte(administrative[champ]) != _texte(getattr(agent, colonne))
    ]


def ecart_traiter(*, auteur: str, ecart: EcartTresor, statut: str, motif: str) -> EcartTresor:
    """The gestionnaire's decision on a review line: taken into account (an act or a correction
    follows) or dismissed (the HR file is right), with a reason, audited."""
    if statut not in (StatutEcart.PRIS_EN_COMPTE, StatutEcart.ECARTE):
        raise ValidationError(_("Décision inconnue."))
    if not motif.strip():
        raise ValidationError({"motif": _("Indiquez le motif : il reste au journal.")})
    with transaction.atomic():
        ecart = EcartTresor.objects.select_for_update().get(pk=ecart.pk)
        if ecart.statut != StatutEcart.OUVERT:
            raise ValidationError(_("Cet écart a déjà été traité."))
        ecart.statut = statut
        ecart.motif = motif
        ecart.traite_par = auteur
        ecart.traite_le = timezone.now()
        ecart.save()
        audit_services.audit_record(
            actor=auteur,
            action="personnel.ecart_tresor_traiter",
            object_type="agent",
            object_id=str(ecart.agent_id or ""),
            data={"ecart": ecart.id, "champ": ecart.champ, "statut": statut, "motif": motif},
        )
    return ecart


def effectifs_recevoir(
    *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
) -> RapportApplication:
    """The `effectifs` port: the Treasury's tableau des effectifs, complete for each year it
    names: that year's lines are replaced whole (protocol v1 §5.4)."""
    rapport = RapportApplication()
    nom = manifeste.nom_base()
    lignes: dict[tuple[int, str, str, str], EffectifTresor] = {}
    for enregistrement in enregistrements:
        cle = (
            int(enregistrement["annee"]),
            str(enregistrement["ligne_budgetaire"]),
            str(enregistrement.get("grade") or ""),
            str(enregistrement.get("categorie") or ""),
        )
        if cle in lignes:
            raise RefusApplication(
                _("Ligne %(l)s en double dans le tableau des effectifs.")
                % {"l": " / ".join(map(str, cle))}
            )
        lignes[cle] = EffectifTresor(
            annee=cle[0],
            ligne_budgetaire=cle[1],
            grade_code=cle[2],
            categorie=cle[3],
            postes_budgetes=int(enregistrement["postes_budgetes"]),
            postes_occupes=int(enregistrement["postes_occupes"]),
            fichier=nom,
        )
    annees = sorted({cle[0] for cle in lignes})
    EffectifTresor.objects.filter(annee__in=annees).delete()
    EffectifTresor.objects.bulk_create(list(lignes.values()))
    rapport.appliques = len(lignes)
    audit_services.audit_record(
        actor=manifeste.emetteur,
        action="personnel.effectifs_tresor",
        object_type="fichier",
        object_id=nom[:100],
        data={"annees": annees, "lignes": len(lignes)},
    )
    return rapport
