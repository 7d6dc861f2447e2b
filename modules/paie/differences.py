"""Month-over-month differences: who is paid differently in month M than in the month before,
by how much, element by element, and which visé act explains it when one does.

The lines that changed are found in one SQL statement (a full join of the two months on the
PPR, scoped to the perimeter); the elements are compared in memory for those lines only; the
explaining acts come from the acts' facade in one query.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection

from modules.actes import facade as actes
from modules.paie.models import MoisPaie
from modules.paie.selectors import codes
from modules.unites.perimetres import Perimetre

ENTREE = "entree"
SORTIE = "sortie"
VARIATION = "variation"


@dataclass(frozen=True)
class ElementDifference:
    code: str
    libelle: str
    sens: str
    avant: int
    apres: int

    @property
    def ecart(self) -> int:
        return self.apres - self.avant


@dataclass(frozen=True)
class Difference:
    ppr: str
    agent_id: int | None
    ligne_id: int | None  # the line of month M (None: no longer paid)
    nom: str
    unite_code: str
    genre: str  # entree | sortie | variation
    net_avant: int
    net_apres: int
    elements: list[ElementDifference] = field(default_factory=list)
    actes: list[actes.ActeExplicatif] = field(default_factory=list)

    @property
    def ecart(self) -> int:
        return self.net_apres - self.net_avant


SQL = """
WITH d AS (
SELECT coalesce(n.ppr, p.ppr) AS ppr, coalesce(n.agent_id, p.agent_id) AS agent_id, n.id AS id,
       coalesce(n.nom, p.nom) AS nom, coalesce(n.unite_code, p.unite_code) AS unite_code,
       p.net AS net_avant, n.net AS net_apres, p.elements AS avant, n.elements AS apres
FROM (SELECT * FROM paie_lignepaie l WHERE l.mois_id = %s{dans}) n
FULL JOIN (SELECT * FROM paie_lignepaie l WHERE l.mois_id = %s{dans}) p ON p.ppr = n.ppr
WHERE n.id IS NULL OR p.id IS NULL OR n.net <> p.net OR n.brut <> p.brut
   OR n.elements <> p.elements
)
"""
# Constant text; only the fixed perimeter fragment is formatted in, values are parameters.
SQL_PAGE = SQL + "SELECT * FROM d WHERE (d.nom, d.ppr) > (%s, %s) ORDER BY d.nom, d.ppr LIMIT %s"  # noqa: S608
SQL_NOMBRE = SQL + "SELECT count(*) FROM d"  # noqa: S608


def _parametres(
    perimetre: Perimetre, mois: MoisPaie, precedent: MoisPaie
) -> tuple[str, list[Any]] | None:
    portee = codes(perimetre)
    if portee != "all" and not portee:
        return None
    dans = "" if portee == "all" else " AND l.unite_code = ANY(%s)"
    params: list[Any] = [mois.id] + ([] if portee == "all" else [sorted(portee)])
    params += [precedent.id] + ([] if portee == "all" else [sorted(portee)])
    return dans, params


def differences_nombre(*, perimetre: Perimetre, mois: MoisPaie, precedent: MoisPaie) -> int:
    """How many agents of the perimeter are paid differently (one query)."""
    requete = _parametres(perimetre, mois, precedent)
    if requete is None:
        return 0
    with connection.cursor() as curseur:
        curseur.execute(SQL_NOMBRE.format(dans=requete[0]), requete[1])
        return int(curseur.fetchone()[0])


def _montants(elements: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[str, int]]:
    resultat: dict[tuple[str, str], tuple[str, int]] = {}
    for e in elements:
        cle = (str(e["code"]), str(e["sens"]))
        libelle, montant = resultat.get(cle, (str(e.get("libelle", "")), 0))
        resultat[cle] = (libelle, montant + int(e["montant"]))
    return resultat


def elements_comparer(
    avant: list[dict[str, Any]], apres: list[dict[str, Any]]
) -> list[ElementDifference]:
    """The elements whose amount changed (absent on one side: zero), gains first."""
    a, b = _montants(avant), _montants(apres)
    return [
        ElementDifference(
            code=code,
            libelle=(b.get((code, sens)) or a[(code, sens)])[0],
            sens=sens,
            avant=a.get((code, sens), ("", 0))[1],
            apres=b.get((code, sens), ("", 0))[1],
        )
        for code, sens in sorted(a.keys() | b.keys(), key=lambda c: (c[1] != "gain", c[0]))
        if a.get((code, sens), ("", 0))[1] != b.get((code, sens), ("", 0))[1]
    ]


def periode(precedent: MoisPaie, mois: MoisPaie) -> tuple[date, date]:
    """The days whose acts may explain the change: after the previous month's 1st, up to the
    last day of month M."""
    dernier = calendar.monthrange(mois.mois.year, mois.mois.month)[1]
    return precedent.mois + timedelta(days=1), mois.mois.replace(day=dernier)


def differences(
    *,
    perimetre: Perimetre,
    mois: MoisPaie,
    precedent: MoisPaie,
    apres: tuple[str, str] = ("", ""),
    limite: int | None = None,
) -> list[Difference]:
    """The agents of the perimeter paid differently in `mois` than in `precedent` (entered,
    left, or another amount), by name then PPR: all of them, or `limite` after the (name, PPR)
    `apres` (a page, by keyset). Two queries whatever the number."""
    requete = _parametres(perimetre, mois, precedent)
    if requete is None:
        return []
    dans, params = requete
    with connection.cursor() as curseur:
        # LIMIT NULL is no limit.
        curseur.execute(SQL_PAGE.format(dans=dans), [*params, *apres, limite])
        lignes = curseur.fetchall()
    du, au = periode(precedent, mois)
    explications = actes.actes_explicatifs(
        agent_ids={ligne[1] for ligne in lignes if ligne[1] is not None}, du=du, au=au
    )
    resultat = []
    for ppr, agent_id, ligne_id, nom, unite, net_avant, net_apres, el_avant, el_apres in lignes:
        genre = ENTREE if net_avant is None else SORTIE if net_apres is None else VARIATION
        resultat.append(
            Difference(
                ppr=ppr,
                agent_id=agent_id,
                ligne_id=ligne_id,
                nom=nom,
                unite_code=unite,
                genre=genre,
                net_avant=int(net_avant or 0),
                net_apres=int(net_apres or 0),
                elements=elements_comparer(_json(el_avant), _json(el_apres)),
                actes=explications.get(agent_id, []) if agent_id is not None else [],
            )
        )
    return resultat


def _json(valeur: Any) -> list[dict[str, Any]]:
    if valeur is None:
        return []
    if isinstance(valeur, str):
        return list(json.loads(valeur))
    return list(valeur)
