"""Per-tenant backup and restore: one tar.gz holding everything that is the tenant's.

Archive layout (format 1; docs/operations/sauvegardes.md):

    manifest.json            versions, migration state, row counts, SHA-256 of every member
    schema.dump              pg_dump -Fc -n <schema> (custom format, no owner, no grants)
    public/<table>.csv       the tenant's rows of each public table of TABLES_PUBLIQUES
    reference/audit_plateforme.csv   the platform chain's events about the tenant (not restored)
    keycloak.json            its Organization: members (no credentials) and habilitation groups
    documents/...            its stored documents (INDIMAJ_DOCUMENTS_DIR/<schema>)

The schema dump and the public rows come from one snapshot (`pg_export_snapshot` handed to
pg_dump), so they agree with each other. The platform chain is append-only: the events about
a tenant stay in it when the tenant is dropped, so they are kept in the archive for reference
only and never written back.

A restore goes into a platform where the tenant is absent (or, with `remplacer`, drops it
first). It refuses an archive whose migration state is newer than the code's, and migrates the
schema when the code is newer than the archive.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import django
import psycopg2  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from audit import services as audit_services
from identity import organisations_etat
from tenants.models import Organisation

logger = logging.getLogger(__name__)

FORMAT = 1
Progression = Callable[[str], None]


@dataclass(frozen=True)
class TablePublique:
    """A public table holding rows that belong to a tenant.

    `filtre` selects them (`%(org)s`: the organisation id, `%(schema)s`: its schema name).
    `partagee`: a row may concern another tenant too (a transfer between two ordonnateurs): at
    restore it is skipped when already there, or when the other tenant does not exist.
    """

    table: str
    filtre: str
    partagee: str = ""


_PARTIES = (
    "{c} = %(partie)s OR {c} LIKE %(sous_parties)s OR {d} = %(partie)s OR {d} LIKE %(sous_parties)s"
)

# Add a public table here when it gets a column pointing at a tenant: the backup refuses to run
# while such a table is missing from this list (see tables_non_couvertes).
TABLES_PUBLIQUES: tuple[TablePublique, ...] = (
    TablePublique("tenants_organisation", "id = %(org)s"),
    TablePublique("tenants_domain", "tenant_id = %(org)s"),
    TablePublique("tenants_inscriptionppr", "organisation_id = %(org)s"),
    TablePublique(
        "tenants_transfertagent",
        "source_id = %(org)s OR destination_id = %(org)s",
        partagee="source_id IN (SELECT id FROM public.tenants_organisation) "
        "AND destination_id IN (SELECT id FROM public.tenants_organisation)",
    ),
    TablePublique("tenants_failedjob", "tenant_schema = %(schema)s"),
    TablePublique("identity_assistedaccess", "tenant_schema = %(schema)s"),
    TablePublique("identity_habilitationcopie", "tenant_schema = %(schema)s"),
    # The exchange's state for the ordonnateur's parties (ORD:<code> and its sous-ordonnateurs):
    # its keys (private halves encrypted by the platform's master key), sequences and files.
    TablePublique("exchange_cle", "partie = %(partie)s"),
    TablePublique(
        "exchange_sequence", _PARTIES.replace("{c}", "emetteur").replace("{d}", "destinataire")
    ),
    TablePublique(
        "exchange_fichier", _PARTIES.replace("{c}", "emetteur").replace("{d}", "destinataire")
    ),
)
# Apps whose migrations shape the public tables above (their state goes in the manifest).
APPS_PUBLIQUES = ("tenants", "identity", "exchange")


def _params(organisation: Any, schema: str) -> dict[str, Any]:
    return {
        "org": organisation.pk,
        "schema": schema,
        "partie": f"ORD:{organisation.code}",
        "sous_parties": f"ORD:{organisation.code}/%",
    }


class SauvegardeError(RuntimeError):
    """A backup or restore that cannot be done; the message says what to fix (French)."""


@dataclass(frozen=True)
class RapportSauvegarde:
    chemin: Path
    sha256: str
    lignes_publiques: dict[str, int]
    documents: int
    membres_keycloak: int


@dataclass(frozen=True)
class RapportRestauration:
    code: str
    schema: str
    lignes_publiques: dict[str, int]
    documents: int
    comptes_recrees: list[str] = field(default_factory=list)
    migrations_appliquees: list[str] = field(default_factory=list)


def _rien(_message: str) -> None:
    return None


# --- PostgreSQL tools and connections ---------------------------------------------------------


def pg_bin(outil: str) -> str:
    """The PostgreSQL 15 client tools that infra/lib/postgres.sh installs (Debian package)."""
    base = os.environ.get("INDIMAJ_PG_BIN", "/usr/lib/postgresql/15/bin")
    return str(Path(base) / outil)


def _params_connexion() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    return {
        "dbname": db["NAME"],
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"],
        "port": str(db["PORT"]),
    }


def _env_pg() -> dict[str, str]:
    p = _params_connexion()
    return {
        **os.environ,
        "PGHOST": p["host"],
        "PGPORT": p["port"],
        "PGUSER": p["user"],
        "PGPASSWORD": p["password"],
        "PGDATABASE": p["dbname"],
    }


def _executer(argv: list[str], *, quoi: str) -> str:
    result = subprocess.run(argv, env=_env_pg(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SauvegardeError(f"{quoi} a échoué ({result.returncode}) : {result.stderr.strip()}")
    return result.stdout


def identifiant_sql(nom: str) -> str:
    if not nom.replace("_", "").isalnum():
        raise SauvegardeError(f"nom SQL inattendu : {nom!r}")
    return f'"{nom}"'


# --- Which public tables belong to tenants ------------------------------------------------------

_COLONNES_TENANT = """
SELECT c.conrelid::regclass::text
  FROM pg_constraint c
 WHERE c.contype = 'f' AND c.confrelid = 'public.tenants_organisation'::regclass
UNION
SELECT table_name FROM information_schema.columns
 WHERE table_schema = 'public' AND column_name = 'tenant_schema'
"""


def tables_non_couvertes() -> list[str]:
    """Public tables pointing at a tenant (foreign key to the organisation, or a
    `tenant_schema` column) that TABLES_PUBLIQUES does not list."""
    couvertes = {t.table for t in TABLES_PUBLIQUES}
    with connection.cursor() as cursor:
        cursor.execute(_COLONNES_TENANT)
        trouvees = {str(row[0]).removeprefix("public.") for row in cursor.fetchall()}
    return sorted(trouvees - couvertes)


def _table_existe(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"])
    return bool(cursor.fetchone()[0])


# --- Migration state ------------------------------------------------------------------------------


def migrations_appliquees(cursor: Any, schema: str, apps: tuple[str, ...] | None) -> list[str]:
    sql = f"SELECT app, name FROM {identifiant_sql(schema)}.django_migrations"  # noqa: S608
    cursor.execute(
        sql + (" WHERE app = ANY(%s)" if apps else "") + " ORDER BY app, name",
        [list(apps)] if apps else [],
    )
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def migrations_du_code() -> set[str]:
    """Every migration the running code knows, as `app.name`."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- Backup ---------------------------------------------------------------------------------------


def _sha256_fichier(chemin: Path) -> str:
    digest = hashlib.sha256()
    with chemin.open("rb") as flux:
        for bloc in iter(lambda: flux.read(1 << 20), b""):
            digest.update(bloc)
    return digest.hexdigest()


def _version(outil: str) -> str:
    return _executer([pg_bin(outil), "--version"], quoi=outil).strip()


def dossier_documents(schema: str) -> Path:
    return Path(settings.INDIMAJ_DOCUMENTS_DIR) / schema


def dossier_logos(schema: str) -> Path:
    """The tenant's logo files (tenants/logos.py), restored with it."""
    return Path(settings.INDIMAJ_STATE_DIR) / "logos" / schema


def chemin_par_defaut(code: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.INDIMAJ_STATE_DIR) / "sauvegardes" / f"{code}-{stamp}.tar.gz"


def _copier_vers(cursor: Any, requete: str, chemin: Path) -> int:
    with chemin.open("w", encoding="utf-8", newline="") as flux:
        cursor.copy_expert(f"COPY ({requete}) TO STDOUT WITH (FORMAT csv, HEADER)", flux)
    with chemin.open(encoding="utf-8", newline="") as flux:
        return max(sum(1 for _row in csv.reader(flux)) - 1, 0)


def organisation_sauvegarder(
    *,
    organisation: Organisation,
    actor: str,
    destination: Path | None = None,
    avec_keycloak: bool = True,
    progression: Progression = _rien,
) -> RapportSauvegarde:
    """Write the tenant's archive; returns where, with its checksum and what it holds."""
    with schema_context("public"):
        return _sauvegarder(organisation, actor, destination, avec_keycloak, progression)


def _sauvegarder(
    organisation: Organisation,
    actor: str,
    destination: Path | None,
    avec_keycloak: bool,
    progression: Progression,
) -> RapportSauvegarde:
    if organisation.schema_name == "public":
        raise SauvegardeError(_("La plateforme se sauvegarde physiquement (infra/backup.sh)."))
    manquantes = tables_non_couvertes()
    if manquantes:
        raise SauvegardeError(
            _(
                "Tables publiques liées aux organisations mais absentes de la sauvegarde : "
                "%(t)s. Ajoutez-les à tenants.sauvegarde.TABLES_PUBLIQUES."
            )
            % {"t": ", ".join(manquantes)}
        )
    schema = organisation.schema_name
    destination = Path(destination or chemin_par_defaut(organisation.code))
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="indimaj-sauvegarde-") as tmp:
        racine = Path(tmp)
        (racine / "public").mkdir()
        (racine / "reference").mkdir()
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "code": organisation.code,
            "schema": schema,
            "organisation_id": organisation.pk,
            "statut": organisation.status,
            "cree_le": timezone.now().isoformat(),
            "par": actor,
            "versions": {
                "indimaj": metadata.version("indimaj"),
                "django": django.get_version(),
                "pg_dump": _version("pg_dump"),
            },
            "tables_publiques": {},
        }
        params = _params(organisation, schema)
        # One snapshot for the dump and the public rows: they describe the same instant.
        with closing(psycopg2.connect(**_params_connexion())) as pg, pg:
            pg.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with pg.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                snapshot, server_version = cursor.fetchone()
                manifest["versions"]["postgresql"] = server_version
                progression(_("schéma %(s)s (pg_dump)") % {"s": schema})
                _executer(
                    [
                        pg_bin("pg_dump"),
                        "--format=custom",
                        f"--schema={schema}",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={racine / 'schema.dump'}",
                    ],
                    quoi="pg_dump",
                )
                manifest["migrations"] = {
                    "tenant": migrations_appliquees(cursor, schema, None),
                    "public": migrations_appliquees(cursor, "public", APPS_PUBLIQUES),
                }
                progression(_("lignes des tables publiques"))
                for table in TABLES_PUBLIQUES:
                    if not _table_existe(cursor, table.table):
                        continue
                    requete = cursor.mogrify(
                        f"SELECT * FROM public.{identifiant_sql(table.table)} "  # noqa: S608
                        f"WHERE {table.filtre} ORDER BY id",
                        params,
                    ).decode()
                    manifest["tables_publiques"][table.table] = _copier_vers(
                        cursor, requete, racine / "public" / f"{table.table}.csv"
                    )
                requete = cursor.mogrify(
                    "SELECT * FROM public.audit_auditevent WHERE object_type = 'organisation' "
                    "AND object_id = %s ORDER BY seq",
                    [organisation.code],
                ).decode()
                manifest["audit_plateforme"] = _copier_vers(
                    cursor, requete, racine / "reference" / "audit_plateforme.csv"
                )
        progression(_("documents"))
        # Documents go into the archive from where they are (content-addressed files, never
        # rewritten): no second copy on disk.
        documents = dossier_documents(schema)
        pieces = (
            {
                f"documents/{p.relative_to(documents)}": p
                for p in sorted(documents.rglob("*"))
                if p.is_file() and not p.is_symlink()
            }
            if documents.is_dir()
            else {}
        )
        logos = dossier_logos(schema)
        if logos.is_dir():
            pieces |= {
                f"logos/{p.relative_to(logos)}": p
                for p in sorted(logos.rglob("*"))
                if p.is_file() and not p.is_symlink()
            }
        manifest["membres_keycloak"] = 0
        if avec_keycloak:
            progression(_("organisation Keycloak"))
            donnees = organisations_etat.organisation_keycloak_exporter(alias=organisation.code)
            if donnees is None:
                raise SauvegardeError(
                    _(
                        "Keycloak n'a pas d'organisation « %(code)s » : lancez la réconciliation, "
                        "ou sauvegardez sans Keycloak (--sans-keycloak)."
                    )
                    % {"code": organisation.code}
                )
            (racine / "keycloak.json").write_text(
                json.dumps(donnees, ensure_ascii=False, indent=1, sort_keys=True)
            )
            manifest["membres_keycloak"] = len(donnees["membres"])
        fichiers = {
            str(p.relative_to(racine)): p for p in sorted(racine.rglob("*")) if p.is_file()
        } | pieces
        manifest["documents"] = sum(1 for nom in pieces if nom.startswith("documents/"))
        manifest["sommes_sha256"] = {nom: _sha256_fichier(p) for nom, p in fichiers.items()}
        (racine / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        )
        progression(_("archive %(f)s") % {"f": destination})
        provisoire = destination.with_name(destination.name + ".partiel")
        with tarfile.open(provisoire, "w:gz") as archive:
            archive.add(racine / "manifest.json", arcname="manifest.json")
            for nom, chemin in fichiers.items():
                archive.add(chemin, arcname=nom)
        provisoire.replace(destination)
    somme = _sha256_fichier(destination)
    audit_double(
        organisation,
        actor=actor,
        action="organisation.sauvegardee",
        data={"fichier": destination.name, "sha256": somme},
    )
    return RapportSauvegarde(
        chemin=destination,
        sha256=somme,
        lignes_publiques=dict(manifest["tables_publiques"]),
        documents=int(manifest["documents"]),
        membres_keycloak=int(manifest["membres_keycloak"]),
    )


def audit_double(
    organisation: Organisation, *, actor: str, action: str, data: dict[str, Any]
) -> None:
    with transaction.atomic():
        with schema_context("public"):
            audit_services.audit_record(
                actor=actor,
                action=action,
                object_type="organisation",
                object_id=organisation.code,
                data=data,
            )
        if schema_exists(organisation.schema_name):
            with schema_context(organisation.schema_name):
                audit_services.audit_record(
                    actor=actor,
                    action=action,
                    object_type="organisation",
                    object_id=organisation.code,
                    data=data,
                )


# --- Drop -----------------------------------------------------------------------------------------


def organisation_supprimer(
    *, organisation: Organisation, actor: str, avec_keycloak: bool = True
) -> None:
    """Drop the tenant: Keycloak Organization, public rows, schema, documents.

    Used before a restore over an existing tenant, and by the restore test. Irreversible
    without a backup: the caller makes one first. The platform chain keeps its events about
    the tenant and gains one saying it was dropped.
    """
    if organisation.schema_name == "public":
        raise SauvegardeError(_("La plateforme ne se supprime pas."))
    if avec_keycloak:
        organisations_etat.organisation_keycloak_supprimer(alias=organisation.code)
    params = _params(organisation, organisation.schema_name)
    with schema_context("public"), transaction.atomic(), connection.cursor() as cursor:
        for table in reversed(TABLES_PUBLIQUES):
            if _table_existe(cursor, table.table):
                cursor.execute(
                    f"DELETE FROM public.{identifiant_sql(table.table)} WHERE {table.filtre}",  # noqa: S608
                    params,
                )
        cursor.execute(f"DROP SCHEMA IF EXISTS {identifiant_sql(organisation.schema_name)} CASCADE")
        audit_services.audit_record(
            actor=actor,
            action="organisation.supprimee",
            object_type="organisation",
            object_id=organisation.code,
            data={"schema": organisation.schema_name},
        )
    shutil.rmtree(dossier_documents(organisation.schema_name), ignore_errors=True)
    shutil.rmtree(dossier_logos(organisation.schema_name), ignore_errors=True)


# --- Restore --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    racine: Path
    manifest: dict[str, Any]


@contextmanager
def archive_ouvrir(chemin: Path) -> Iterator[Archive]:
    """Unpack to a temporary folder and check every member against the manifest."""
    with tempfile.TemporaryDirectory(prefix="indimaj-restauration-") as tmp:
        racine = Path(tmp)
        try:
            with tarfile.open(chemin, "r:gz") as archive:
                archive.extractall(racine, filter="data")
        except (OSError, tarfile.TarError) as error:
            raise SauvegardeError(
                _("Archive illisible %(f)s : %(e)s") % {"f": chemin, "e": error}
            ) from error
        try:
            manifest = json.loads((racine / "manifest.json").read_text())
        except (OSError, ValueError) as error:
            raise SauvegardeError(
                _("Archive sans manifeste valide : %(f)s") % {"f": chemin}
            ) from error
        if manifest.get("format") != FORMAT:
            raise SauvegardeError(
                _("Format d'archive %(v)s inconnu de cette version (attendu : %(a)s).")
                % {"v": manifest.get("format"), "a": FORMAT}
            )
        presents = {
            str(p.relative_to(racine))
            for p in racine.rglob("*")
            if p.is_file() and p.name != "manifest.json"
        }
        attendus = manifest["sommes_sha256"]
        if presents != set(attendus):
            raise SauvegardeError(
                _("Archive incomplète ou modifiée : fichiers %(f)s.")
                % {"f": ", ".join(sorted(presents ^ set(attendus)))}
            )
        for nom, somme in attendus.items():
            if _sha256_fichier(racine / nom) != somme:
                raise SauvegardeError(
                    _("Somme de contrôle fausse pour %(f)s : l'archive est corrompue.") % {"f": nom}
                )
        yield Archive(racine, manifest)


def migrations_verifier(manifest: dict[str, Any]) -> list[str]:
    """Refuse an archive from newer code; return the migrations the code has in addition."""
    connues = migrations_du_code()
    archive = set(manifest["migrations"]["tenant"]) | set(manifest["migrations"]["public"])
    inconnues = sorted(archive - connues)
    if inconnues:
        raise SauvegardeError(
            _(
                "Cette sauvegarde vient d'une version plus récente du code (migrations inconnues "
                "ici : %(m)s). Restaurez-la avec une version au moins aussi récente."
            )
            % {"m": ", ".join(inconnues)}
        )
    with connection.cursor() as cursor:
        publiques = set(migrations_appliquees(cursor, "public", APPS_PUBLIQUES))
    manquantes_public = sorted(set(manifest["migrations"]["public"]) - publiques)
    if manquantes_public:
        raise SauvegardeError(
            _("Migrations publiques %(m)s non appliquées ici : lancez d'abord migrate_platform.")
            % {"m": ", ".join(manquantes_public)}
        )
    # what the code has and the archived schema had not: migrate_schemas applies it after
    return sorted(connues - set(manifest["migrations"]["tenant"]))


def _inserer_lignes(cursor: Any, racine: Path, manifest: dict[str, Any]) -> dict[str, int]:
    inserees: dict[str, int] = {}
    for table in TABLES_PUBLIQUES:
        fichier = racine / "public" / f"{table.table}.csv"
        if table.table not in manifest["tables_publiques"]:
            continue
        if not _table_existe(cursor, table.table):
            raise SauvegardeError(
                _("La table %(t)s de la sauvegarde n'existe pas ici.") % {"t": table.table}
            )
        with fichier.open(encoding="utf-8", newline="") as flux:
            colonnes = next(csv.reader(flux), [])
        if not colonnes:
            continue
        liste = ", ".join(identifiant_sql(c) for c in colonnes)
        temp = identifiant_sql(f"restauration_{table.table}")
        cursor.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {liste} FROM public.{identifiant_sql(table.table)} WITH NO DATA"
        )
        with fichier.open(encoding="utf-8", newline="") as flux:
            cursor.copy_expert(f"COPY {temp} ({liste}) FROM STDIN WITH (FORMAT csv, HEADER)", flux)
        condition = f"WHERE {table.partagee}" if table.partagee else ""
        conflit = "ON CONFLICT DO NOTHING" if table.partagee else ""
        cursor.execute(
            f"INSERT INTO public.{identifiant_sql(table.table)} ({liste}) "  # noqa: S608
            f"SELECT {liste} FROM {temp} {condition} ORDER BY id {conflit}"
        )
        inserees[table.table] = cursor.rowcount
        _sequence_au_dela(cursor, table.table)
    return inserees


def _sequence_au_dela(cursor: Any, table: str) -> None:
    """A restore into another platform: the table's id sequence must not hand out the restored
    ids again."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f"public.{table}"])
    sequence = cursor.fetchone()[0]
    if sequence is None:
        return
    cursor.execute(f"SELECT max(id) FROM public.{identifiant_sql(table)}")  # noqa: S608
    plus_grand = cursor.fetchone()[0]
    cursor.execute(
        "SELECT last_value FROM pg_sequences WHERE schemaname || '.' || sequencename = %s",
        [sequence.replace('"', "")],
    )
    row = cursor.fetchone()
    if plus_grand is not None and (row is None or row[0] is None or row[0] < plus_grand):
        cursor.execute("SELECT setval(%s, %s)", [sequence, plus_grand])


def organisation_restaurer(
    *,
    chemin: Path,
    actor: str,
    remplacer: bool = False,
    avec_keycloak: bool = True,
    progression: Progression = _rien,
) -> RapportRestauration:
    """Bring a tenant back from its archive: schema, public rows, documents, Keycloak."""
    with schema_context("public"):
        return _restaurer(Path(chemin), actor, remplacer, avec_keycloak, progression)


def _restaurer(
    chemin: Path, actor: str, remplacer: bool, avec_keycloak: bool, progression: Progression
) -> RapportRestauration:
    with archive_ouvrir(Path(chemin)) as archive:
        manifest, racine = archive.manifest, archive.racine
        code, schema = str(manifest["code"]), str(manifest["schema"])
        progression(_("archive vérifiée : %(c)s (%(s)s)") % {"c": code, "s": schema})
        a_migrer = migrations_verifier(manifest)
        existante = Organisation.objects.filter(code=code).first()
        documents = dossier_documents(schema)
        present = (
            existante is not None
            or schema_exists(schema)
            or (documents.is_dir() and any(documents.iterdir()))
        )
        if present and not remplacer:
            raise SauvegardeError(
                _(
                    "L'organisation « %(c)s » existe déjà ici (ligne, schéma ou documents) : "
                    "rien n'a été restauré. Ajoutez --remplacer pour l'écraser par la sauvegarde."
                )
                % {"c": code}
            )
        if present:
            progression(_("suppression de l'organisation existante"))
            if existante is not None:
                organisation_supprimer(
                    organisation=existante, actor=actor, avec_keycloak=avec_keycloak
                )
            else:
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP SCHEMA IF EXISTS {identifiant_sql(schema)} CASCADE")
                shutil.rmtree(documents, ignore_errors=True)
        progression(_("schéma %(s)s (pg_restore)") % {"s": schema})
        _executer(
            [
                pg_bin("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_params_connexion()['dbname']}",
                str(racine / "schema.dump"),
            ],
            quoi="pg_restore",
        )
        progression(_("lignes des tables publiques"))
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                lignes = _inserer_lignes(cursor, racine, manifest)
        except Exception:
            with connection.cursor() as cursor:  # nothing half-restored stays behind
                cursor.execute(f"DROP SCHEMA IF EXISTS {identifiant_sql(schema)} CASCADE")
            raise
        if a_migrer:
            progression(_("migrations plus récentes : %(m)s") % {"m": ", ".join(a_migrer)})
            call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        nombre_documents = 0
        if (racine / "documents").is_dir():
            progression(_("documents"))
            documents.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(racine / "documents", documents)
            nombre_documents = sum(1 for p in documents.rglob("*") if p.is_file())
        if (racine / "logos").is_dir():
            progression(_("logo"))
            logos = dossier_logos(schema)
            shutil.rmtree(logos, ignore_errors=True)
            logos.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(racine / "logos", logos)
        recrees: list[str] = []
        if avec_keycloak and (racine / "keycloak.json").is_file():
            progression(_("organisation Keycloak"))
            donnees = json.loads((racine / "keycloak.json").read_text())
            recrees = organisations_etat.organisation_keycloak_restaurer(donnees=donnees)
        organisation = Organisation.objects.get(code=code)
        audit_double(
            organisation,
            actor=actor,
            action="organisation.restauree",
            data={"archive": Path(chemin).name, "du": manifest["cree_le"]},
        )
    return RapportRestauration(
        code=code,
        schema=schema,
        lignes_publiques=lignes,
        documents=nombre_documents,
        comptes_recrees=recrees,
        migrations_appliquees=a_migrer,
    )


def manifeste_lire(chemin: Path) -> dict[str, Any]:
    """The manifest only (for `tenant restaurer --verifier`), after checking the checksums."""
    with archive_ouvrir(chemin) as archive:
        return dict(archive.manifest)


__all__ = [
    "TABLES_PUBLIQUES",
    "RapportRestauration",
    "RapportSauvegarde",
    "SauvegardeError",
    "TablePublique",
    "organisation_restaurer",
    "organisation_sauvegarder",
    "organisation_supprimer",
    "tables_non_couvertes",
]
