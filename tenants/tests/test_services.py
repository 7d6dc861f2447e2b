"""Provisioning: cloned from the template, idempotent, never a silent full migration."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from audit.models import AuditEvent
from tenants import services
from tenants.models import Domain, Organisation

pytestmark = pytest.mark.django_db


def test_provisioned_tenant_has_schema_domain_and_audit(tenant_a):
    assert schema_exists(tenant_a.schema_name)
    assert Domain.objects.get(tenant=tenant_a).domain == "test-a.indimaj.localhost"
    with schema_context(tenant_a.schema_name):
        assert AuditEvent.objects.filter(action="organisation.created").count() == 1
    assert (
        AuditEvent.objects.filter(action="organisation.provisioned", object_id="test-a").count()
        == 1
    )


def test_provisioning_again_changes_nothing(tenant_a):
    spec = services.OrganisationSpec(
        code="test-a", kind="commune", name_fr="Autre nom", name_ar="اسم آخر"
    )
    again = services.organisation_provision(spec=spec, actor="tests")
    assert again.pk == tenant_a.pk
    assert Organisation.objects.get(pk=tenant_a.pk).name_fr == "Commune de test A"


def test_bad_code_is_refused_with_a_clear_message():
    spec = services.OrganisationSpec(code="Bad Code!", kind="commune", name_fr="X", name_ar="س")
    with pytest.raises(ValidationError) as caught:
        services.organisation_provision(spec=spec, actor="tests")
    assert "lettres minuscules, chiffres et tirets" in str(caught.value)
    assert not Organisation.objects.filter(name_fr="X").exists()


def test_missing_template_schema_is_an_error_not_a_silent_migration(settings):
    settings.TENANT_BASE_SCHEMA = "no_such_template"
    spec = services.OrganisationSpec(code="sans-modele", kind="commune", name_fr="Y", name_ar="ي")
    with pytest.raises(services.TemplateSchemaMissingError, match="migrate_platform"):
        services.organisation_provision(spec=spec, actor="tests")
    assert not Organisation.objects.filter(code="sans-modele").exists()
    assert not schema_exists("t_sans_modele")
    assert connection.schema_name == "public"  # type: ignore[attr-defined]
