"""The comparison job: queued with the tenant in the message, refused in another schema, and
run in the tenant's schema like the function it wraps."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest
from django.db import connection

from modules.paie import actors
from modules.paie.models import EcartPaie
from modules.paie.tests.outils import el, ligne, mois_creer
from tenants.jobs import TENANT_OPTION, MissingTenantError


def schema_courant() -> str:
    return str(cast(Any, connection).schema_name)


@pytest.fixture
def mois(dans_a, referentiel) -> Any:
    return mois_creer(date(2026, 11, 1), [ligne("9999999", [el("TB", "gain", 100_000)])])


def test_lancer_porte_le_tenant(mois, monkeypatch) -> None:
    envoyes: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(
        actors.paie_ecarts_calculer,
        "send_with_options",
        lambda *, args, **options: envoyes.append((args, options)),
    )
    actors.ecarts_calculer_lancer(schema_name="autre_schema", mois_id=mois.id)
    assert envoyes == [(("autre_schema", mois.id), {TENANT_OPTION: "autre_schema"})]


def test_message_construit_avec_le_schema(mois) -> None:
    message = actors.paie_ecarts_calculer.message_with_options(
        args=(schema_courant(), mois.id), tenant_schema=schema_courant()
    )
    assert message.options[TENANT_OPTION] == schema_courant()
    assert message.args == (schema_courant(), mois.id)


def test_execution_dans_le_schema(mois) -> None:
    actors.paie_ecarts_calculer(schema_courant(), mois.id)
    assert list(EcartPaie.objects.values_list("ppr", "nature")) == [("9999999", "paye_inconnu")]


def test_refus_dans_un_autre_schema(mois) -> None:
    with pytest.raises(MissingTenantError):
        actors.paie_ecarts_calculer("tenant_b_schema", mois.id)
    assert not EcartPaie.objects.exists()
