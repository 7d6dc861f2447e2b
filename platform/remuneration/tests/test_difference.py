"""difference(): arrears are taxed with the month they relate to, never with the paying month."""

from datetime import date

import pytest

from remuneration.bulletin import TOTAUX
from remuneration.difference import difference, mois_suivant
from remuneration.erreurs import DonneeInvalide
from remuneration.moteur import calculer, frais_professionnels
from remuneration.situation import Indemnite, Situation
from remuneration.sources import parametres_fixtures

# Échelle 11, échelon 3 → 4 (indice 403 → 436): brut imposable 5,963.42 → 6,124.45 a month, both
# under the 6,500 (78,000 / 12) frais-professionnels threshold; four months of arrears added to
# the paying month would cross it.
AVANT = Situation(
    indice=403,
    echelle="11",
    zone="B",
    personnes_a_charge_ir=2,
    indemnites=(Indemnite(code="SUJ", montant_centimes=340_000),),
)
APRES = Situation(
    indice=436,
    echelle="11",
    zone="B",
    personnes_a_charge_ir=2,
    indemnites=(Indemnite(code="SUJ", montant_centimes=340_000),),
)


def test_each_arrears_month_uses_its_own_year_parameters_across_a_january():
    resultat = difference(
        avant=AVANT,
        apres=APRES,
        du=date(2024, 10, 1),
        au=date(2025, 2, 1),
        parametres=parametres_fixtures,
    )

    assert [ligne.mois for ligne in resultat.lignes] == [
        date(2024, 10, 1),
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert resultat.mois_rappel == 4
    for ligne in resultat.lignes:
        p = parametres_fixtures(ligne.mois)
        attendu = {
            k: calculer(situation=APRES, parametres=p).totaux[k]
            - calculer(situation=AVANT, parametres=p).totaux[k]
            for k in TOTAUX
        }
        assert ligne.delta == attendu
    decembre, janvier = resultat.lignes[2], resultat.lignes[3]
    assert decembre.delta["ir"] != janvier.delta["ir"]  # barème 2024 vs LF 2025
    assert resultat.rappel["ir"] == sum(ligne.delta["ir"] for ligne in resultat.lignes[:4])


def test_the_paying_month_is_not_pushed_into_another_bracket_by_the_arrears():
    court = difference(
        avant=AVANT,
        apres=APRES,
        du=date(2025, 5, 1),
        au=date(2025, 5, 1),
        parametres=parametres_fixtures,
    )
    long = difference(
        avant=AVANT,
        apres=APRES,
        du=date(2025, 1, 1),
        au=date(2025, 5, 1),
        parametres=parametres_fixtures,
    )
    assert long.mois_rappel == 4
    assert court.mois_rappel == 0
    assert long.variation_mensuelle == court.variation_mensuelle
    assert long.rappel["ir"] == 4 * court.variation_mensuelle["ir"]
    mai = long.lignes[-1]
    assert (mai.avant["brut_imposable"], mai.apres["brut_imposable"]) == (596_342, 612_445)
    p = parametres_fixtures(date(2025, 5, 1))
    _, taux_du_mois = frais_professionnels(brut_imposable=mai.apres["brut_imposable"], parametres=p)
    _, taux_si_cumul = frais_professionnels(
        brut_imposable=mai.apres["brut_imposable"] + long.rappel["brut_imposable"], parametres=p
    )
    assert (taux_du_mois, taux_si_cumul) == (3500, 2500)
    assert mai.apres["frais_professionnels"] == 214_356  # 6,124.45 × 35 % = 2,143.5575


def test_future_months_from_the_payment_month_are_not_arrears():
    resultat = difference(
        avant=AVANT,
        apres=APRES,
        du=date(2025, 1, 1),
        au=date(2025, 6, 1),
        mois_paiement=date(2025, 3, 1),
        parametres=parametres_fixtures,
    )
    assert [ligne.rappel for ligne in resultat.lignes] == [True, True, False, False, False, False]


@pytest.mark.parametrize(
    ("du", "au", "paiement", "champ"),
    [
        (date(2025, 5, 1), date(2025, 1, 1), None, "au"),
        (date(2025, 1, 15), date(2025, 3, 1), None, "du"),
        (date(2025, 1, 1), date(2025, 3, 1), date(2025, 6, 1), "mois_paiement"),
    ],
)
def test_bad_periods_name_the_field(du, au, paiement, champ):
    with pytest.raises(DonneeInvalide) as info:
        difference(
            avant=AVANT,
            apres=APRES,
            du=du,
            au=au,
            mois_paiement=paiement,
            parametres=parametres_fixtures,
        )
    assert info.value.champ == champ


def test_next_month_wraps_the_year():
    assert mois_suivant(date(2024, 12, 1)) == date(2025, 1, 1)
    assert mois_suivant(date(2025, 1, 1)) == date(2025, 2, 1)
