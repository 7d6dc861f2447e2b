"""Ordres de recette: the overpayment an act recovers when it stops or reduces pay that was
already paid (disponibilité, détachement, suspension, abandon de poste, démission, révocation,
décès, a congé de maladie's half pay… dated in the past).

Rule for "already paid" (documented in docs/actes.md): a month is paid once its pay day has
passed — the `INDIMAJ_JOUR_PAIE`-th of the month (default 25: salaries are credited near the
end of the month [GK]); at the visa, every month from the act's first month (impact.py: a month
is paid on the situation of its first day) whose pay day is on or before the visa date was paid
on the old situation. For each such month, the act's impact (engine, that month's own
parameters) gives the net paid and the net due; a month where the net due is lower is a line of
the order, for the difference. The order recovers the **net** (what the agent received: the
pension, AMO and IR deductions were paid to their bodies) [GK]; the gross overpaid is shown too.

An act that gives no such month establishes no order. The order is established in the visa's
transaction with its audit row (services._viser), and announced beforehand in the act's record
to the Treasury (`ordre_recette`, protocol v1 §5.1) as computed on the day the file leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import services as audit_services
from modules.actes import impact
from modules.actes.models import Acte, Compteur, LigneOrdreRecette, OrdreRecette, VersionActe
from modules.actes.types.base import Contexte, TypeActe, type_get
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre


def jour_paie() -> int:
    return int(getattr(settings, "INDIMAJ_JOUR_PAIE", 25))


def mois_paye(mois: date, *, le: date, jour: int | None = None) -> bool:
    """Whether the pay of `mois` (its first day) was made on or before `le`."""
    return mois.replace(day=jour or jour_paie()) <= le


@dataclass(frozen=True)
class MoisTropPercu:
    mois: date
    brut: int  # centimes, positive
    net: int
    net_paye: int
    net_du: int


def trop_percu(
    resultat: Mapping[str, Any], *, le: date, jour: int | None = None
) -> list[MoisTropPercu]:
    """The months of an impact (impact.impact_calculer's result) already paid on `le` in which
    the act lowers the net, with what was paid too much."""
    if not resultat or resultat.get("erreur"):
        return []
    mois = []
    for ligne in resultat.get("lignes", []):
        premier = date.fromisoformat(ligne["mois"])
        if not mois_paye(premier, le=le, jour=jour) or int(ligne["net"]) >= 0:
            continue
        mois.append(
            MoisTropPercu(
                mois=premier,
                brut=max(0, -int(ligne["brut"])),
                net=-int(ligne["net"]),
                net_paye=int(ligne["avant_net"]),
                net_du=int(ligne["apres_net"]),
            )
        )
    return mois


def dh(centimes: int) -> str:
    signe = "-" if centimes < 0 else ""
    return f"{signe}{abs(centimes) // 100}.{abs(centimes) % 100:02d}"


def annonce(version: VersionActe, *, le: date | None = None) -> dict[str, Any] | None:
    """The `ordre_recette` of the act's record to the Treasury: the overpayment the version's
    impact gives for the months paid on `le` (today), or None."""
    type_acte = type_get(version.acte.type_code)
    if type_acte is None or not type_acte.recouvre:
        return None
    mois = trop_percu(version.impact or {}, le=le or timezone.localdate())
    if not mois:
        return None
    return {
        "total_net": dh(sum(m.net for m in mois)),
        "total_brut": dh(sum(m.brut for m in mois)),
        "mois": [{"mois": f"{m.mois:%Y-%m}", "net": dh(m.net), "brut": dh(m.brut)} for m in mois],
    }


def _numero(annee: int) -> str:
    cle = f"ordre_recette:{annee}"
    compteur, _cree = Compteur.objects.select_for_update().get_or_create(cle=cle)
    compteur.valeur += 1
    compteur.save(update_fields=["valeur"])
    return f"OR-{annee}-{compteur.valeur:06d}"


def ordre_recette_etablir(
    *,
    acte: Acte,
    type_acte: TypeActe,
    ctx: Contexte,
    donnees: dict[str, Any],
    auteur: str,
    le: date | None = None,
) -> dict[str, Any]:
    """At the visa (inside its transaction, before the act is written in the file): compute
    the act's impact as of the visa date and, when months already paid were overpaid, record
    the ordre de recette with its audit row. Returns what the visa's audit row should say."""
    if not type_acte.recouvre:
        return {}
    jour = le or timezone.localdate()
    resultat, _connu_au = impact.impact_calculer(
        type_acte=type_acte, ctx=ctx, donnees=donnees, aujourd_hui=jour
    )
    mois = trop_percu(resultat, le=jour)
    if not mois:
        return {}
    with transaction.atomic():
        ordre = OrdreRecette.objects.create(
            numero=_numero(jour.year),
            acte=acte,
            agent_id=acte.agent_id,
            agent_ppr=acte.agent_ppr,
            agent_nom=acte.agent_nom,
            unite_code=acte.unite_code,
            date_effet=ctx.date_effet,
            jour_paie=jour_paie(),
            premier_mois=mois[0].mois,
            dernier_mois=mois[-1].mois,
            nombre_mois=len(mois),
            montant_brut=sum(m.brut for m in mois),
            montant_net=sum(m.net for m in mois),
            etabli_par=auteur,
        )
        LigneOrdreRecette.objects.bulk_create(
            LigneOrdreRecette(
                ordre=ordre,
                mois=m.mois,
                brut=m.brut,
                net=m.net,
                net_paye=m.net_paye,
                net_du=m.net_du,
            )
            for m in mois
        )
        audit_services.audit_record(
            actor=auteur,
            action="actes.ordre_recette_etablir",
            object_type="ordre_recette",
            object_id=str(ordre.id),
            data={
                "numero": ordre.numero,
                "acte": acte.numero,
                "montant_net": ordre.montant_net,
                "mois": [f"{m.mois:%Y-%m}" for m in mois],
            },
        )
    return {"ordre_recette": ordre.numero, "ordre_recette_net": ordre.montant_net}


# --- Reads (scoped like the acts: by the unit of the act) -------------------------------------


@dataclass(frozen=True)
class FiltresOrdres:
    q: str = ""  # order or act number, PPR or name
    unite_code: str = ""
    type_code: str = ""
    du: date | None = None  # established from
    au: date | None = None  # established until (inclusive)


def ordres_scopes(*, perimetre: Perimetre) -> QuerySet[OrdreRecette]:
    codes = unites.unite_codes(perimeter=perimetre)
    ordres = OrdreRecette.objects.select_related("acte")
    return ordres if codes == "all" else ordres.filter(unite_code__in=codes)


def ordres_filtres(*, perimetre: Perimetre, filtres: FiltresOrdres) -> QuerySet[OrdreRecette]:
    ordres = ordres_scopes(perimetre=perimetre)
    if filtres.q:
        q = filtres.q.strip()
        ordres = ordres.filter(
            Q(numero__icontains=q)
            | Q(acte__numero__icontains=q)
            | Q(agent_ppr=q)
            | Q(agent_nom__icontains=q)
        )
    if filtres.unite_code:
        ordres = ordres.filter(unite_code=filtres.unite_code)
    if filtres.type_code:
        ordres = ordres.filter(acte__type_code=filtres.type_code)
    if filtres.du:
        ordres = ordres.filter(etabli_le__date__gte=filtres.du)
    if filtres.au:
        ordres = ordres.filter(etabli_le__date__lte=filtres.au)
    return ordres


def ordre_de_l_acte(*, acte: Acte) -> OrdreRecette | None:
    """The act's order (the act was resolved by a scoped selector)."""
    return OrdreRecette.objects.filter(acte=acte).prefetch_related("lignes").first()


def ordre_pour_page(*, acte: Acte) -> dict[str, Any]:
    """The act page's section: the order, its months in dirhams and its totals (empty: none)."""
    ordre = ordre_de_l_acte(acte=acte)
    if ordre is None:
        return {"ordre_recette": None}
    return {
        "ordre_recette": ordre,
        "ordre_recette_lignes": [
            {
                "mois": ligne.mois,
                "net_paye": dh(ligne.net_paye),
                "net_du": dh(ligne.net_du),
                "brut": dh(ligne.brut),
                "net": dh(ligne.net),
            }
            for ligne in ordre.lignes.all()
        ],
        "ordre_recette_total_brut": dh(ordre.montant_brut),
        "ordre_recette_total_net": dh(ordre.montant_net),
    }
