from decimal import Decimal

import pytest

from documents import facade


@pytest.mark.parametrize(
    ("montant", "chiffres"),
    [
        ("0", "0,00 DH"),
        ("1234.565", "1\u202f234,57 DH"),
        ("-300", "-300,00 DH"),
        ("1000000", "1\u202f000\u202f000,00 DH"),
    ],
)
def test_montant_en_chiffres(montant, chiffres):
    assert facade.montant_chiffres(Decimal(montant)) == chiffres


@pytest.mark.parametrize(
    ("montant", "lettres"),
    [
        ("1", "un dirham"),
        ("21.01", "vingt et un dirhams et un centime"),
        ("71", "soixante et onze dirhams"),
        ("80", "quatre-vingts dirhams"),
        ("81", "quatre-vingt-un dirhams"),
        ("200", "deux cents dirhams"),
        ("80000", "quatre-vingt mille dirhams"),
        ("200000", "deux cent mille dirhams"),
        ("1234.56", "mille deux cent trente-quatre dirhams et cinquante-six centimes"),
        ("2000000", "deux millions de dirhams"),
        ("-5.5", "moins cinq dirhams et cinquante centimes"),
    ],
)
def test_montant_en_lettres_francais(montant, lettres):
    assert facade.montant_lettres_fr(Decimal(montant)) == lettres


@pytest.mark.parametrize(
    ("montant", "lettres"),
    [
        ("1", "درهم واحد"),
        ("2", "درهمان"),
        ("5", "خمسة دراهم"),
        ("21.01", "واحد وعشرون درهما وسنتيم واحد"),
        ("200", "مائتا درهم"),
        ("3000", "ثلاثة آلاف درهم"),
        ("11000", "أحد عشر ألف درهم"),
        ("11250", "أحد عشر ألفا ومائتان وخمسون درهما"),
        ("200000", "مائتا ألف درهم"),
        ("1234.56", "ألف ومائتان وأربعة وثلاثون درهما وستة وخمسون سنتيما"),
    ],
)
def test_montant_en_lettres_arabe(montant, lettres):
    assert facade.montant_lettres_ar(Decimal(montant)) == lettres
