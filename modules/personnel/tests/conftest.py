"""Shared fixtures of the personnel tests: a unit tree and budget posts in tenant A, and a
factory of agents created through the real service.

/RABAT/ (DRH, DRH/PAIE) and /FES/ (FES-RH): perimeters must keep the two branches apart.
Posts: P-ADM (ADM-2, 5 posts), P-TECH (TECH-3 category 9, 2 posts).
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from django_tenants.utils import schema_context

from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.personnel import services
from modules.personnel.models import Agent, PosteBudgetaire
from modules.personnel.validation import rib_cle
from modules.unites import services as unites_services
from modules.unites.models import Unite
from modules.unites.perimetres import TOUT
from referentiel import services as referentiel_services

ARBRE = [
    ("RABAT", None, "direction"),
    ("DRH", "RABAT", "service"),
    ("PAIE", "DRH", "service"),
    ("FES", None, "sous_ordonnateur"),
    ("FES-RH", "FES", "service"),
]
_PPR = itertools.count(1000001)


def rib_valide(compte: int = 1) -> str:
    """A 24-digit RIB (bank 007, locality 780) whose mod-97 key is right."""
    premiers = f"007780{compte:016d}"
    return premiers + rib_cle(premiers)


@pytest.fixture
def dans_a(tenant_a):
    with schema_context(tenant_a.schema_name):
        yield tenant_a


@pytest.fixture
def referentiel(db) -> None:
    """The reference data (grades, grids, territories, parameters), loaded inside the test's
    transaction: the session's database starts with an empty referentiel on purpose."""
    referentiel_services.referentiel_charger(auteur="tests")


@pytest.fixture
def unites_a(dans_a, referentiel) -> dict[str, Unite]:
    for code, parent, kind in ARBRE:
        unites_services.unite_create(
            actor="tests",
            code=code,
            parent=Unite.objects.get(code=parent) if parent else None,
            kind=kind,
            nom_fr=f"Unité {code}",
            nom_ar=f"وحدة {code}",
        )
    return {u.code: u for u in Unite.objects.all()}


@pytest.fixture
def postes_a(unites_a) -> dict[str, PosteBudgetaire]:
    return {
        p.code: p
        for p in (
            PosteBudgetaire.objects.create(
                code="P-ADM",
                libelle="Administrateurs 2e grade",
                grade_code="ADM-2",
                ligne_budgetaire="10.1.1.11",
                nombre=5,
            ),
            PosteBudgetaire.objects.create(
                code="P-TECH",
                libelle="Techniciens",
                categorie="9",
                ligne_budgetaire="10.1.1.12",
                nombre=2,
            ),
        )
    }


@pytest.fixture
def creer_agent(postes_a):
    """Create an agent through services.agent_creer; keyword overrides for identity/situation."""

    def creer(
        *,
        ppr: str | None = None,
        unite: str = "DRH",
        poste: str = "P-ADM",
        date_effet: date = date(2020, 1, 1),
        situation: dict[str, Any] | None = None,
        **identite: Any,
    ) -> Agent:
        return services.agent_creer(
            auteur="tests",
            ppr=ppr or str(next(_PPR)),
            identite={
                "nom_fr": "Alaoui",
                "prenom_fr": "Karim",
                "nom_ar": "العلوي",
                "prenom_ar": "كريم",
                "sexe": "M",
                "date_naissance": date(1985, 5, 17),
                **identite,
            },
            recrutement={
                "statut": "titulaire",
                "grade_code": "ADM-2",
                "echelon": "3",
                "position": "activite",
                "unite_code": unite,
                "poste_code": poste,
                **(situation or {}),
            },
            date_effet=date_effet,
            perimetre=TOUT,
        )

    return creer


@pytest.fixture
def client_a(tenant_a, login_client):
    """login_client on tenant A with explicit habilitations: ("gestionnaire", "FES")…"""

    def login(*habilitations, username: str = "agent.test"):
        client = login_client(tenant_a, username=username, roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login
