"""Reads of the payroll, always scoped by the caller's perimeter.

A line is in a perimeter when its unit (the agent's HR unit, resolved at ingestion) is. A line
the HR file does not know (no unit) is seen by whole-tenant perimeters only. A line, a gap or a
month out of the perimeter is answered exactly like a missing one. Totals are SQL aggregates.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet, Sum

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action
from modules.paie.models import EcartPaie, LignePaie, MoisPaie, TotalPaie
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre

TAILLE_PAGE = 50
Codes = frozenset[str] | Literal["all"]


def perimetre(habilitations: Iterable[Habilitation], action: Action) -> Perimetre:
    """The subtrees where these habilitations allow `action`."""
    return Perimetre.depuis(habilitations, roles=permissions.roles_for(action))


def codes(perimetre: Perimetre) -> Codes:
    return unites.unite_codes(perimeter=perimetre)


def _dans(codes: Codes, champ: str = "unite_code") -> Q:
    if codes == "all":
        return Q()
    return Q(**{f"{champ}__in": sorted(codes)}) if codes else Q(pk__in=[])


def _sql_dans(codes: Codes, alias: str = "l") -> tuple[str, list[list[str]]]:
    if codes == "all":
        return "", []
    return f" AND {alias}.unite_code = ANY(%s)", [sorted(codes)]


# --- Months ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoisResume:
    id: int
    mois: object  # date, first day
    date_paiement: object
    recu_le: object
    compare_le: object
    agents: int
    brut: int
    retenues: int
    net: int
    ecarts_ouverts: int


def mois_liste(*, perimetre: Perimetre) -> list[MoisResume]:
    """Every month received, newest first, with the perimeter's own totals: the file's header
    (checked against its lines at ingestion) for the whole tenant, the sum of its lines for a
    subtree. At most three queries."""
    portee = codes(perimetre)
    mois = list(MoisPaie.objects.order_by("-mois"))
    if portee == "all":
        totaux = {
            m.id: {"n": m.agents, "brut": m.brut, "retenues": m.retenues, "net": m.net}
            for m in mois
        }
    else:
        totaux = {
            t["mois_id"]: t
            for t in LignePaie.objects.filter(_dans(portee))
            .values("mois_id")
            .annotate(n=Count("id"), brut=Sum("brut"), retenues=Sum("retenues"), net=Sum("net"))
        }
    ouverts = dict(
        EcartPaie.objects.filter(_dans(portee), statut="ouvert")
        .values("mois_id")
        .annotate(n=Count("id"))
        .values_list("mois_id", "n")
    )
    return [
        MoisResume(
            id=m.id,
            mois=m.mois,
            date_paiement=m.date_paiement,
            recu_le=m.recu_le,
            compare_le=m.compare_le,
            agents=int(totaux.get(m.id, {}).get("n") or 0),
            brut=int(totaux.get(m.id, {}).get("brut") or 0),
            retenues=int(totaux.get(m.id, {}).get("retenues") or 0),
            net=int(totaux.get(m.id, {}).get("net") or 0),
            ecarts_ouverts=int(ouverts.get(m.id, 0)),
        )
        for m in mois
    ]


def mois_get(*, mois_id: int) -> MoisPaie | None:
    """A month of the tenant (months themselves hold no personal data: every paie reader may
    name one; what it shows is scoped)."""
    return MoisPaie.objects.filter(pk=mois_id).first()


def mois_precedent(*, mois: MoisPaie) -> MoisPaie | None:
    return MoisPaie.objects.filter(mois__lt=mois.mois).order_by("-mois").first()


# --- État de paie ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalRubrique:
    rubrique: str
    libelle: str
    sens: str
    montant: int
    agents: int


@dataclass(frozen=True)
class TotalGroupe:
    cle: str  # imputation or unit code
    agents: int
    brut: int
    retenues: int
    net: int


@dataclass(frozen=True)
class EtatPaie:
    agents: int
    brut: int
    retenues: int
    net: int
    rubriques: list[TotalRubrique]
    imputations: list[TotalGroupe]
    unites: list[TotalGroupe]


SQL_RUBRIQUES = """
SELECT e->>'code', min(e->>'libelle'), e->>'sens', sum((e->>'montant')::bigint),
       count(DISTINCT l.id)
FROM paie_lignepaie l CROSS JOIN LATERAL jsonb_array_elements(l.elements) e
WHERE l.mois_id = %s{dans}
GROUP BY e->>'code', e->>'sens'
ORDER BY e->>'sens', e->>'code'
"""


def _groupes(lignes: QuerySet[LignePaie], champ: str) -> list[TotalGroupe]:
    return [
        TotalGroupe(
            cle=g[champ],
            agents=g["n"],
            brut=int(g["brut"] or 0),
            retenues=int(g["retenues"] or 0),
            net=int(g["net"] or 0),
        )
        for g in lignes.values(champ)
        .annotate(n=Count("id"), brut=Sum("brut"), retenues=Sum("retenues"), net=Sum("net"))
        .order_by(champ)
    ]


def etat_mois(*, perimetre: Perimetre, mois: MoisPaie) -> EtatPaie:
    """The month's état de paie for the perimeter: totals, by rubrique (the Treasury's totals
    for a whole-tenant perimeter, else summed from the perimeter's lines), by imputation and by
    unit. Four queries."""
    portee = codes(perimetre)
    lignes = LignePaie.objects.filter(mois=mois).filter(_dans(portee))
    if portee == "all":
        rubriques = [
            TotalRubrique(
                rubrique=t["rubrique"],
                libelle=t["libelle"],
                sens=t["sens"],
                montant=int(t["montant"]),
                agents=int(t["agents"]),
            )
            for t in TotalPaie.objects.filter(mois=mois)
            .values("rubrique", "sens")
            .annotate(libelle=Min("libelle"), montant=Sum("montant"), agents=Sum("agents"))
            .order_by("sens", "rubrique")
        ]
    else:
        dans, params = _sql_dans(portee)
        with connection.cursor() as curseur:
            curseur.execute(SQL_RUBRIQUES.format(dans=dans), [mois.id, *params])
            rubriques = [
                TotalRubrique(rubrique=r, libelle=lib, sens=s, montant=int(m), agents=int(n))
                for r, lib, s, m, n in curseur.fetchall()
            ]
    total = lignes.aggregate(
        n=Count("id"), brut=Sum("brut"), retenues=Sum("retenues"), net=Sum("net")
    )
    return EtatPaie(
        agents=int(total["n"] or 0),
        brut=int(total["brut"] or 0),
        retenues=int(total["retenues"] or 0),
        net=int(total["net"] or 0),
        rubriques=rubriques,
        imputations=_groupes(lignes, "imputation"),
        unites=_groupes(lignes, "unite_code"),
    )


# --- Agents paid ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLignes:
    lignes: list[LignePaie]
    suivant: str | None


def _curseur_lire(apres: str) -> tuple[str, int] | None:
    try:
        nom, ident = json.loads(base64.urlsafe_b64decode(apres.encode()).decode())
        return str(nom), int(ident)
    except (ValueError, TypeError):
        return None


def _curseur_ecrire(ligne: LignePaie) -> str:
    return base64.urlsafe_b64encode(json.dumps([ligne.nom, ligne.id]).encode()).decode()


def lignes_scopees(*, perimetre: Perimetre, mois: MoisPaie) -> QuerySet[LignePaie]:
    return LignePaie.objects.filter(mois=mois).filter(_dans(codes(perimetre)))


def lignes_page(
    *, perimetre: Perimetre, mois: MoisPaie, q: str = "", apres: str = ""
) -> PageLignes:
    """One page of the agents paid in the month, by name, keyset on (nom, id): the cost of a
    page does not grow with how far the user has gone. `q`: a PPR or part of a name."""
    lignes = lignes_scopees(perimetre=perimetre, mois=mois)
    recherche = q.strip()
    if recherche:
        lignes = lignes.filter(Q(ppr=recherche) | Q(nom__icontains=recherche))
    if apres and (curseur := _curseur_lire(apres)):
        nom, ident = curseur
        lignes = lignes.filter(Q(nom__gt=nom) | Q(nom=nom, id__gt=ident))
    page = list(lignes.order_by("nom", "id").defer("elements")[: TAILLE_PAGE + 1])
    suivant = _curseur_ecrire(page[TAILLE_PAGE - 1]) if len(page) > TAILLE_PAGE else None
    return PageLignes(lignes=page[:TAILLE_PAGE], suivant=suivant)


def ligne_get(*, perimetre: Perimetre, mois: MoisPaie, ligne_id: int) -> LignePaie | None:
    return lignes_scopees(perimetre=perimetre, mois=mois).filter(pk=ligne_id).first()


def lignes_agent(*, perimetre: Perimetre, agent_id: int) -> list[LignePaie]:
    """An agent's lines over the months, newest first (the payslip's month switcher)."""
    return list(
        LignePaie.objects.filter(agent_id=agent_id)
        .filter(_dans(codes(perimetre)))
        .select_related("mois")
        .defer("elements")
        .order_by("-mois__mois")
    )


# --- Gaps ----------------------------------------------------------------------------------


def ecarts_scopes(
    *,
    perimetre: Perimetre,
    mois: MoisPaie,
    nature: str = "",
    statut: str = "",
    unite: str = "",
) -> QuerySet[EcartPaie]:
    """The month's gaps in the perimeter, optionally of one nature, one status, and within one
    unit's subtree (itself cut to the perimeter)."""
    portee = codes(perimetre)
    ecarts = EcartPaie.objects.filter(mois=mois).filter(_dans(portee))
    if nature:
        ecarts = ecarts.filter(nature=nature)
    if statut:
        ecarts = ecarts.filter(statut=statut)
    if unite:
        sous_arbre = codes(Perimetre(racines=frozenset({unite})))
        ecarts = ecarts.filter(_dans(sous_arbre))
    return ecarts.order_by("nature", "nom", "ppr")


def ecart_get(*, perimetre: Perimetre, ecart_id: int) -> EcartPaie | None:
    return (
        EcartPaie.objects.filter(_dans(codes(perimetre)))
        .select_related("mois")
        .filter(pk=ecart_id)
        .first()
    )
