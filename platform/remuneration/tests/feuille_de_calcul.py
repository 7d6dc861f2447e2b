"""Independent worksheet that wrote the golden cases (`donnees/cas_golden.json`).

It is NOT the engine: it uses `Decimal` in dirhams with `quantize(0.01, ROUND_HALF_UP)`, and its
parameter values are typed from ../shared/domain/MOROCCO_HR_PAYROLL.md, not read from the fixtures,
so a fixture typo or an integer-arithmetic slip in the engine shows as a golden failure. Each case
records the arithmetic line by line. Regenerate with
`.venv/bin/python platform/remuneration/tests/feuille_de_calcul.py` and review the diff by hand.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

D = Decimal
SORTIE = Path(__file__).resolve().parent / "donnees" / "cas_golden.json"


def q(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def parametres(mois: date) -> dict[str, Any]:
    if mois < date(2019, 5, 1):
        af = [D(200)] * 3 + [D(36)] * 3
    elif mois < date(2023, 1, 1):
        af = [D(300)] * 3 + [D(36)] * 3
    else:
        af = [D(300)] * 3 + [D(100)] * 3
    cmr = (
        D("0.10")
        if mois < date(2016, 9, 1)
        else D("0.11")
        if mois < date(2017, 1, 1)
        else D("0.12")
        if mois < date(2018, 1, 1)
        else D("0.13")
        if mois < date(2019, 1, 1)
        else D("0.14")
    )
    if mois < date(2025, 1, 1):
        bareme = [
            (30000, "0", 0),
            (50000, "0.10", 3000),
            (60000, "0.20", 8000),
            (80000, "0.30", 14000),
            (180000, "0.34", 17200),
            (None, "0.38", 24400),
        ]
    else:
        bareme = [
            (40000, "0", 0),
            (60000, "0.10", 4000),
            (80000, "0.20", 10000),
            (100000, "0.30", 18000),
            (180000, "0.34", 22000),
            (None, "0.37", 27400),
        ]
    reduction = D(360) if mois.year < 2025 else D(500) if mois.year == 2025 else D(600)
    return {
        "af": af,
        "cmr": cmr,
        "bareme": bareme,
        "reduction": reduction,
        "fp_ancien": mois < date(2023, 1, 1),
    }


RESIDENCE = {"A": (D("0.25"), D("0.25")), "B": (D("0.10"), D("0.15")), "C": (D("0.10"), D("0.10"))}


def calcul(cas: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    e = cas["entree"]
    mois = date(int(e["mois"][:4]), int(e["mois"][5:7]), 1)
    p = parametres(mois)
    lignes: list[str] = []
    i = e["indice"]
    t1, t2, t3 = min(i, 100), max(0, min(i, 150) - 100), max(0, i - 150)
    annuel = t1 * D("98.85") + t2 * D("79.62") + t3 * D("50.92")
    tb = q(annuel / 12)
    lignes.append(f"TB annuel = {t1}×98.85 + {t2}×79.62 + {t3}×50.92 = {annuel}")
    lignes.append(f"TB = {annuel} / 12 = {annuel / 12:.4f} → {tb}")
    haute = e["echelle"] == "HE" or int(e["echelle"]) >= 7
    taux_res = RESIDENCE[e["zone"]][1 if haute else 0]
    res = q(tb * taux_res)
    lignes.append(
        f"RES = {tb} × {taux_res} (zone {e['zone']}, échelle {e['echelle']}) "
        f"= {tb * taux_res} → {res}"
    )
    inds = list(e.get("indemnites", []))
    if e.get("hausses_generales"):
        # Domain §3.4: 2019 +500 DH below échelle 10 échelon 5 (indice 377), +400 above, complete
        # from 2021; 2024 accord +500 from 07/2024, +1,000 from 07/2025; gross = announced net
        # (documented assumption), taxable, not pensionable.
        if mois >= date(2021, 1, 1):
            hg2019 = "500.00" if i < 377 else "400.00"
            inds.append({"code": "HG2019", "montant": hg2019})
            lignes.append(f"HG2019 = {hg2019} (indice {i} {'<' if i < 377 else '≥'} 377)")
        if mois >= date(2024, 7, 1):
            hg2024 = "1000.00" if mois >= date(2025, 7, 1) else "500.00"
            inds.append({"code": "HG2024", "montant": hg2024})
            lignes.append(f"HG2024 = {hg2024}")
    ind = sum((D(x["montant"]) for x in inds), D(0))
    non_imp = sum((D(x["montant"]) for x in inds if not x.get("imposable", True)), D(0))
    soumises = sum((D(x["montant"]) for x in inds if x.get("soumise_retraite", False)), D(0))
    n = e.get("enfants_allocations", e.get("enfants_a_charge", 0))
    af = sum(p["af"][: min(n, 6)], D(0))
    lignes.append(
        f"AF = {n} enfant(s), {min(n, 6)} rangs : "
        f"{' + '.join(str(x) for x in p['af'][: min(n, 6)]) or '0'} = {af}"
    )
    brut = tb + res + ind + af
    bi = brut - af - non_imp
    lignes.append(f"brut = {tb} + {res} + {ind} + {af} = {brut}")
    lignes.append(f"brut imposable = {brut} − {af} − {non_imp} = {bi}")
    assiette = tb + res + soumises
    cmr = rcar = D(0)
    if e.get("regime_retraite", "CMR") == "CMR":
        cmr = q(assiette * p["cmr"])
        lignes.append(f"CMR = {assiette} × {p['cmr']} = {assiette * p['cmr']} → {cmr}")
    elif e["regime_retraite"] == "RCAR":
        base = min(assiette, D("19085"))
        rcar = q(base * D("0.06"))
        lignes.append(f"RCAR = min({assiette}, 19085) × 0.06 = {base * D('0.06')} → {rcar}")
    amo_b = q((brut - af) * D("0.025"))
    amo = min(max(amo_b, D(70)), D(400))
    lignes.append(
        f"AMO = {brut - af} × 0.025 = {(brut - af) * D('0.025')} → {amo_b}, "
        f"borné [70 ; 400] → {amo}"
    )
    if p["fp_ancien"]:
        taux_fp, plafond = D("0.20"), D(30000)
    else:
        taux_fp = D("0.35") if 12 * bi <= 78000 else D("0.25")
        plafond = D(35000)
    fp = q(min(bi * taux_fp, plafond / 12))
    lignes.append(
        f"FP : 12 × {bi} = {12 * bi} → taux {taux_fp}; "
        f"min({bi * taux_fp}, {plafond}/12 = {plafond / 12:.4f}) → {fp}"
    )
    mut = D(e.get("mutuelle", "0"))
    ni = max(D(0), bi - fp - cmr - rcar - amo - mut)
    lignes.append(f"NI = {bi} − {fp} − {cmr + rcar} − {amo} − {mut} = {ni}")
    r = 12 * ni
    _, taux, ded = next(t for t in p["bareme"] if t[0] is None or r <= t[0])
    conj = 1 if e.get("conjoint_a_charge") else 0
    pers = e.get("personnes_a_charge_ir", e.get("enfants_a_charge", 0) + conj)
    red = min(pers, 6) * p["reduction"]
    brut_ir = r * D(taux) - ded
    ir = q(max(D(0), brut_ir - red) / 12)
    lignes.append(
        f"IR annuel = {r} × {taux} − {ded} = {brut_ir}; réduction min({pers}, 6) × "
        f"{p['reduction']} = {red}; IR = max(0, {brut_ir} − {red}) / 12 → {ir}"
    )
    net = brut - cmr - rcar - amo - ir - mut
    lignes.append(f"net = {brut} − {cmr + rcar} − {amo} − {ir} − {mut} = {net}")
    attendu = {
        "traitement_base": tb,
        "indemnite_residence": res,
        "allocations_familiales": af,
        "brut": brut,
        "brut_imposable": bi,
        "cmr": cmr,
        "rcar": rcar,
        "amo": amo,
        "frais_professionnels": fp,
        "net_imposable": ni,
        "ir": ir,
        "net": net,
    }
    return {k: f"{v:.2f}" for k, v in attendu.items()}, lignes


def base(**kw: Any) -> dict[str, Any]:
    entree = {
        "mois": "2025-03",
        "indice": 336,
        "echelle": 11,
        "zone": "B",
        "enfants_a_charge": 0,
        "conjoint_a_charge": False,
        "regime_retraite": "CMR",
        "indemnites": [],
    }
    entree.update(kw)
    return entree


def cas() -> list[dict[str, Any]]:
    c: list[dict[str, Any]] = []

    def ajoute(ident: str, description: str, entree: dict[str, Any]) -> None:
        c.append({"id": ident, "description": description, "entree": entree})

    suj = [{"code": "SUJ", "montant": "1200.00", "imposable": True, "soumise_retraite": False}]
    ajoute(
        "exemple-issue",
        "Exemple du ticket : indice 336, échelle 11, zone B, 3 enfants, conjoint",
        base(enfants_a_charge=3, conjoint_a_charge=True, indemnites=suj),
    )
    ajoute(
        "bande-basse-e6-zone-b",
        "Échelle 6 (bande basse) en zone B : 10 %",
        base(indice=151, echelle=6),
    )
    ajoute(
        "bande-haute-e7-zone-b",
        "Échelle 7 (bande haute) en zone B : 15 %",
        base(indice=177, echelle=7),
    )
    ajoute("bande-he-zone-b", "Hors échelle en zone B : 15 %", base(indice=704, echelle="HE"))
    ajoute("zone-a", "Zone A, échelle 10 : 25 %", base(indice=275, echelle=10, zone="A"))
    ajoute("zone-c", "Zone C, échelle 10 : 10 %", base(indice=275, echelle=10, zone="C"))
    ajoute("zone-a-bande-basse", "Zone A, échelle 6 : 25 %", base(indice=151, echelle=6, zone="A"))
    ajoute("zone-c-bande-basse", "Zone C, échelle 6 : 10 %", base(indice=151, echelle=6, zone="C"))
    for n in range(8):
        ajoute(
            f"enfants-{n}",
            f"{n} enfant(s) à charge (plafond 6 rangs)",
            base(indice=402, echelle=10, enfants_a_charge=n),
        )
    ajoute(
        "amo-plancher",
        "AMO au plancher (70 DH) : échelle 5, indice 137, zone C",
        base(indice=137, echelle=5, zone="C"),
    )
    ajoute(
        "amo-plafond",
        "AMO au plafond (400 DH) : HE + indemnité 15 000",
        base(
            indice=870,
            echelle="HE",
            zone="A",
            indemnites=[{"code": "FCT", "montant": "15000.00", "imposable": True}],
        ),
    )
    for mois in ("2016-06", "2016-10", "2017-03", "2018-03", "2019-03"):
        ajoute(
            f"cmr-{mois}",
            f"Taux CMR en {mois} (réforme 71-14)",
            base(mois=mois, indice=402, echelle=10, enfants_a_charge=2, conjoint_a_charge=True),
        )
    ajoute(
        "bareme-decembre-2024",
        "Décembre 2024 : barème 2024, réduction 360",
        base(
            mois="2024-12",
            indice=639,
            echelle=11,
            enfants_a_charge=2,
            conjoint_a_charge=True,
            indemnites=[{"code": "SUJ", "montant": "4000.00"}],
        ),
    )
    ajoute(
        "bareme-janvier-2025",
        "Janvier 2025 : barème LF 2025, réduction 500",
        base(
            mois="2025-01",
            indice=639,
            echelle=11,
            enfants_a_charge=2,
            conjoint_a_charge=True,
            indemnites=[{"code": "SUJ", "montant": "4000.00"}],
        ),
    )
    ajoute(
        "bareme-janvier-2026",
        "Janvier 2026 : réduction 600",
        base(
            mois="2026-01",
            indice=639,
            echelle=11,
            enfants_a_charge=2,
            conjoint_a_charge=True,
            indemnites=[{"code": "SUJ", "montant": "4000.00"}],
        ),
    )
    ajoute(
        "rcar-plafond",
        "RCAR : assiette au-dessus du plafond mensuel 19 085",
        base(
            regime_retraite="RCAR",
            indice=870,
            echelle="HE",
            zone="A",
            indemnites=[{"code": "FCT", "montant": "18000.00", "soumise_retraite": True}],
        ),
    )
    ajoute(
        "indemnite-non-imposable",
        "Indemnité non imposable soumise à retenue",
        base(
            indemnites=[
                {"code": "REP", "montant": "500.00", "imposable": False, "soumise_retraite": True}
            ]
        ),
    )
    ajoute(
        "frais-pro-25",
        "Brut imposable annuel > 78 000 : frais professionnels à 25 %",
        base(indemnites=[{"code": "SUJ", "montant": "5000.00"}]),
    )
    ajoute(
        "frais-pro-plafond",
        "Frais professionnels plafonnés à 35 000 / 12",
        base(indice=870, echelle="HE", indemnites=[{"code": "SUJ", "montant": "12000.00"}]),
    )
    ajoute(
        "frais-pro-avant-2023",
        "Avant la LF 2023 : 20 %, plafond 30 000",
        base(mois="2022-06", indice=509, echelle=11),
    )
    ajoute(
        "comptes-separes",
        "enfants_allocations et personnes_a_charge_ir distincts",
        base(
            indice=509,
            echelle=11,
            enfants_a_charge=4,
            enfants_allocations=2,
            personnes_a_charge_ir=5,
            indemnites=[{"code": "SUJ", "montant": "3000.00"}],
        ),
    )
    ajoute(
        "mutuelle",
        "Mutuelle (part salariale) déduite du net imposable et du net",
        base(
            indice=509,
            echelle=11,
            mutuelle="120.00",
            indemnites=[{"code": "SUJ", "montant": "3000.00"}],
        ),
    )
    ajoute(
        "hausses-generales-bande-basse",
        "Hausses générales en août 2025, indice 336 < 377 : 500 + 1 000 bruts",
        base(mois="2025-08", hausses_generales=True),
    )
    ajoute(
        "hausses-generales-bande-haute",
        "Hausses générales en août 2025, indice 402 ≥ 377 : 400 + 1 000 bruts",
        base(mois="2025-08", indice=402, echelle=10, hausses_generales=True),
    )
    ajoute(
        "hausses-generales-2024",
        "Hausses générales en septembre 2024 : 500 + 500 bruts",
        base(mois="2024-09", hausses_generales=True),
    )
    return c


def ir_bornes() -> list[dict[str, Any]]:
    """IR at each bracket edge of 2024, 2025 and 2026: 12 × net imposable on, or one centime
    step around, each bound."""
    sortie = []
    bornes = {
        2024: [30000, 50000, 60000, 80000, 180000],
        2025: [40000, 60000, 80000, 100000, 180000],
    }
    bornes[2026] = bornes[2025]
    for annee, liste in bornes.items():
        p = parametres(date(annee, 1, 1))
        for borne in liste:
            bas = (D(borne) / 12).quantize(D("0.01"), rounding="ROUND_FLOOR")
            for ni, personnes in ((bas, 0), (bas + D("0.01"), 0), (bas + D("0.01"), 3)):
                r = 12 * ni
                b, taux, ded = next(t for t in p["bareme"] if t[0] is None or r <= t[0])
                red = min(personnes, 6) * p["reduction"]
                brut_ir = r * D(taux) - ded
                ir = q(max(D(0), brut_ir - red) / 12)
                sortie.append(
                    {
                        "annee": annee,
                        "net_imposable": f"{ni:.2f}",
                        "personnes": personnes,
                        "arithmetique": (
                            f"R = 12 × {ni} = {r} "
                            f"({'≤' if b is None or r <= b else '>'} "
                            f"{b if b is not None else 'tranche ouverte'}) : "
                            f"{r} × {taux} − {ded} = {brut_ir}; "
                            f"réduction {min(personnes, 6)} × {p['reduction']} = {red}; "
                            f"max(0, {brut_ir} − {red}) / 12 = "
                            f"{max(D(0), brut_ir - red) / 12:.6f} → {ir}"
                        ),
                        "ir": f"{ir:.2f}",
                    }
                )
    return sortie


def frais_pro_bornes() -> list[dict[str, Any]]:
    sortie = []
    for bi in (D("6500.00"), D("6500.01"), D("11666.66"), D("11666.67"), D("11666.68")):
        taux = D("0.35") if 12 * bi <= 78000 else D("0.25")
        fp = q(min(bi * taux, D(35000) / 12))
        sortie.append(
            {
                "mois": "2025-03",
                "brut_imposable": f"{bi:.2f}",
                "arithmetique": f"12 × {bi} = {12 * bi} → taux {taux}; min({bi * taux}, "
                f"35000/12 = {D(35000) / 12:.6f}) → {fp}",
                "frais_professionnels": f"{fp:.2f}",
            }
        )
    return sortie


def rappels() -> list[dict[str, Any]]:
    """Échelon 5 → 6 of échelle 10 effective 01/2025, paid in 05/2025: 4 months of arrears."""
    avant = base(
        mois="2025-01",
        indice=377,
        echelle=10,
        enfants_a_charge=1,
        conjoint_a_charge=True,
        indemnites=[{"code": "SUJ", "montant": "4500.00"}],
    )
    apres = dict(avant, indice=402)
    mensuel_avant, lignes_avant = calcul({"entree": avant})
    mensuel_apres, lignes_apres = calcul({"entree": apres})
    delta = {k: D(mensuel_apres[k]) - D(mensuel_avant[k]) for k in mensuel_avant}
    return [
        {
            "id": "avancement-echelon-4-mois-rappel",
            "avant": avant,
            "apres": apres,
            "du": "2025-01",
            "au": "2025-05",
            "mois_paiement": "2025-05",
            "arithmetique": [
                "avant (indice 377) :",
                *lignes_avant,
                "après (indice 402) :",
                *lignes_apres,
                "mêmes paramètres de janvier à mai 2025 : rappel = 4 × écart mensuel",
            ],
            "variation_mensuelle": {k: f"{v:.2f}" for k, v in delta.items()},
            "rappel": {k: f"{4 * v:.2f}" for k, v in delta.items()},
            "mois_rappel": 4,
        }
    ]


def main() -> None:
    bulletins = []
    for item in cas():
        attendu, lignes = calcul(item)
        bulletins.append({**item, "arithmetique": lignes, "attendu": attendu})
    sortie = {
        "bulletins": bulletins,
        "ir_bornes": ir_bornes(),
        "frais_pro_bornes": frais_pro_bornes(),
        "rappels": rappels(),
    }
    SORTIE.write_text(json.dumps(sortie, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    total = sum(len(v) for v in sortie.values())
    print(f"{total} cas écrits dans {SORTIE}")


if __name__ == "__main__":
    main()
