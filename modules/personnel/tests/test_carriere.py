"""Folding career events into a situation: pure rules, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from modules.personnel.carriere import evenements_en_vigueur, situation_plier

T0 = datetime(2024, 1, 1, 9, 0)


@dataclass
class Ev:
    id: int
    nature: str
    date_effet: date
    enregistre_le: datetime = T0
    remplace_id: int | None = None
    statut: str = ""
    corps_code: str = ""
    grade_code: str = ""
    echelle: str = ""
    echelon: str = ""
    indice: int | None = None
    position: str = ""
    unite_code: str = ""
    poste_code: str = ""


RECRUTEMENT = Ev(
    1,
    "recrutement",
    date(2015, 1, 1),
    grade_code="ADM-3",
    echelon="1",
    position="activite",
    unite_code="DRH",
)


def test_each_event_sets_only_what_it_gives():
    avancement = Ev(2, "avancement_echelon", date(2017, 1, 1), echelon="2")
    situation = situation_plier([RECRUTEMENT, avancement], le=date(2018, 1, 1))
    assert (situation.grade_code, situation.echelon, situation.unite_code) == ("ADM-3", "2", "DRH")
    assert situation.depuis == date(2017, 1, 1)


def test_situation_before_an_event_ignores_it():
    avancement = Ev(2, "avancement_echelon", date(2017, 1, 1), echelon="2")
    assert situation_plier([RECRUTEMENT, avancement], le=date(2016, 12, 31)).echelon == "1"
    assert not situation_plier([RECRUTEMENT], le=date(2014, 12, 31)).connue


def test_a_correction_replaces_the_event_at_its_own_date():
    faux = Ev(2, "avancement_grade", date(2017, 1, 1), grade_code="ADM-1")
    correction = Ev(
        3,
        "correction",
        date(2017, 6, 1),
        enregistre_le=T0 + timedelta(days=30),
        remplace_id=2,
        grade_code="ADM-2",
    )
    evenements = [RECRUTEMENT, faux, correction]
    assert situation_plier(evenements, le=date(2017, 3, 1)).grade_code == "ADM-3"
    assert situation_plier(evenements, le=date(2017, 7, 1)).grade_code == "ADM-2"
    assert [e.id for e in evenements_en_vigueur(evenements)] == [1, 3]


def test_an_annulation_removes_the_event_and_counts_for_nothing():
    faux = Ev(2, "changement_position", date(2017, 1, 1), position="disponibilite")
    annulation = Ev(3, "annulation", date(2017, 1, 1), remplace_id=2)
    situation = situation_plier([RECRUTEMENT, faux, annulation], le=date(2018, 1, 1))
    assert situation.position == "activite"
    assert situation.depuis == date(2015, 1, 1)


def test_same_date_events_apply_in_recording_order():
    premier = Ev(2, "affectation", date(2017, 1, 1), unite_code="FES")
    second = Ev(
        3,
        "affectation",
        date(2017, 1, 1),
        enregistre_le=T0 + timedelta(hours=1),
        unite_code="PAIE",
    )
    assert situation_plier([second, RECRUTEMENT, premier], le=date(2017, 1, 1)).unite_code == "PAIE"


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=3000), st.sampled_from(["1", "2", "3", "4"])),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=0, max_value=3000),
)
def test_the_order_events_are_given_in_does_not_matter(dates_echelons, jour):
    depart = date(2010, 1, 1)
    evenements = [
        Ev(i + 1, "avancement_echelon", depart + timedelta(days=d), echelon=e)
        for i, (d, e) in enumerate(dates_echelons)
    ]
    le = depart + timedelta(days=jour)
    attendu = situation_plier(evenements, le=le)
    assert situation_plier(list(reversed(evenements)), le=le) == attendu
    applicables = sorted(
        (e for e in evenements if e.date_effet <= le), key=lambda e: (e.date_effet, e.id)
    )
    assert attendu.echelon == (applicables[-1].echelon if applicables else "")
