"""The batch path: one month for a whole population, on int64 numpy arrays.

Same formulas as `moteur.calculer`, element by element, with the same half-up integer rounding
((2n + d) // 2d on non-negative integers), so both paths agree to the centime. Indemnities enter as
four per-agent sums (taxable or not × subject to pension or not): amounts are given in centimes and
no rounding happens on them, so summing first changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from remuneration.arrondi import BP
from remuneration.erreurs import DonneeInvalide
from remuneration.parametres import ZONES, ParametresPaie
from remuneration.situation import REGIMES, Situation

Entiers = npt.NDArray[np.int64]
Booleens = npt.NDArray[np.bool_]

ECHELLE_HE = 99  # hors échelle in the integer échelle column


@dataclass(frozen=True)
class Population:
    """One row per agent; amounts in centimes."""

    indice: Entiers
    echelle: Entiers  # 1..11, ECHELLE_HE for hors échelle
    zone: Entiers  # index in ZONES
    enfants_allocations: Entiers
    personnes_a_charge_ir: Entiers
    regime: Entiers  # index in REGIMES
    ind_imposable_soumise: Entiers
    ind_imposable_non_soumise: Entiers
    ind_non_imposable_soumise: Entiers
    ind_non_imposable_non_soumise: Entiers
    mutuelle: Entiers
    autres_retenues: Entiers
    hausses_generales: Booleens
    # Percent of the TB paid (100 for everyone when absent), as in `Situation.quotite`.
    quotite: Entiers | None = None

    def __len__(self) -> int:
        return int(self.indice.shape[0])

    def verifier(self) -> None:
        n = len(self)
        for f in fields(self):
            colonne = getattr(self, f.name)
            if colonne is None:
                continue
            if colonne.shape != (n,):
                raise DonneeInvalide(
                    champ=f.name, message=f"{colonne.shape[0]} lignes au lieu de {n}"
                )
            if f.name != "hausses_generales" and (colonne < 0).any():
                ligne = int(np.argmax(colonne < 0))
                raise DonneeInvalide(
                    champ=f.name, message=f"valeur négative à la ligne {ligne + 1}"
                )
        if (self.indice <= 0).any():
            raise DonneeInvalide(
                champ="indice",
                message=f"indice nul à la ligne {int(np.argmax(self.indice <= 0)) + 1}",
            )
        if (self.zone >= len(ZONES)).any():
            raise DonneeInvalide(champ="zone", message="zone inconnue")
        if (self.regime >= len(REGIMES)).any():
            raise DonneeInvalide(champ="regime_retraite", message="régime inconnu")
        if self.quotite is not None and ((self.quotite <= 0) | (self.quotite > 100)).any():
            raise DonneeInvalide(champ="quotite", message="quotité hors de 1 à 100")


def population_depuis_situations(situations: Sequence[Situation]) -> Population:
    def col(values: list[int]) -> Entiers:
        return np.asarray(values, dtype=np.int64)

    def somme(s: Situation, imposable: bool, soumise: bool) -> int:
        return sum(
            i.montant_centimes
            for i in s.indemnites
            if i.imposable is imposable and i.soumise_retraite is soumise
        )

    return Population(
        indice=col([s.indice for s in situations]),
        echelle=col([ECHELLE_HE if s.echelle == "HE" else int(s.echelle) for s in situations]),
        zone=col([ZONES.index(s.zone) for s in situations]),
        enfants_allocations=col([s.enfants_allocations for s in situations]),
        personnes_a_charge_ir=col([s.personnes_a_charge_ir for s in situations]),
        regime=col([REGIMES.index(s.regime_retraite) for s in situations]),
        ind_imposable_soumise=col([somme(s, True, True) for s in situations]),
        ind_imposable_non_soumise=col([somme(s, True, False) for s in situations]),
        ind_non_imposable_soumise=col([somme(s, False, True) for s in situations]),
        ind_non_imposable_non_soumise=col([somme(s, False, False) for s in situations]),
        mutuelle=col([s.mutuelle_centimes for s in situations]),
        autres_retenues=col(
            [sum(r.montant_centimes for r in s.autres_retenues) for s in situations]
        ),
        hausses_generales=np.asarray([s.hausses_generales for s in situations], dtype=np.bool_),
        quotite=col([s.quotite for s in situations])
        if any(s.quotite != 100 for s in situations)
        else None,
    )


def _arrondi(numerateur: Entiers, denominateur: int) -> Entiers:
    return (2 * numerateur + denominateur) // (2 * denominateur)


def _tranche(montant: Entiers, bornes: Sequence[int | None]) -> Entiers:
    """Index of the first tranche whose inclusive upper bound holds the amount (last is open)."""
    fermees = np.asarray([b for b in bornes if b is not None], dtype=np.int64)
    return np.searchsorted(fermees, montant, side="left").astype(np.int64)


def calculer_lot(*, population: Population, parametres: ParametresPaie) -> dict[str, Entiers]:
    """Every total of `moteur.TOTAUX` for each agent, as int64 centimes."""
    population.verifier()
    p, pop = parametres, population
    zeros = np.zeros(len(pop), dtype=np.int64)

    annuel = zeros.copy()
    bas = 0
    for haut, valeur in p.tb_tranches:
        plafond = pop.indice if haut is None else np.minimum(pop.indice, haut)
        annuel += np.maximum(plafond - bas, 0) * valeur
        if haut is None:
            break
        bas = haut
    tb = _arrondi(annuel, p.tb_diviseur)
    if pop.quotite is not None:
        tb = _arrondi(tb * pop.quotite, 100)

    haute = pop.echelle >= p.residence_echelle_min_haute
    taux_zone = np.asarray([p.residence_taux_bp[z] for z in ZONES], dtype=np.int64)  # (3, 2)
    taux_res = taux_zone[pop.zone, haute.astype(np.int64)]
    res = _arrondi(tb * taux_res, BP)

    imp_soumise = pop.ind_imposable_soumise.copy()
    imp_non_soumise = pop.ind_imposable_non_soumise.copy()
    nimp_soumise = pop.ind_non_imposable_soumise.copy()
    nimp_non_soumise = pop.ind_non_imposable_non_soumise.copy()
    for h in p.hausses:
        montant = (
            np.where(
                pop.indice >= h.indice_seuil_bande_haute,
                h.bande_haute_centimes,
                h.bande_basse_centimes,
            )
            * pop.hausses_generales
        )
        if h.imposable and h.soumise_retraite:
            imp_soumise += montant
        elif h.imposable:
            imp_non_soumise += montant
        elif h.soumise_retraite:
            nimp_soumise += montant
        else:
            nimp_non_soumise += montant
    total_ind = imp_soumise + imp_non_soumise + nimp_soumise + nimp_non_soumise

    cumul_af = np.concatenate([[0], np.cumsum(np.asarray(p.af_montants, dtype=np.int64))])
    af = cumul_af[np.minimum(pop.enfants_allocations, len(p.af_montants))]

    brut = tb + res + total_ind + af
    brut_imposable = brut - af - nimp_soumise - nimp_non_soumise

    avec_tb, avec_res, avec_soumises = p.assiette_retraite
    assiette = tb * avec_tb + res * avec_res + (imp_soumise + nimp_soumise) * avec_soumises
    est_cmr = pop.regime == REGIMES.index("CMR")
    est_rcar = pop.regime == REGIMES.index("RCAR")
    cmr = np.where(est_cmr, _arrondi(assiette * p.cmr_taux_bp, BP), 0)
    if est_rcar.any():
        if p.rcar_taux_bp is None or p.rcar_plafond_centimes is None:
            raise DonneeInvalide(
                champ="mois", message=f"aucun taux ou plafond RCAR en vigueur le {p.le.isoformat()}"
            )
        base_rcar = np.minimum(assiette, p.rcar_plafond_centimes)
        rcar = np.where(est_rcar, _arrondi(base_rcar * p.rcar_taux_bp, BP), 0)
    else:
        rcar = zeros.copy()
    retraite = cmr + rcar

    amo = np.clip(
        _arrondi((brut - af) * p.amo_taux_bp, BP), p.amo_plancher_centimes, p.amo_plafond_centimes
    )

    taux_fp = np.asarray([t.taux_bp for t in p.fp_tranches], dtype=np.int64)[
        _tranche(12 * brut_imposable, [t.borne_centimes for t in p.fp_tranches])
    ]
    fp = _arrondi(
        np.minimum(brut_imposable * taux_fp * 12, p.fp_plafond_annuel_centimes * BP), 12 * BP
    )
    net_imposable = np.maximum(0, brut_imposable - fp - retraite - amo - pop.mutuelle)

    annuel_imposable = 12 * net_imposable
    i_ir = _tranche(annuel_imposable, [t.borne_centimes for t in p.ir_tranches])
    taux_ir = np.asarray([t.taux_bp for t in p.ir_tranches], dtype=np.int64)[i_ir]
    deduction = np.asarray([t.deduction_centimes for t in p.ir_tranches], dtype=np.int64)[i_ir]
    reduction = np.minimum(pop.personnes_a_charge_ir, p.reduction_personnes_max) * (
        p.reduction_par_personne_centimes
    )
    impot_e4 = annuel_imposable * taux_ir - deduction * BP - reduction * BP
    ir = _arrondi(np.maximum(0, impot_e4), 12 * BP)

    net = brut - retraite - amo - ir - pop.mutuelle - pop.autres_retenues
    return {
        "traitement_base": tb,
        "indemnite_residence": res,
        "indemnites": total_ind,
        "allocations_familiales": af,
        "brut": brut,
        "brut_imposable": brut_imposable,
        "cmr": cmr.astype(np.int64),
        "rcar": rcar.astype(np.int64),
        "amo": amo,
        "mutuelle": pop.mutuelle,
        "frais_professionnels": fp,
        "net_imposable": net_imposable,
        "ir": ir,
        "autres_retenues": pop.autres_retenues,
        "net": net,
    }
