"""What other modules see: codes of a perimeter, frozen dataclasses, never models."""

from __future__ import annotations

import dataclasses

import pytest

from identity.habilitations import Habilitation
from identity.permissions import Action
from modules.unites import facade

pytestmark = pytest.mark.django_db


def test_codes_in_perimeter_counts_only_the_roles_allowed_for_the_action(arbre):
    held = [Habilitation("admin", "FES-RH"), Habilitation("lecture", "RABAT")]
    assert facade.codes_in_perimeter(habilitations=held) == frozenset(
        {"FES-RH", "RABAT", "DRH", "PAIE"}
    )
    assert facade.codes_in_perimeter(habilitations=held, action=Action.UNITES_GERER) == frozenset(
        {"FES-RH"}
    )
    assert (
        facade.codes_in_perimeter(
            habilitations=[Habilitation("paie", None)], action=Action.UNITES_VOIR
        )
        == "all"
    )
    assert (
        facade.codes_in_perimeter(
            habilitations=[Habilitation("paie", None)], action=Action.UNITES_GERER
        )
        == frozenset()
    )


def test_unite_list_gives_frozen_dataclasses(arbre):
    unites = facade.unite_list(perimeter=facade.Perimetre(racines=frozenset({"DRH"})))
    assert [(u.code, u.parent_code, u.chemin) for u in unites] == [
        ("DRH", "RABAT", "/RABAT/DRH/"),
        ("PAIE", "DRH", "/RABAT/DRH/PAIE/"),
    ]
    assert all(isinstance(u, facade.UniteInfo) for u in unites)
    with pytest.raises(dataclasses.FrozenInstanceError):
        unites[0].code = "X"  # type: ignore[misc]
