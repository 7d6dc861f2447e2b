"""The ordonnateur's exchange files: its own only, downloadable as exchanged, by the roles
that handle acts and pay."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from exchange import cles, passerelle
from exchange.depot import Depot

TRESOR = "TGR:WADEF"
LIGNE = {"ligne_budgetaire": "10.1.1.11", "grade": "ADM-2", "categorie": None,
         "postes_budgetes": 5, "postes_occupes": 4, "annee": 2026}  # fmt: skip


@pytest.fixture
def fichiers(tmp_path: Path, settings, tenant_a, tenant_b, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    settings.INDIMAJ_EXCHANGE_DIR = tmp_path
    cles.cle_creer(partie=TRESOR, auteur="tests")
    depot = Depot(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        a = passerelle.fichier_emettre(
            depot=depot,
            emetteur=TRESOR,
            destinataire=f"ORD:{tenant_a.code}",
            flux="effectifs",
            enregistrements=[LIGNE],
        )
        b = passerelle.fichier_emettre(
            depot=depot,
            emetteur=TRESOR,
            destinataire=f"ORD:{tenant_b.code}",
            flux="effectifs",
            enregistrements=[LIGNE],
        )
    return a, b


def test_ses_fichiers_seulement_et_telechargement(fichiers, tenant_a, login_client):
    a, b = fichiers
    client = login_client(tenant_a, username="g.test", roles=("gestionnaire",))
    reponse = client.get(reverse("echanges:fichiers"))
    assert reponse.status_code == 200
    assert [f.id for f in reponse.context["page"].object_list] == [a.id]
    contenu = b"".join(client.get(reverse("echanges:telecharger", args=[a.id])).streaming_content)  # type: ignore[attr-defined]
    assert b'"postes_budgetes":5' in contenu
    assert client.get(reverse("echanges:telecharger", args=[b.id])).status_code == 404


def test_reserve_aux_roles_concernes(fichiers, tenant_a, login_client):
    client = login_client(tenant_a, username="l.test", roles=("lecture",))
    assert client.get(reverse("echanges:fichiers")).status_code == 403
