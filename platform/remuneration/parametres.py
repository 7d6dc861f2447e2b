"""The pay parameters of one month, typed and checked, built from a referentiel parameter set.

All amounts in centimes, rates in basis points. The raw values and their sources stay available
(`jeu`) for the explanation trace and for recording which versions a computation used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from referentiel.resolution import JeuParametres, ParametreIntrouvable
from remuneration.erreurs import DonneeInvalide

ZONES = ("A", "B", "C")


@dataclass(frozen=True)
class TrancheIR:
    borne_centimes: int | None  # upper bound of annual net taxable income, inclusive
    taux_bp: int
    deduction_centimes: int


@dataclass(frozen=True)
class TrancheFP:
    borne_centimes: int | None  # upper bound of annual gross taxable income, inclusive
    taux_bp: int


@dataclass(frozen=True)
class HausseGenerale:
    code: str
    libelle_fr: str
    libelle_ar: str
    indice_seuil_bande_haute: int
    bande_basse_centimes: int
    bande_haute_centimes: int
    imposable: bool
    soumise_retraite: bool


@dataclass(frozen=True)
class ParametresPaie:
    le: date
    jeu: JeuParametres
    tb_tranches: tuple[tuple[int | None, int], ...]  # (upper point, annual point value centimes)
    tb_diviseur: int
    residence_echelle_min_haute: int
    residence_taux_bp: dict[str, tuple[int, int]]  # zone -> (bande basse, bande haute)
    af_montants: tuple[int, ...]
    cmr_taux_bp: int
    # Pension base: (TB, résidence, indemnités soumises) each included or not.
    assiette_retraite: tuple[bool, bool, bool]
    rcar_taux_bp: int | None
    rcar_plafond_centimes: int | None
    amo_taux_bp: int
    amo_plancher_centimes: int
    amo_plafond_centimes: int
    ir_tranches: tuple[TrancheIR, ...]
    fp_tranches: tuple[TrancheFP, ...]
    fp_plafond_annuel_centimes: int
    reduction_par_personne_centimes: int
    reduction_personnes_max: int
    hausses: tuple[HausseGenerale, ...]


def _int(valeur: Any, *, code: str) -> int:
    if isinstance(valeur, bool) or not isinstance(valeur, int) or valeur < 0:
        raise DonneeInvalide(
            champ=code, message=f"valeur de paramètre invalide ({valeur!r}) : entier ≥ 0 attendu"
        )
    return int(valeur)


def _borne(valeur: Any, *, code: str) -> int | None:
    return None if valeur is None else _int(valeur, code=code)


def _valeur(jeu: JeuParametres, code: str) -> Any:
    try:
        return jeu.valeur(code).valeur
    except ParametreIntrouvable as exc:
        raise DonneeInvalide(champ="mois", message=str(exc)) from None


def _ouvert_a_la_fin(bornes: list[int | None], *, code: str) -> None:
    if not bornes or bornes[-1] is not None or None in bornes[:-1]:
        raise DonneeInvalide(champ=code, message="la dernière tranche doit être ouverte (null)")
    fermees = [b for b in bornes if b is not None]
    if fermees != sorted(set(fermees)):
        raise DonneeInvalide(champ=code, message="bornes de tranches non croissantes")


def _assiette(valeur: Any) -> tuple[bool, bool, bool]:
    cles = ("traitement_base", "indemnite_residence", "indemnites_soumises")
    if not isinstance(valeur, dict) or any(not isinstance(valeur.get(c), bool) for c in cles):
        raise DonneeInvalide(champ="cmr.assiette", message=f"booléens attendus : {', '.join(cles)}")
    return (valeur[cles[0]], valeur[cles[1]], valeur[cles[2]])


def parametres_depuis_jeu(jeu: JeuParametres) -> ParametresPaie:
    """Check and type the values the engine needs; a missing one names the month as the field."""
    tb = _valeur(jeu, "tb.tranches")
    tb_tranches = tuple(
        (
            _borne(t["jusqu_a_points"], code="tb.tranches"),
            _int(t["valeur_point_annuelle_centimes"], code="tb.tranches"),
        )
        for t in tb["tranches"]
    )
    _ouvert_a_la_fin([b for b, _ in tb_tranches], code="tb.tranches")
    res = _valeur(jeu, "residence.taux")
    residence = {
        zone: (
            _int(res["taux_bp"][zone]["bande_basse"], code="residence.taux"),
            _int(res["taux_bp"][zone]["bande_haute"], code="residence.taux"),
        )
        for zone in ZONES
    }
    af = tuple(
        _int(m, code="af.montants")
        for m in _valeur(jeu, "af.montants")["montants_par_rang_centimes"]
    )
    amo = _valeur(jeu, "amo.cotisation")
    bareme = tuple(
        TrancheIR(
            borne_centimes=_borne(t["jusqu_a_centimes"], code="ir.bareme"),
            taux_bp=_int(t["taux_bp"], code="ir.bareme"),
            deduction_centimes=_int(t["somme_a_deduire_centimes"], code="ir.bareme"),
        )
        for t in _valeur(jeu, "ir.bareme")["tranches"]
    )
    _ouvert_a_la_fin([t.borne_centimes for t in bareme], code="ir.bareme")
    fp = _valeur(jeu, "ir.frais_professionnels")
    fp_tranches = tuple(
        TrancheFP(
            borne_centimes=_borne(
                t["brut_imposable_annuel_jusqu_a_centimes"], code="ir.frais_professionnels"
            ),
            taux_bp=_int(t["taux_bp"], code="ir.frais_professionnels"),
        )
        for t in fp["tranches"]
    )
    _ouvert_a_la_fin([t.borne_centimes for t in fp_tranches], code="ir.frais_professionnels")
    red = _valeur(jeu, "ir.reduction_famille")
    rcar_taux = jeu.valeurs.get("rcar.taux")
    rcar_plafond = jeu.valeurs.get("rcar.plafond")
    hausses = jeu.valeurs.get("hausses_generales")
    return ParametresPaie(
        le=jeu.le,
        jeu=jeu,
        tb_tranches=tb_tranches,
        tb_diviseur=_int(tb["diviseur_mensuel"], code="tb.tranches") or 1,
        residence_echelle_min_haute=_int(res["echelle_min_bande_haute"], code="residence.taux"),
        residence_taux_bp=residence,
        af_montants=af,
        cmr_taux_bp=_int(_valeur(jeu, "cmr.taux")["salarie_bp"], code="cmr.taux"),
        assiette_retraite=_assiette(_valeur(jeu, "cmr.assiette")),
        rcar_taux_bp=None
        if rcar_taux is None
        else _int(rcar_taux.valeur["salarie_bp"], code="rcar.taux"),
        rcar_plafond_centimes=None
        if rcar_plafond is None
        else _int(rcar_plafond.valeur["plafond_mensuel_centimes"], code="rcar.plafond"),
        amo_taux_bp=_int(amo["taux_bp"], code="amo.cotisation"),
        amo_plancher_centimes=_int(amo["plancher_centimes"], code="amo.cotisation"),
        amo_plafond_centimes=_int(amo["plafond_centimes"], code="amo.cotisation"),
        ir_tranches=bareme,
        fp_tranches=fp_tranches,
        fp_plafond_annuel_centimes=_int(
            fp["plafond_annuel_centimes"], code="ir.frais_professionnels"
        ),
        reduction_par_personne_centimes=_int(
            red["par_personne_annuelle_centimes"], code="ir.reduction_famille"
        ),
        reduction_personnes_max=_int(red["personnes_max"], code="ir.reduction_famille"),
        hausses=tuple(
            HausseGenerale(
                code=h["code"],
                libelle_fr=h["libelle_fr"],
                libelle_ar=h["libelle_ar"],
                indice_seuil_bande_haute=_int(
                    h["indice_seuil_bande_haute"], code="hausses_generales"
                ),
                bande_basse_centimes=_int(
                    h["montant_brut_centimes"]["bande_basse"], code="hausses_generales"
                ),
                bande_haute_centimes=_int(
                    h["montant_brut_centimes"]["bande_haute"], code="hausses_generales"
                ),
                imposable=bool(h["imposable"]),
                soumise_retraite=bool(h["soumise_retraite"]),
            )
            for h in ([] if hausses is None else hausses.valeur["elements"])
        ),
    )


# Where the parameters of a month come from: the database selector, or the fixture files in tests.
FournisseurParametres = Callable[[date], ParametresPaie]
