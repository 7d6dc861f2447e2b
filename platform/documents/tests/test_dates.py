import datetime

import pytest

from documents import facade


def test_dates_gregoriennes():
    assert facade.date_fr(datetime.date(2026, 3, 1)) == "1er mars 2026"
    assert facade.date_fr(datetime.date(2026, 11, 28)) == "28 novembre 2026"
    assert facade.date_ar(datetime.date(2026, 8, 20)) == "20 غشت 2026"


def test_date_hijri_umm_al_qura():
    # 1 Muharram 1447 fell on 26 June 2025; 1 Ramadan 1447 on 18 February 2026 (Umm al-Qura).
    assert facade.date_hijri(datetime.date(2025, 6, 26)) == "1 محرم 1447 هـ"
    assert facade.date_hijri(datetime.date(2026, 3, 1)) == "12 رمضان 1447 هـ"
    assert facade.date_hijri_fr(datetime.date(2026, 3, 1)) == "12 Ramadan 1447 H"


def test_date_hijri_decalage_du_tenant():
    assert facade.date_hijri(datetime.date(2026, 2, 17), decalage_jours=1) == "1 رمضان 1447 هـ"


def test_date_hors_plage_refusee_avec_message():
    with pytest.raises(ValueError, match="hors de la plage"):
        facade.date_hijri(datetime.date(1900, 1, 1))
