"""Monthly partitions of the access log: created ahead, caught up from the DEFAULT partition,
dropped after the retention period; present in public, the template and every tenant, including
one freshly cloned from the template."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_tenant_model, schema_context

from audit import actors, partitions, selectors, services
from audit.models import AccesDonnees, AuditEvent

pytestmark = pytest.mark.django_db


def _mois_courant() -> partitions.Mois:
    return partitions.Mois.de(timezone.now())


def _attendues(depuis: partitions.Mois, n: int = 3) -> set[str]:
    return {depuis.plus(k).nom for k in range(n)}


def _partition_de_chaque_ligne(schema: str) -> dict[int, str]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SELECT agent_id, tableoid::regclass::text FROM audit_acces")
        return {agent: table.split(".")[-1] for agent, table in cursor.fetchall()}


def _nombre_audit(schema: str, action: str) -> int:
    with schema_context(schema):
        return AuditEvent.objects.filter(action=action).count()


def test_every_schema_holds_a_partitioned_log_with_this_month_and_the_next_two(tenant_a, tenant_b):
    schemas = partitions.schemas_avec_journal()
    assert {"public", settings.TENANT_BASE_SCHEMA, tenant_a.schema_name, tenant_b.schema_name} <= (
        set(schemas)
    )
    for schema in ("public", settings.TENANT_BASE_SCHEMA, tenant_a.schema_name):
        assert _attendues(_mois_courant()) <= set(partitions.partitions_existantes(schema)), schema
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT partstrat FROM pg_partitioned_table p"
                " JOIN pg_class c ON c.oid = p.partrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relname = 'audit_acces'",
                [schema],
            )
            assert cursor.fetchone() == ("r",)


def test_maintenance_is_idempotent(tenant_a):
    with schema_context(tenant_a.schema_name):
        premiere = partitions.acces_partitions_maintenir()
        seconde = partitions.acces_partitions_maintenir()
    assert (premiere.creees, premiere.supprimees) == ((), ())
    assert not seconde.changement
    assert _nombre_audit(tenant_a.schema_name, "audit.acces_partitions") == 0


def test_months_ahead_are_created_as_time_passes(tenant_a):
    dans_quatre_mois = timezone.now() + timedelta(days=4 * 31)
    futur = partitions.Mois.de(dans_quatre_mois)
    with schema_context(tenant_a.schema_name):
        avant = set(partitions.partitions_existantes(tenant_a.schema_name))
        resultat = partitions.acces_partitions_maintenir(maintenant=dans_quatre_mois)
        apres = set(partitions.partitions_existantes(tenant_a.schema_name))
    assert set(resultat.creees) == _attendues(futur) - avant
    assert apres == avant | _attendues(futur)
    assert resultat.supprimees == ()
    # Creating ahead is routine: no audit row.
    assert _nombre_audit(tenant_a.schema_name, "audit.acces_partitions") == 0


def test_a_row_without_its_partition_waits_in_default_then_moves_in(tenant_a):
    loin = timezone.now() + timedelta(days=200)  # no partition that far ahead
    mois = partitions.Mois.de(loin)
    with schema_context(tenant_a.schema_name):
        services.acces_enregistrer(acteur="a", nature="fiche", agent_ids=[1], instant=loin)
        services.acces_enregistrer(acteur="a", nature="fiche", agent_ids=[2])
    assert _partition_de_chaque_ligne(tenant_a.schema_name)[1] == partitions.DEFAUT
    with schema_context(tenant_a.schema_name):
        resultat = partitions.acces_partitions_maintenir()
        assert AccesDonnees.objects.count() == 2
    assert mois.nom in resultat.creees
    assert resultat.lignes_deplacees == 1
    assert _partition_de_chaque_ligne(tenant_a.schema_name) == {
        1: mois.nom,
        2: _mois_courant().nom,
    }
    with schema_context(tenant_a.schema_name):
        audit = AuditEvent.objects.filter(action="audit.acces_partitions").get()
    assert audit.data["lignes_deplacees"] == 1
    assert audit.actor == "systeme"


def test_partitions_past_the_retention_period_are_dropped_whole(tenant_a, settings):
    settings.INDIMAJ_ACCES_RETENTION_MOIS = 3
    courant = _mois_courant()
    with schema_context(tenant_a.schema_name):
        services.acces_enregistrer(acteur="a", nature="fiche", agent_ids=[1])
        services.acces_enregistrer(
            acteur="a", nature="fiche", agent_ids=[2], instant=courant.plus(1).debut
        )
        # Four months later, the current month is past the 3-month retention; the next is not.
        plus_tard = courant.plus(4).debut + timedelta(days=3)
        resultat = partitions.acces_partitions_maintenir(maintenant=plus_tard)
        restants = list(AccesDonnees.objects.values_list("agent_id", flat=True))
        existantes = set(partitions.partitions_existantes(tenant_a.schema_name))
    assert courant.nom in resultat.supprimees
    assert courant.plus(1).nom not in resultat.supprimees
    assert courant.nom not in existantes
    assert _attendues(courant.plus(4)) <= existantes
    assert restants == [2]
    with schema_context(tenant_a.schema_name):
        audit = AuditEvent.objects.filter(action="audit.acces_partitions").get()
    assert courant.nom in audit.data["supprimees"]
    assert audit.data["retention_mois"] == 3


def test_old_rows_waiting_in_default_are_purged_not_kept(tenant_a, settings):
    settings.INDIMAJ_ACCES_RETENTION_MOIS = 24
    with schema_context(tenant_a.schema_name):
        services.acces_enregistrer(
            acteur="a", nature="fiche", agent_ids=[1], instant=timezone.now() - timedelta(days=800)
        )
        resultat = partitions.acces_partitions_maintenir()
        assert AccesDonnees.objects.count() == 0
    assert resultat.creees == ()  # no partition is created for a month already expired


def test_maintenance_of_one_schema_never_touches_another(tenant_a, tenant_b):
    loin = timezone.now() + timedelta(days=200)
    with schema_context(tenant_b.schema_name):
        services.acces_enregistrer(acteur="b", nature="fiche", agent_ids=[1], instant=loin)
    with schema_context(tenant_a.schema_name):
        partitions.acces_partitions_maintenir()
    assert partitions.Mois.de(loin).nom not in partitions.partitions_existantes(
        tenant_a.schema_name
    )
    assert partitions.Mois.de(loin).nom not in partitions.partitions_existantes(
        tenant_b.schema_name
    )
    assert partitions.Mois.de(loin).nom not in partitions.partitions_existantes("public")


def _provisionner(code: str):
    """Through the command, as an operator would (the audit app sits below the tenants app and
    does not import it)."""
    call_command(
        "provision_organisation", code, kind="commune", name_fr=code, name_ar=code, stdout=None
    )
    return get_tenant_model().objects.get(code=code)


def test_a_freshly_provisioned_tenant_has_a_working_partitioned_log(tenant_a):
    nouveau = _provisionner("test-acces")
    modele = set(partitions.partitions_existantes(settings.TENANT_BASE_SCHEMA))
    assert set(partitions.partitions_existantes(nouveau.schema_name)) == modele
    with schema_context(nouveau.schema_name):
        services.acces_enregistrer(acteur="n", nature="fiche", agent_ids=[1, 2])
        page = selectors.acces_page(filtres=selectors.FiltresAcces(agent_ids=(2,)))
        premier = AccesDonnees.objects.order_by("id").first()
    assert [(ligne.acteur, ligne.agent_id) for ligne in page.lignes] == [("n", 2)]
    assert premier is not None
    assert premier.id == 1  # its own identity sequence, from 1
    assert _partition_de_chaque_ligne(nouveau.schema_name) == {
        1: _mois_courant().nom,
        2: _mois_courant().nom,
    }
    # The clone shares no row with the template or with another tenant.
    assert _partition_de_chaque_ligne(tenant_a.schema_name) == {}
    assert _partition_de_chaque_ligne(settings.TENANT_BASE_SCHEMA) == {}


def test_a_tenant_cloned_long_ago_still_logs_then_catches_up(tenant_a):
    """A schema cloned (or taken from the warm pool) before this month's partition existed:
    reads are still logged, in the DEFAULT partition, and the daily job moves them in."""
    courant = _mois_courant()
    nouveau = _provisionner("test-perime")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{nouveau.schema_name}"."{courant.nom}"')
    with schema_context(nouveau.schema_name):
        services.acces_enregistrer(acteur="n", nature="liste", agent_ids=[4])
    assert _partition_de_chaque_ligne(nouveau.schema_name) == {4: partitions.DEFAUT}
    actors.acces_partitions_maintenir_schema(nouveau.schema_name)
    assert _partition_de_chaque_ligne(nouveau.schema_name) == {4: courant.nom}
    assert _nombre_audit(nouveau.schema_name, "audit.acces_partitions") == 1


def test_the_template_is_maintained_without_audit_rows_its_clones_would_inherit(tenant_a):
    courant = _mois_courant()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{settings.TENANT_BASE_SCHEMA}"."{courant.nom}"')
    actors.acces_partitions_maintenir_schema(settings.TENANT_BASE_SCHEMA)
    assert courant.nom in partitions.partitions_existantes(settings.TENANT_BASE_SCHEMA)
    with schema_context(settings.TENANT_BASE_SCHEMA):
        assert AuditEvent.objects.count() == 0


def test_the_job_refuses_a_schema_without_a_log():
    with pytest.raises(ValueError, match="aucun journal des accès"):
        actors.acces_partitions_maintenir_schema("pg_catalog")


def test_the_daily_job_fans_out_one_message_per_schema(tenant_a, tenant_b, monkeypatch):
    envoyes: list[str] = []
    monkeypatch.setattr(actors.acces_partitions_maintenir_schema, "send", envoyes.append)
    actors.acces_partitions_maintenir_tous()
    assert envoyes == partitions.schemas_avec_journal()
    assert {"public", settings.TENANT_BASE_SCHEMA, tenant_a.schema_name} <= set(envoyes)
