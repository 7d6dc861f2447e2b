"""Reads of acts, always scoped: an act belongs to the perimeter that covers its unit.
Missing and out-of-perimeter acts are the same None (the pages answer 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from modules.actes.models import Acte, Bordereau, Etat, VersionActe
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre


def actes_scopes(*, perimetre: Perimetre) -> QuerySet[Acte]:
    codes = unites.unite_codes(perimeter=perimetre)
    if codes == "all":
        return Acte.objects.all()
    return Acte.objects.filter(unite_code__in=codes)


def acte_get(*, perimetre: Perimetre, acte_id: int) -> Acte | None:
    return actes_scopes(perimetre=perimetre).filter(id=acte_id).first()


@dataclass(frozen=True)
class FiltresActes:
    etat: str = ""
    type_code: str = ""
    unite_code: str = ""
    bordereau: str = ""
    agent_id: int | None = None
    plus_de_jours: int | None = None  # in their state for more than N days
    q: str = ""  # act number, PPR or name


def actes_filtres(*, perimetre: Perimetre, filtres: FiltresActes) -> QuerySet[Acte]:
    actes = actes_scopes(perimetre=perimetre)
    if filtres.etat:
        actes = actes.filter(etat=filtres.etat)
    if filtres.type_code:
        actes = actes.filter(type_code=filtres.type_code)
    if filtres.unite_code:
        actes = actes.filter(unite_code=filtres.unite_code)
    if filtres.bordereau:
        actes = actes.filter(lignes_bordereau__bordereau__numero=filtres.bordereau).distinct()
    if filtres.agent_id is not None:
        actes = actes.filter(agent_id=filtres.agent_id)
    if filtres.plus_de_jours is not None:
        actes = actes.filter(etat_depuis__lt=timezone.now() - timedelta(days=filtres.plus_de_jours))
    if filtres.q:
        q = filtres.q.strip()
        actes = actes.filter(Q(numero__icontains=q) | Q(agent_ppr=q) | Q(agent_nom__icontains=q))
    return actes.select_related("bordereau")


def a_traiter(
    *, perimetre_rediger: Perimetre | None, perimetre_valider: Perimetre | None, auteur: str
) -> dict[str, QuerySet[Acte]]:
    """What needs the person's action, by role: drafts to finish and acts sent back by the
    Treasury for the gestionnaire; submitted drafts to validate and validated acts to send for
    the valideur (not the drafts they wrote or corrected: four-eyes would refuse them)."""
    listes: dict[str, QuerySet[Acte]] = {}
    if perimetre_rediger is not None and not perimetre_rediger.vide:
        actes = actes_scopes(perimetre=perimetre_rediger)
        listes["brouillons"] = actes.filter(etat=Etat.BROUILLON, soumis=False)
        listes["a_corriger"] = actes.filter(etat__in=[Etat.REJETE, Etat.EN_SUSPENS])
    if perimetre_valider is not None and not perimetre_valider.vide:
        actes = actes_scopes(perimetre=perimetre_valider)
        redigee = VersionActe.objects.filter(
            acte=OuterRef("pk"), numero=OuterRef("version"), redigee_par=auteur
        )
        listes["a_valider"] = (
            actes.filter(etat=Etat.BROUILLON, soumis=True)
            .exclude(cree_par=auteur)
            .exclude(Exists(redigee))
        )
        listes["a_transmettre"] = actes.filter(etat=Etat.VALIDE)
    return listes


def bordereaux_scopes(*, perimetre: Perimetre) -> QuerySet[Bordereau]:
    """Bordereaux carrying at least one act of the perimeter."""
    return Bordereau.objects.filter(lignes__acte__in=actes_scopes(perimetre=perimetre)).distinct()


def bordereau_get(*, perimetre: Perimetre, bordereau_id: int) -> Bordereau | None:
    return bordereaux_scopes(perimetre=perimetre).filter(id=bordereau_id).first()
