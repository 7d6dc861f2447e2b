"""Units over the API: the caller's perimeter only, the same 404 for missing and foreign."""

from __future__ import annotations

import pytest

from identity.api_auth import ApiPrincipal
from identity.habilitations import Habilitation
from modules.unites import api

pytestmark = pytest.mark.django_db


def test_list_is_the_whole_tree_for_a_tenant_wide_role(arbre, client_a):
    response = client_a(("paie", None)).get("/api/v1/unites/")
    assert response.status_code == 200
    assert [(u["code"], u["parent_code"]) for u in response.json()] == [
        ("FES", None),
        ("FES-BUDGET", "FES"),
        ("FES-RH", "FES"),
        ("RABAT", None),
        ("DRH", "RABAT"),
        ("PAIE", "DRH"),
    ]
    assert response.json()[0] == {
        "id": arbre["FES"].id,
        "code": "FES",
        "parent_code": None,
        "kind": "sous_ordonnateur",
        "nom_fr": "Unité FES",
        "nom_ar": "وحدة FES",
        "imputation_budgetaire": "",
        "active": True,
    }


def test_a_gestionnaire_of_fes_lists_and_reads_only_fes(arbre, client_a):
    client = client_a(("gestionnaire", "FES"))
    assert [u["code"] for u in client.get("/api/v1/unites/").json()] == [
        "FES",
        "FES-BUDGET",
        "FES-RH",
    ]
    assert client.get("/api/v1/unites/FES-RH").json()["parent_code"] == "FES"
    missing = client.get("/api/v1/unites/NULLE-PART")
    foreign = client.get("/api/v1/unites/RABAT")
    assert (missing.status_code, foreign.status_code) == (404, 404)
    assert foreign.content == missing.content


def test_the_root_of_a_nested_perimeter_names_no_parent(arbre, client_a):
    body = client_a(("lecture", "DRH")).get("/api/v1/unites/DRH").json()
    assert (body["code"], body["parent_code"]) == ("DRH", None)


def test_a_member_without_habilitation_is_refused(arbre, client_a):
    assert client_a().get("/api/v1/unites/").status_code == 403


def test_a_bearer_principal_uses_its_own_habilitations(arbre, rf):
    request = rf.get("/api/v1/unites/")
    request.auth = ApiPrincipal(
        subject="s",
        username="integration",
        client_id="c",
        organizations=frozenset({"test-a"}),
        realm_roles=frozenset(),
        habilitations=frozenset({Habilitation("lecture", "RABAT")}),
    )
    assert [u.code for u in api.unites_list(request)] == ["RABAT", "DRH", "PAIE"]
