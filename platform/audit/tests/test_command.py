"""`manage.py audit verify` walks every chain and names the broken one."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tenants.utils import schema_context

from audit import services
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_all_chains_intact():
    output = _verify()
    assert "plateforme: chaîne intègre" in output
    assert "test-a: chaîne intègre" in output
    assert "test-b: chaîne intègre" in output


def test_tampered_tenant_chain_fails_and_is_named(tenant_a):
    with schema_context(tenant_a.schema_name), transaction.atomic():
        event = services.audit_record(actor="clerk", action="acte.valide", data={"acte": 7})
    with schema_context(tenant_a.schema_name):
        AuditEvent.objects.filter(pk=event.pk).update(data={"acte": 8})
    out = StringIO()
    with pytest.raises(CommandError, match="1 chaîne"):
        call_command("audit", "verify", stdout=out)
    assert "test-a: 1 problème(s)" in out.getvalue()
    assert f"#{event.seq}: contenu modifié" in out.getvalue()
    assert "test-b: chaîne intègre" in out.getvalue()


def test_unknown_tenant_is_a_clear_error():
    with pytest.raises(CommandError, match="Organisation inconnue : nulle-part"):
        _verify("--tenant", "nulle-part")


def test_one_tenant_only(tenant_b):
    output = _verify("--tenant", "test-b")
    assert output.strip() == "[1/1] test-b: chaîne intègre"
