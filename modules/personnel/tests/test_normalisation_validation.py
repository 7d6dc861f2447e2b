from __future__ import annotations

import pytest
from django.test import override_settings

from modules.personnel import normalisation, validation
from modules.personnel.tests.conftest import rib_valide


@pytest.mark.parametrize(
    ("saisi", "attendu"),
    [
        ("Éloïse  EL-Ouafi", "eloise el ouafi"),
        ("فَاطِمَة", "فاطمه"),
        ("أحمد", "احمد"),
        ("إيمان", "ايمان"),
        ("مصطفى", "مصطفي"),
        ("عبـــد الله", "عبد الله"),
        ("  Ait  Ben'Haddou ", "ait ben haddou"),
    ],
)
def test_normaliser(saisi, attendu):
    assert normalisation.normaliser(saisi) == attendu


def test_the_search_key_holds_both_scripts_both_orders_and_identifiers():
    cle = normalisation.cle_recherche(
        ppr="1234567",
        cin="AB123",
        nom_fr="Bennani",
        prenom_fr="Fatima",
        nom_ar="بناني",
        prenom_ar="فاطمة",
    )
    for morceau in (
        "bennani fatima",
        "fatima bennani",
        "بناني فاطمه",
        "فاطمه بناني",
        "1234567",
        "ab123",
    ):
        assert morceau in cle


def test_rib_key_and_checks():
    rib = rib_valide(123456)
    assert int(rib) % 97 == 0
    assert validation.rib_erreur(rib) is None
    mauvais = rib[:-2] + f"{(int(rib[-2:]) + 1) % 100:02d}"
    assert "clé du RIB" in str(validation.rib_erreur(mauvais))
    assert "24 chiffres" in str(validation.rib_erreur(rib[:-1]))
    assert validation.rib_erreur("") is None
    assert validation.rib_normaliser("0077 8000-0000.0000 1234 5642") == "007780000000000012345642"


@pytest.mark.parametrize("cin", ["AB123456", "K45678", "A1"])
def test_valid_cins(cin):
    assert validation.cin_erreur(cin) is None


@pytest.mark.parametrize("cin", ["ab123456", "ABC12", "AB1234567", "12345", "AB 123"])
def test_invalid_cins_say_what_to_write(cin):
    assert "une ou deux lettres" in str(validation.cin_erreur(cin))


def test_ppr_format_is_configurable():
    assert validation.ppr_erreur("1234567") is None
    assert "PPR valide" in str(validation.ppr_erreur("123456"))
    assert "obligatoire" in str(validation.ppr_erreur(""))
    with override_settings(INDIMAJ_PPR_PATTERN=r"^[0-9]{6,9}$"):
        assert validation.ppr_erreur("123456") is None
