"""`difference`: what an act changes — the monthly delta and the arrears (rappels) of past months.

Arrears are taxed with the period they relate to (docs/remuneration/rappels.md): each past month is
recomputed whole, before and after the act, with that month's own parameters (barème, frais
professionnels bracket, AMO cap, CMR rate), and the arrear of each element is the difference. The
month that pays the arrears is never given their amount as extra income, so a rappel cannot push it
into a higher frais-professionnels or IR bracket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from remuneration.bulletin import TOTAUX, Bulletin
from remuneration.erreurs import DonneeInvalide
from remuneration.moteur import calculer
from remuneration.parametres import FournisseurParametres, ParametresPaie
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
    # delta by pay element code (TB, RES, AF, CMR, IR, an indemnity's code…), zeros left out
    delta_elements: dict[str, int] = field(default_factory=dict)


ZERO = dict.fromkeys(TOTAUX, 0)


def _elements(bulletin: Bulletin | None) -> dict[str, int]:
    if bulletin is None:
        return {}
    montants: dict[str, int] = {}
    for element in bulletin.elements:
        montants[element.code] = montants.get(element.code, 0) + element.montant_centimes
    return montants


def _ligne(
    *, mois: date, rappel: bool, avant: Bulletin | None, apres: Bulletin | None
) -> LigneMois:
    t_avant = avant.totaux if avant else ZERO
    t_apres = apres.totaux if apres else ZERO
    e_avant, e_apres = _elements(avant), _elements(apres)
    elements = {
        code: e_apres.get(code, 0) - e_avant.get(code, 0)
        for code in sorted(e_avant.keys() | e_apres.keys())
        if e_apres.get(code, 0) != e_avant.get(code, 0)
    }
    return LigneMois(
        mois=mois,
        rappel=rappel,
        avant=dict(t_avant),
        apres=dict(t_apres),
        delta={k: t_apres[k] - t_avant[k] for k in TOTAUX},
        parametres=dict(source.parametres) if (source := apres or avant) else {},
        delta_elements=elements,
    )


@dataclass(frozen=True)
class Difference:
    lignes: tuple[LigneMois, ...]
    rappel: dict[str, int]  # sum of the deltas of the arrears months
    variation_mensuelle: dict[str, int]  # delta of the payment month
    mois_rappel: int

    @property
    def variation_elements(self) -> dict[str, int]:
        """Delta by pay element of the payment month."""
        courant = next((ligne for ligne in self.lignes if not ligne.rappel), None)
        return dict(courant.delta_elements) if courant else {}

    @property
    def rappel_elements(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for ligne in self.lignes:
            if ligne.rappel:
                for code, montant in ligne.delta_elements.items():
                    total[code] = total.get(code, 0) + montant
        return {code: montant for code, montant in total.items() if montant}


def _assembler(lignes: list[LigneMois]) -> Difference:
    rappels = [ligne for ligne in lignes if ligne.rappel]
    courant = next((ligne for ligne in lignes if not ligne.rappel), None)
    return Difference(
        lignes=tuple(lignes),
        rappel={k: sum(ligne.delta[k] for ligne in rappels) for k in TOTAUX},
        variation_mensuelle=dict(courant.delta) if courant else dict.fromkeys(TOTAUX, 0),
        mois_rappel=len(rappels),
    )


def difference_mensuelle(
    *,
    mois: Sequence[tuple[date, Situation | None, Situation | None]],
    mois_paiement: date,
    parametres: FournisseurParametres,
) -> Difference:
    """Like `difference`, with each month's own before and after situations (a career moves
    under a long arrears period) and None for a month without pay (before a recruitment,
    after a retirement). Months before `mois_paiement` are arrears.

    A payslip depends only on the situation and the parameter set: over two years of arrears the
    same (situation, parameters' fingerprint) comes back month after month, so each distinct
    pair is computed once."""
    lignes: list[LigneMois] = []
    calcules: dict[tuple[Situation, str], Bulletin] = {}

    def bulletin(situation: Situation | None, p: ParametresPaie) -> Bulletin | None:
        if situation is None:
            return None
        cle = (situation, p.jeu.empreinte())
        if cle not in calcules:
            calcules[cle] = calculer(situation=situation, parametres=p)
        return calcules[cle]

    for premier, avant, apres in mois:
        if premier.day != 1:
            raise DonneeInvalide(champ="mois", message="les mois sont donnés par leur premier jour")
        p = parametres(premier)
        lignes.append(
            _ligne(
                mois=premier,
                rappel=premier < mois_paiement,
                avant=bulletin(avant, p),
                apres=bulletin(apres, p),
            )
        )
    return _assembler(lignes)


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
        lignes.append(
            _ligne(
                mois=mois,
                rappel=mois < paiement,
                avant=calculer(situation=avant, parametres=p),
                apres=calculer(situation=apres, parametres=p),
            )
        )
        mois = mois_suivant(mois)
    return _assembler(lignes)
