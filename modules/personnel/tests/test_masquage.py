"""Masking of CIN, RIB and health-related positions, and who may read them."""

from __future__ import annotations

import pytest

from identity.habilitations import Habilitation
from modules.personnel import presentation
from modules.personnel.models import Agent, Position
from modules.personnel.selectors import Filtres
from modules.unites.perimetres import Perimetre


@pytest.mark.parametrize(
    ("cin", "masque"),
    [("AB123456", "AB****56"), ("C12345", "C1**45"), ("A12", "***"), ("A1234", "A1*34"), ("", "")],
)
def test_cin_keeps_its_ends_only(cin, masque):
    assert presentation.cin_masque(cin) == masque
    assert presentation.cin_affiche(cin, sensible=False) == masque
    assert presentation.cin_affiche(cin, sensible=True) == cin


def test_rib_is_hidden_whole():
    rib = "007780000000000000000001"
    assert presentation.rib_affiche(rib, sensible=False) == "••••"
    assert presentation.rib_affiche(rib, sensible=True) == rib
    assert presentation.rib_affiche("", sensible=False) == ""


@pytest.mark.parametrize("position", sorted(Position.values))
def test_only_health_positions_are_masked(position):
    masque = presentation.position_affichee(position, sensible=False)
    clair = presentation.position_affichee(position, sensible=True)
    assert clair == str(Position(position).label)
    if position in ("conge_maladie_moyenne", "conge_maladie_longue"):
        assert masque == "Congé (détail réservé)"
    else:
        assert masque == clair


def test_rights_follow_the_units(db):
    droits = presentation.Droits(sensibles=frozenset({"FES", "FES-RH"}), gerer=frozenset())
    assert droits.voit_sensible(Agent(unite_code="FES-RH"))
    assert not droits.voit_sensible(Agent(unite_code="DRH"))
    assert not droits.peut_gerer(Agent(unite_code="FES-RH"))
    assert droits.sensible_quelque_part
    assert not presentation.Droits(sensibles=frozenset(), gerer="all").sensible_quelque_part
    tout = presentation.Droits(sensibles="all", gerer="all")
    assert tout.voit_sensible(Agent(unite_code="DRH"))
    assert tout.peut_gerer(Agent(unite_code=""))


def test_rights_from_habilitations(unites_a):
    droits = presentation.Droits.depuis(
        [Habilitation("lecture"), Habilitation("gestionnaire", "FES")]
    )
    assert droits.sensibles == frozenset({"FES", "FES-RH"})
    assert droits.gerer == frozenset({"FES", "FES-RH"})
    valideur = presentation.Droits.depuis([Habilitation("valideur", "RABAT")])
    assert valideur.sensibles == frozenset({"RABAT", "DRH", "PAIE"})
    assert valideur.gerer == frozenset()
    assert presentation.Droits.depuis([Habilitation("lecture")]) == presentation.Droits(
        sensibles=frozenset(), gerer=frozenset()
    )


LECTEUR_ET_GESTIONNAIRE = [Habilitation("lecture"), Habilitation("gestionnaire", "FES")]


@pytest.mark.parametrize(
    ("filtres", "perimetre"),
    [
        (Filtres(q="alaoui"), Perimetre(tout=True)),
        (Filtres(q="1000001"), Perimetre(tout=True)),  # a whole PPR
        (Filtres(q="AB1234"), Perimetre(racines=frozenset({"FES"}))),  # may hit a CIN
        (Filtres(q="123"), Perimetre(racines=frozenset({"FES"}))),  # part of a CIN or PPR
        (Filtres(position="conge_maladie_longue"), Perimetre(racines=frozenset({"FES"}))),
        (Filtres(position="disponibilite"), Perimetre(tout=True)),
    ],
)
def test_searches_that_could_reveal_masked_data_look_where_it_is_readable(filtres, perimetre):
    assert (
        presentation.perimetre_liste(habilitations=LECTEUR_ET_GESTIONNAIRE, filtres=filtres)
        == perimetre
    )


def test_a_link_to_a_page_not_published_yet_is_none():
    assert presentation.lien("personnel:agent", 12) == "/personnel/12/"
    assert presentation.lien("personnel:page_inexistante", 12) is None
