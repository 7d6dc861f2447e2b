"""The scalar path: one agent, one month → pay elements, totals and an explanation trace.

Conventions (docs/remuneration/conventions.md): each element is computed in integer centimes and
rounded half up once, when computed; later elements use the rounded amounts. `lot.py` applies the
same formulas to arrays and must agree to the centime (tested on random populations).
"""

from __future__ import annotations

from typing import Any

from remuneration.arrondi import BP, arrondi, texte
from remuneration.bulletin import (
    GAIN,
    LIBELLES,
    RETENUE,
    Bulletin,
    Element,
    Traceur,
)
from remuneration.erreurs import DonneeInvalide
from remuneration.parametres import ParametresPaie, TrancheIR
from remuneration.situation import Indemnite, Situation


def traitement_base_annuel(*, indice: int, tranches: tuple[tuple[int | None, int], ...]) -> int:
    """Annual TB in centimes: the indice's points, tranche by tranche, at each point value."""
    total, bas = 0, 0
    for haut, valeur in tranches:
        points = (indice if haut is None else min(indice, haut)) - bas
        if points <= 0:
            break
        total += points * valeur
        if haut is None:
            break
        bas = haut
    return total


def _tranche_index(montant: int, bornes: list[int | None]) -> int:
    for index, borne in enumerate(bornes):
        if borne is None or montant <= borne:
            return index
    return len(bornes) - 1


def frais_professionnels(*, brut_imposable: int, parametres: ParametresPaie) -> tuple[int, int]:
    """(monthly frais professionnels, rate in bp): the rate of the tranche holding 12 × the
    monthly gross taxable, the monthly amount capped at the annual cap / 12, rounded once."""
    p = parametres
    index = _tranche_index(12 * brut_imposable, [t.borne_centimes for t in p.fp_tranches])
    taux = p.fp_tranches[index].taux_bp
    montant = arrondi(
        numerateur=min(brut_imposable * taux * 12, p.fp_plafond_annuel_centimes * BP),
        denominateur=12 * BP,
    )
    return montant, taux


def ir_mensuel(
    *, net_imposable: int, personnes_a_charge: int, parametres: ParametresPaie
) -> tuple[int, TrancheIR, int]:
    """(monthly IR, tranche applied, annual family reduction):
    max(0, barème(12 × net imposable) − reduction × min(max, personnes)) / 12, rounded once."""
    p = parametres
    annuel = 12 * net_imposable
    tranche = p.ir_tranches[_tranche_index(annuel, [t.borne_centimes for t in p.ir_tranches])]
    reduction = (
        min(personnes_a_charge, p.reduction_personnes_max) * p.reduction_par_personne_centimes
    )
    impot_e4 = annuel * tranche.taux_bp - tranche.deduction_centimes * BP - reduction * BP
    return arrondi(numerateur=max(0, impot_e4), denominateur=12 * BP), tranche, reduction


def calculer(*, situation: Situation, parametres: ParametresPaie) -> Bulletin:
    p, s = parametres, situation
    trace = Traceur(p)
    elements: list[Element] = []

    def element(code: str, nature: str, montant: int, **kw: Any) -> None:
        fr, ar = LIBELLES.get(code, (code, code))
        elements.append(
            Element(
                code=code,
                libelle_fr=kw.pop("libelle_fr", "") or fr,
                libelle_ar=kw.pop("libelle_ar", "") or ar,
                nature=nature,
                montant_centimes=montant,
                **kw,
            )
        )

    # Traitement de base.
    annuel = traitement_base_annuel(indice=s.indice, tranches=p.tb_tranches)
    tb = arrondi(numerateur=annuel, denominateur=p.tb_diviseur)
    trace(
        "Traitement de base annuel : indice appliqué par tranches de points",
        f"indice {s.indice} → {texte(annuel)} DH/an",
        annuel,
        "tb.tranches",
    )
    trace("Traitement de base mensuel", f"{texte(annuel)} / {p.tb_diviseur}", tb, "tb.tranches")
    if s.quotite != 100:
        plein = tb
        tb = arrondi(numerateur=plein * s.quotite, denominateur=100)
        trace(
            "Quotité de traitement (demi-traitement d'un congé de maladie…)",
            f"{texte(plein)} × {s.quotite} %",
            tb,
        )
    element("TB", GAIN, tb)

    # Indemnité de résidence.
    haute = s.bande_haute(echelle_min_haute=p.residence_echelle_min_haute)
    taux_res = p.residence_taux_bp[s.zone][1 if haute else 0]
    res = arrondi(numerateur=tb * taux_res, denominateur=BP)
    bande = "haute" if haute else "basse"
    trace(
        "Indemnité de résidence = taux de la zone (bande d'échelle) × TB",
        f"zone {s.zone}, échelle {s.echelle} (bande {bande}) : "
        f"{texte(tb)} × {taux_res / 100:.2f} %",
        res,
        "residence.taux",
    )
    element("RES", GAIN, res, base_centimes=tb, taux_bp=taux_res)

    # Indemnités (given) and general raises (parameters, when asked).
    indemnites = list(s.indemnites)
    if s.hausses_generales:
        for h in p.hausses:
            montant = (
                h.bande_haute_centimes
                if s.indice >= h.indice_seuil_bande_haute
                else h.bande_basse_centimes
            )
            indemnites.append(
                Indemnite(
                    code=h.code,
                    montant_centimes=montant,
                    imposable=h.imposable,
                    soumise_retraite=h.soumise_retraite,
                    libelle_fr=h.libelle_fr,
                    libelle_ar=h.libelle_ar,
                )
            )
            trace(
                f"Hausse générale {h.code} (montant brut par bande d'indice)",
                f"indice {s.indice} {'≥' if s.indice >= h.indice_seuil_bande_haute else '<'} "
                f"{h.indice_seuil_bande_haute}",
                montant,
                "hausses_generales",
            )
    for ind in indemnites:
        element(
            ind.code,
            GAIN,
            ind.montant_centimes,
            libelle_fr=ind.libelle_fr,
            libelle_ar=ind.libelle_ar,
        )
    total_ind = sum(i.montant_centimes for i in indemnites)
    non_imposables = sum(i.montant_centimes for i in indemnites if not i.imposable)
    soumises = sum(i.montant_centimes for i in indemnites if i.soumise_retraite)

    # Allocations familiales.
    rangs = min(s.enfants_allocations, len(p.af_montants))
    af = sum(p.af_montants[:rangs])
    trace(
        "Allocations familiales par rang d'enfant (plafond = nombre de rangs)",
        f"{s.enfants_allocations} enfant(s), {rangs} pris en compte : "
        + " + ".join(texte(m) for m in p.af_montants[:rangs]),
        af,
        "af.montants",
    )
    if af:
        element("AF", GAIN, af)

    brut = tb + res + total_ind + af
    brut_imposable = brut - af - non_imposables
    trace(
        "Brut = TB + résidence + indemnités + allocations",
        f"{texte(tb)} + {texte(res)} + {texte(total_ind)} + {texte(af)}",
        brut,
    )
    trace(
        "Brut imposable = brut − allocations familiales − indemnités non imposables",
        f"{texte(brut)} − {texte(af)} − {texte(non_imposables)}",
        brut_imposable,
    )

    # Pension.
    avec_tb, avec_res, avec_soumises = p.assiette_retraite
    assiette = tb * avec_tb + res * avec_res + soumises * avec_soumises
    trace(
        "Assiette de la retenue pour pension",
        f"TB {'oui' if avec_tb else 'non'}, résidence {'oui' if avec_res else 'non'}, "
        f"indemnités soumises {'oui' if avec_soumises else 'non'}",
        assiette,
        "cmr.assiette",
    )
    cmr = rcar = 0
    if s.regime_retraite == "CMR":
        cmr = arrondi(numerateur=assiette * p.cmr_taux_bp, denominateur=BP)
        trace(
            "Retenue CMR = taux × (TB + résidence + indemnités soumises à retenue)",
            f"{texte(assiette)} × {p.cmr_taux_bp / 100:.2f} %",
            cmr,
            "cmr.taux",
        )
        element("CMR", RETENUE, cmr, base_centimes=assiette, taux_bp=p.cmr_taux_bp)
    elif s.regime_retraite == "RCAR":
        if p.rcar_taux_bp is None or p.rcar_plafond_centimes is None:
            raise DonneeInvalide(
                champ="mois", message=f"aucun taux ou plafond RCAR en vigueur le {p.le.isoformat()}"
            )
        base = min(assiette, p.rcar_plafond_centimes)
        rcar = arrondi(numerateur=base * p.rcar_taux_bp, denominateur=BP)
        trace(
            "Plafond RCAR",
            f"min({texte(assiette)}, {texte(p.rcar_plafond_centimes)})",
            base,
            "rcar.plafond",
        )
        trace(
            "Retenue RCAR = taux × assiette plafonnée",
            f"{texte(base)} × {p.rcar_taux_bp / 100:.2f} %",
            rcar,
            "rcar.taux",
        )
        element("RCAR", RETENUE, rcar, base_centimes=base, taux_bp=p.rcar_taux_bp)
    retraite = cmr + rcar

    # AMO.
    base_amo = brut - af
    amo_brut = arrondi(numerateur=base_amo * p.amo_taux_bp, denominateur=BP)
    amo = min(max(amo_brut, p.amo_plancher_centimes), p.amo_plafond_centimes)
    trace(
        "AMO = taux × (brut − allocations), entre plancher et plafond",
        f"{texte(base_amo)} × {p.amo_taux_bp / 100:.2f} % = {texte(amo_brut)} → "
        f"[{texte(p.amo_plancher_centimes)} ; {texte(p.amo_plafond_centimes)}]",
        amo,
        "amo.cotisation",
    )
    element("AMO", RETENUE, amo, base_centimes=base_amo, taux_bp=p.amo_taux_bp)

    if s.mutuelle_centimes:
        element("MUT", RETENUE, s.mutuelle_centimes)

    # Frais professionnels.
    fp, taux_fp = frais_professionnels(brut_imposable=brut_imposable, parametres=p)
    trace(
        "Frais professionnels : taux selon le brut imposable annuel, plafond annuel / 12",
        f"12 × {texte(brut_imposable)} = {texte(12 * brut_imposable)} → "
        f"taux {taux_fp / 100:.2f} % ; min({texte(brut_imposable)} × {taux_fp / 100:.2f} %, "
        f"{texte(p.fp_plafond_annuel_centimes)} / 12)",
        fp,
        "ir.frais_professionnels",
    )
    net_imposable = max(0, brut_imposable - fp - retraite - amo - s.mutuelle_centimes)
    trace(
        "Net imposable = brut imposable − frais professionnels − retraite − AMO − mutuelle",
        f"{texte(brut_imposable)} − {texte(fp)} − {texte(retraite)} − {texte(amo)} − "
        f"{texte(s.mutuelle_centimes)}",
        net_imposable,
    )

    # IR.
    annuel_imposable = 12 * net_imposable
    ir, tranche, reduction = ir_mensuel(
        net_imposable=net_imposable, personnes_a_charge=s.personnes_a_charge_ir, parametres=p
    )
    impot_e4 = annuel_imposable * tranche.taux_bp - tranche.deduction_centimes * BP
    trace(
        "IR annuel brut = barème(12 × net imposable)",
        f"{texte(annuel_imposable)} × {tranche.taux_bp / 100:.2f} % − "
        f"{texte(tranche.deduction_centimes)}",
        max(0, arrondi(numerateur=max(0, impot_e4), denominateur=BP)),
        "ir.bareme",
    )
    trace(
        "Réduction pour charges de famille",
        f"min({s.personnes_a_charge_ir}, {p.reduction_personnes_max}) × "
        f"{texte(p.reduction_par_personne_centimes)}",
        reduction,
        "ir.reduction_famille",
    )
    trace("IR mensuel = max(0, IR annuel − réduction) / 12", "arrondi au centime", ir)
    element("IR", RETENUE, ir, base_centimes=net_imposable, taux_bp=tranche.taux_bp)

    autres = 0
    for r in s.autres_retenues:
        element(
            r.code, RETENUE, r.montant_centimes, libelle_fr=r.libelle_fr, libelle_ar=r.libelle_ar
        )
        autres += r.montant_centimes
    net = brut - retraite - amo - ir - s.mutuelle_centimes - autres
    trace(
        "Net = brut − retraite − AMO − IR − mutuelle − autres retenues",
        f"{texte(brut)} − {texte(retraite)} − {texte(amo)} − {texte(ir)} − "
        f"{texte(s.mutuelle_centimes)} − {texte(autres)}",
        net,
    )
    totaux = {
        "traitement_base": tb,
        "indemnite_residence": res,
        "indemnites": total_ind,
        "allocations_familiales": af,
        "brut": brut,
        "brut_imposable": brut_imposable,
        "cmr": cmr,
        "rcar": rcar,
        "amo": amo,
        "mutuelle": s.mutuelle_centimes,
        "frais_professionnels": fp,
        "net_imposable": net_imposable,
        "ir": ir,
        "autres_retenues": autres,
        "net": net,
    }
    return Bulletin(
        elements=tuple(elements),
        totaux=totaux,
        trace=tuple(trace.etapes),
        parametres=dict(sorted(trace.utilises.items())),
        connu_au=p.jeu.connu_au.isoformat(),
        empreinte=p.jeu.empreinte(),
    )
