"""`difference`: what an act changes — the monthly delta and the arrears (rappels) of past months.

Arrears are taxed with the period they relate to (docs/remuneration/rappels.md): each past month is
recomputed whole, before and after the act, with that month's own parameters (barème, frais
professionnels bracket, AMO cap, CMR rate), and the arrear of each element is the difference. The
month that pays the arrears is never given their amount as extra income, so a rappel cannot push it
into a higher frais-professionnels or IR bracket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from remuneration.bulletin import TOTAUX
from remuneration.erreurs import DonneeInvalide
from remuneration.moteur import calculer
from remuneration.parametres import FournisseurParametres
from remuneration.situation import Situation


def mois_suivant(mois: date) -> date:
    return date(mois.year + mois.month // 12, mois.month % 12 + 1, 1)


@dataclass(frozen=True)
class LigneMois:
    mois: date
    rappel: bool  # True: a past month paid as arrears; False: the payment month or later
    avant: dict[str, int]
    apres: dict[str, int]
    delta: dict[str, int]
    parametres: dict[str, str]  # code -> version used for this month (after the act)


@dataclass(frozen=True)
class Difference:
    lignes: tuple[LigneMois, ...]
    rappel: dict[str, int]  # sum of the deltas of the arrears months
    variation_mensuelle: dict[str, int]  # delta of the payment month
    mois_rappel: int


def difference(
    *,
    avant: Situation,
    apres: Situation,
    du: date,
    au: date,
    mois_paiement: date | None = None,
    parametres: FournisseurParametres,
) -> Difference:
    """Monthly deltas from `du` to `au` (inclusive, first days of months). Months before
    `mois_paiement` (default: `au`) are arrears."""
    if du.day != 1 or au.day != 1:
        raise DonneeInvalide(champ="du", message="les mois sont donnés par leur premier jour")
    if au < du:
        raise DonneeInvalide(champ="au", message="le mois de fin précède le mois de début")
    paiement = mois_paiement or au
    if not du <= paiement <= mois_suivant(au):
        raise DonneeInvalide(
            champ="mois_paiement",
            message="le mois de paiement doit être compris entre du et au + 1",
        )
    lignes: list[LigneMois] = []
    mois = du
    while mois <= au:
        p = parametres(mois)
        b_avant = calculer(situation=avant, parametres=p)
        b_apres = calculer(situation=apres, parametres=p)
        lignes.append(
            LigneMois(
                mois=mois,
                rappel=mois < paiement,
                avant=b_avant.totaux,
                apres=b_apres.totaux,
                delta={k: b_apres.totaux[k] - b_avant.totaux[k] for k in TOTAUX},
                parametres=b_apres.parametres,
            )
        )
        mois = mois_suivant(mois)
    rappels = [ligne for ligne in lignes if ligne.rappel]
    courant = next((ligne for ligne in lignes if not ligne.rappel), None)
    return Difference(
        lignes=tuple(lignes),
        rappel={k: sum(ligne.delta[k] for ligne in rappels) for k in TOTAUX},
        variation_mensuelle=dict(courant.delta) if courant else dict.fromkeys(TOTAUX, 0),
        mois_rappel=len(rappels),
    )
