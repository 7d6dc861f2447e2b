"""A small unit tree in tenant A: two branches, RABAT and FES, that perimeters must keep apart.

/RABAT/             direction
/RABAT/DRH/         service
/RABAT/DRH/PAIE/    service
/FES/               sous_ordonnateur
/FES/FES-RH/        service
/FES/FES-BUDGET/    service
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.unites import services
from modules.unites.models import Unite

ARBRE = [
    ("RABAT", None, "direction"),
    ("DRH", "RABAT", "service"),
    ("PAIE", "DRH", "service"),
    ("FES", None, "sous_ordonnateur"),
    ("FES-RH", "FES", "service"),
    ("FES-BUDGET", "FES", "service"),
]


def creer(code, parent=None, kind="service", nom_fr=None):
    return services.unite_create(
        actor="tests",
        code=code,
        parent=Unite.objects.get(code=parent) if parent else None,
        kind=kind,
        nom_fr=nom_fr or f"Unité {code}",
        nom_ar=f"وحدة {code}",
    )


def chemins():
    return dict(Unite.objects.values_list("code", "chemin"))


@pytest.fixture
def dans_a(tenant_a):
    with schema_context(tenant_a.schema_name):
        yield tenant_a


@pytest.fixture
def arbre(dans_a):
    return {code: creer(code, parent, kind) for code, parent, kind in ARBRE}


@pytest.fixture
def client_a(tenant_a, login_client):
    """login_client on tenant A with explicit habilitations: ("gestionnaire", "FES")…"""

    def login(*habilitations):
        client = login_client(tenant_a, roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login
