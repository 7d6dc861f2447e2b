"""Per-tenant backup → drop → restore gives the same tenant back, row for row.

Real PostgreSQL (pg_dump / pg_restore of the cluster's version), real Keycloak. The tenant is
this module's own (its Keycloak Organization is dropped and restored here).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from audit import services as audit_services
from audit.models import AuditEvent
from exchange import cles
from exchange.models import Fichier, Sens, Sequence, Statut
from identity import facade as identity_facade
from identity import keycloak_admin, organisations_etat
from identity.models import HabilitationCopie
from tenants import cycle_de_vie, sauvegarde, services
from tenants.models import FailedJob, InscriptionPpr, Organisation, OrganisationKind, RolePpr

CODE = "sauvegarde-essai"
SCHEMA = "t_sauvegarde_essai"


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    """pg_dump and pg_restore are other processes: they see committed rows only."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def documents(settings, tmp_path):
    settings.INDIMAJ_DOCUMENTS_DIR = tmp_path / "documents"
    settings.INDIMAJ_STATE_DIR = tmp_path / "etat"  # the logo lives under it
    return tmp_path / "documents"


def _provision() -> Organisation:
    spec = services.OrganisationSpec(
        code=CODE,
        kind=OrganisationKind.PREFECTURE_PROVINCE,
        name_fr="Province d'essai",
        name_ar="إقليم الاختبار",
    )
    organisation = services.organisation_provision(spec=spec, actor="tests")
    cycle_de_vie.organisation_acces_reconcilier(organisation=organisation)
    return organisation


@pytest.fixture
def province(committed, documents):
    """A tenant with units, audit rows, a document, public rows and Keycloak members."""
    organisation = _provision()
    Unite = apps.get_model("unites", "Unite")
    kind = Unite._meta.get_field("kind").choices[0][0]
    with schema_context(SCHEMA), transaction.atomic():
        racine = Unite.objects.create(
            code="PROV", kind=kind, nom_fr="Province", nom_ar="الإقليم", chemin="/PROV/"
        )
        Unite.objects.create(
            code="SG",
            kind=kind,
            nom_fr="Secrétariat général « SG »",
            nom_ar="الكتابة العامة",
            parent=racine,
            chemin="/PROV/SG/",
            imputation_budgetaire="1.2.3",
        )
        for index in range(3):
            audit_services.audit_record(
                actor="gestionnaire",
                action="unite.creee",
                object_id=str(index),
                data={"ligne": index, "texte": 'virgule, guillemet " et\nretour'},
            )
    folder = documents / SCHEMA / "ab"
    folder.mkdir(parents=True)
    (folder / "ab12").write_bytes(b"%PDF-1.4 arrete de nomination\x00\xff")
    logo = sauvegarde.dossier_logos(SCHEMA)
    logo.mkdir(parents=True)
    (logo / "cd34.png").write_bytes(b"\x89PNG\r\n\x1a\n logo")
    with transaction.atomic():
        InscriptionPpr.objects.create(
            ppr="1234567", organisation=organisation, role=RolePpr.GESTION
        )
        FailedJob.objects.create(
            message_id=f"msg-{CODE}",
            queue_name="default",
            actor_name="x",
            tenant_schema=SCHEMA,
            message={"a": 1},
            error="boom",
        )
        HabilitationCopie.objects.create(
            tenant_schema=SCHEMA, user_sub="sub-1", role="lecture", refreshed_at=timezone.now()
        )
        # the exchange's state of its parties (ORD:<code> and a sous-ordonnateur)
        Sequence.objects.create(
            sens=Sens.SORTANT, emetteur=f"ORD:{CODE}/SG", destinataire="TGR:WADEF",
            flux="actes", derniere=3,
        )  # fmt: skip
        Fichier.objects.create(
            sens=Sens.ENTRANT, nom="reponses_x", emetteur="TGR:WADEF", destinataire=f"ORD:{CODE}",
            flux="reponses", sequence=1, statut=Statut.INTEGRE, sha256="a" * 64,
        )  # fmt: skip
    cles.cle_creer(partie=f"ORD:{CODE}", auteur="tests")
    identity_facade.person_ensure(
        username="yassine.sauvegarde",
        email="yassine.sauvegarde@example.ma",
        first_name="Yassine",
        last_name="Berrada",
        password="Sauve-2026!x",
        organization_aliases=(CODE,),
        habilitations=("lecture", "budget"),
    )
    yield organisation
    existing = Organisation.objects.filter(code=CODE).first()
    if existing is not None:
        sauvegarde.organisation_supprimer(organisation=existing, actor="tests")


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
            "ORDER BY 1",
            [schema],
        )
        return [r[0] for r in cursor.fetchall()]


def _rows(sql: str, params: object = None) -> list[str]:
    """Rows as CSV lines, in a stable order: what a row-by-row comparison needs."""
    with connection.cursor() as cursor:
        buffer = io.StringIO()
        query = cursor.mogrify(sql, params).decode() if params else sql
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    return buffer.getvalue().splitlines()


def _snapshot(organisation: Organisation, documents: Path) -> dict[str, Any]:
    schema = {
        t: _rows(f'SELECT * FROM "{SCHEMA}"."{t}" ORDER BY 1')  # noqa: S608
        for t in _tables(SCHEMA)
    }
    params = sauvegarde._params(organisation, SCHEMA)
    public = {
        t.table: _rows(f"SELECT * FROM public.{t.table} WHERE {t.filtre} ORDER BY id", params)  # noqa: S608
        for t in sauvegarde.TABLES_PUBLIQUES
    }
    files = {
        str(p.relative_to(documents)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(documents.rglob("*"))
        if p.is_file()
    }
    logos = sauvegarde.dossier_logos(SCHEMA)
    files |= {
        f"logos/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(logos.glob("*"))
        if p.is_file()
    }
    keycloak = organisations_etat.organisation_keycloak_exporter(alias=CODE)
    return {"schema": schema, "public": public, "documents": files, "keycloak": keycloak}


def test_every_public_table_pointing_at_a_tenant_is_backed_up(committed):
    assert sauvegarde.tables_non_couvertes() == []


def test_backup_drop_restore_gives_identical_data(province, documents, tmp_path, capsys):
    before = _snapshot(province, documents)
    assert len(before["schema"]["unites_unite"]) == 2
    assert before["keycloak"]["groupes"] == {
        "budget": ["yassine.sauvegarde"],
        "lecture": ["yassine.sauvegarde"],
    }
    archive = tmp_path / "province.tar.gz"

    call_command("tenant", "sauvegarder", CODE, "--vers", str(archive))

    out = capsys.readouterr().out
    assert "… schéma t_sauvegarde_essai (pg_dump)" in out
    assert "… organisation Keycloak" in out
    assert f"{archive}\n  sha256 {hashlib.sha256(archive.read_bytes()).hexdigest()}" in out
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert {
        "manifest.json",
        "schema.dump",
        "keycloak.json",
        "documents/ab/ab12",
        "logos/cd34.png",
    } <= names
    assert manifest["tables_publiques"] == {
        "tenants_organisation": 1,
        "tenants_domain": 1,
        "tenants_inscriptionppr": 1,
        "tenants_transfertagent": 0,
        "tenants_failedjob": 1,
        "identity_assistedaccess": 0,
        "identity_habilitationcopie": 1,
        "exchange_cle": 1,
        "exchange_sequence": 1,
        "exchange_fichier": 1,
    }
    assert "unites.0001_initial" in manifest["migrations"]["tenant"]
    assert manifest["versions"]["pg_dump"].startswith("pg_dump (PostgreSQL) 15")
    assert manifest["documents"] == 1

    sauvegarde.organisation_supprimer(organisation=province, actor="tests")

    assert not schema_exists(SCHEMA)
    assert not Organisation.objects.filter(code=CODE).exists()
    assert not FailedJob.objects.filter(tenant_schema=SCHEMA).exists()
    assert not (documents / SCHEMA).exists()
    assert not sauvegarde.dossier_logos(SCHEMA).exists()
    assert organisations_etat.organisation_keycloak_exporter(alias=CODE) is None
    # the member's account is gone too: the restore recreates it, without a password
    admin = keycloak_admin.admin_client()
    user_id = admin.get_user_id("yassine.sauvegarde")
    assert user_id is not None
    admin.delete_user(user_id)

    call_command("tenant", "restaurer", str(archive))

    out = capsys.readouterr().out
    assert "Comptes recréés sans mot de passe (à réinitialiser) : yassine.sauvegarde" in out
    assert "migrations plus récentes" not in out  # same code: nothing to migrate
    recreated = admin.get_user(str(admin.get_user_id("yassine.sauvegarde")))
    assert recreated["requiredActions"] == ["UPDATE_PASSWORD"]
    assert "… schéma t_sauvegarde_essai (pg_restore)" in out
    assert "sauvegarde-essai restaurée dans t_sauvegarde_essai ; documents : 1" in out
    restored = Organisation.objects.get(code=CODE)
    after = _snapshot(restored, documents)
    # the tenant's chain gained exactly the restore event; everything else is identical
    chain_after = after["schema"].pop("audit_auditevent")
    chain_before = before["schema"].pop("audit_auditevent")
    assert chain_after[:-1] == chain_before
    with schema_context(SCHEMA):
        assert AuditEvent.objects.order_by("-seq")[0].action == "organisation.restauree"
    assert after.pop("keycloak") == before.pop("keycloak")
    assert after == before
    call_command("audit", "verify", "--tenant", CODE)
    assert "sauvegarde-essai: chaîne intègre" in capsys.readouterr().out
    # the archive's own backup event is in the platform chain, not in the restored tenant's
    assert AuditEvent.objects.filter(action="organisation.sauvegardee", object_id=CODE).count() == 1


def test_restore_over_an_existing_tenant_is_refused_unless_replacing(province, tmp_path):
    archive = sauvegarde.organisation_sauvegarder(
        organisation=province, actor="tests", destination=tmp_path / "a.tar.gz"
    ).chemin
    with schema_context(SCHEMA), transaction.atomic():
        audit_services.audit_record(actor="x", action="apres.sauvegarde")

    with pytest.raises(sauvegarde.SauvegardeError, match=r"existe déjà ici.*--remplacer"):
        sauvegarde.organisation_restaurer(chemin=archive, actor="tests")
    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(action="apres.sauvegarde").count() == 1

    sauvegarde.organisation_restaurer(chemin=archive, actor="tests", remplacer=True)

    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(action="apres.sauvegarde").count() == 0
        assert audit_services.audit_verify() == []


def _rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with one member changed (the manifest or a data file)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def test_an_archive_from_newer_code_is_refused(province, tmp_path):
    archive = sauvegarde.organisation_sauvegarder(
        organisation=province, actor="tests", destination=tmp_path / "a.tar.gz"
    ).chemin

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["tenant"].append("unites.9999_du_futur")
        return json.dumps(manifest).encode()

    future = _rewrite(archive, tmp_path / "futur.tar.gz", newer)
    sauvegarde.organisation_supprimer(organisation=province, actor="tests")

    with pytest.raises(sauvegarde.SauvegardeError) as refused:
        sauvegarde.organisation_restaurer(chemin=future, actor="tests")
    assert "version plus récente du code" in str(refused.value)
    assert "unites.9999_du_futur" in str(refused.value)
    assert not schema_exists(SCHEMA)
    assert not Organisation.objects.filter(code=CODE).exists()


def test_a_corrupted_archive_is_refused_before_anything_is_touched(province, tmp_path):
    archive = sauvegarde.organisation_sauvegarder(
        organisation=province, actor="tests", destination=tmp_path / "a.tar.gz"
    ).chemin

    def corrupt(name, data):
        return data.replace(b"1234567", b"7654321") if name.startswith("public/") else data

    bad = _rewrite(archive, tmp_path / "bad.tar.gz", corrupt)
    with pytest.raises(sauvegarde.SauvegardeError, match="Somme de contrôle fausse pour public/"):
        sauvegarde.organisation_restaurer(chemin=bad, actor="tests", remplacer=True)
    assert schema_exists(SCHEMA)
    assert InscriptionPpr.objects.get(organisation__code=CODE).ppr == "1234567"


def test_export_for_the_ordonnateur_is_one_csv_per_table_with_a_readme(province, tmp_path):
    import csv
    import zipfile

    target = tmp_path / "export.zip"
    call_command("tenant", "exporter", CODE, "--vers", str(target))

    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        readme = archive.read("LISEZMOI.md").decode()
        unites = list(csv.DictReader(io.StringIO(archive.read("unites_unite.csv").decode())))
        chain = list(csv.DictReader(io.StringIO(archive.read("audit_auditevent.csv").decode())))
        sums = {n: hashlib.sha256(archive.read(n)).hexdigest() for n in names if n.endswith(".csv")}
    assert {"LISEZMOI.md", "manifest.json", "unites_unite.csv", "audit_auditevent.csv"} <= names
    assert "django_migrations.csv" not in names
    assert not any(n.startswith("audit_acces_") for n in names)  # partitions: via the parent
    assert sorted(u["code"] for u in unites) == ["PROV", "SG"]
    sg = next(u for u in unites if u["code"] == "SG")
    assert (sg["nom_fr"], sg["imputation_budgetaire"]) == ("Secrétariat général « SG »", "1.2.3")
    assert next(r["data"] for r in chain if r["action"] == "unite.creee") == (
        '{"ligne": 0, "texte": "virgule, guillemet \\" et\\nretour"}'
    )
    assert manifest["lignes"]["unites_unite"] == 2
    assert manifest["sommes_sha256"] == sums
    assert "## unites_unite.csv" in readme
    assert "| `imputation_budgetaire` | character varying | non | imputation budgétaire |" in readme
    event = AuditEvent.objects.get(action="organisation.exportee", object_id=CODE)
    assert event.data["fichier"] == "export.zip"
    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(action="organisation.exportee").count() == 1


def test_code_newer_than_the_archive_lists_the_migrations_to_apply(committed):
    with connection.cursor() as cursor:
        tenant = sauvegarde.migrations_appliquees(cursor, "tenant_template", None)
        public = sauvegarde.migrations_appliquees(cursor, "public", sauvegarde.APPS_PUBLIQUES)
    latest_unites = max(m for m in tenant if m.startswith("unites."))
    older = {"migrations": {"tenant": [m for m in tenant if m != latest_unites], "public": public}}

    assert sauvegarde.migrations_verifier(older) == [latest_unites]
    assert (
        sauvegarde.migrations_verifier({"migrations": {"tenant": tenant, "public": public}}) == []
    )
