"""Per-tenant export for the ordonnateur: all its data, in a format any tool reads.

One zip (docs/operations/export-ordonnateur.md):

    LISEZMOI.md        what each file is, and each column: name, PostgreSQL type, nullable,
                       and the field's label in the application when a model maps the table
    manifest.json      tenant, date, row count and SHA-256 of each CSV
    <table>.csv        one per table of the tenant's schema: UTF-8, comma, header line,
                       RFC 4180 quoting; empty field = NULL

Each table leaves through one `COPY (SELECT …) TO STDOUT` streamed into the zip: no row goes
through Python objects, whatever the population. Partitioned tables are exported once through
their parent (the access log), never partition by partition. Django's own bookkeeping
(`django_migrations`) is left out.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from tenants.models import Organisation
from tenants.sauvegarde import audit_double, identifiant_sql

EXCLUES = frozenset({"django_migrations"})

_TABLES = """
SELECT c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
 ORDER BY c.relname
"""
_COLONNES = """
SELECT table_name, column_name, data_type, is_nullable = 'YES'
  FROM information_schema.columns
 WHERE table_schema = %s
 ORDER BY table_name, ordinal_position
"""


@dataclass(frozen=True)
class Colonne:
    nom: str
    type_sql: str
    nullable: bool
    libelle: str


@dataclass(frozen=True)
class RapportExport:
    chemin: Path
    sha256: str
    lignes: dict[str, int]


def _libelles() -> dict[str, tuple[str, dict[str, str]]]:
    """db_table → (model's verbose name, column → field label) for every installed model."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for model in apps.get_models():
        labels = {
            f.column: str(getattr(f, "verbose_name", "") or "") for f in model._meta.concrete_fields
        }
        found[model._meta.db_table] = (str(model._meta.verbose_name), labels)
    return found


def _structure(schema: str) -> dict[str, list[Colonne]]:
    libelles = _libelles()
    with connection.cursor() as cursor:
        cursor.execute(_TABLES, [schema])
        tables = [str(r[0]) for r in cursor.fetchall() if r[0] not in EXCLUES]
        cursor.execute(_COLONNES, [schema])
        colonnes: dict[str, list[Colonne]] = {t: [] for t in tables}
        for table, nom, type_sql, nullable in cursor.fetchall():
            if table in colonnes:
                labels = libelles.get(table, ("", {}))[1]
                colonnes[table].append(Colonne(nom, type_sql, bool(nullable), labels.get(nom, "")))
    return colonnes


def _lisezmoi(
    organisation: Organisation, structure: dict[str, list[Colonne]], lignes: dict[str, int]
) -> str:
    libelles = _libelles()
    morceaux = [
        f"# Export INDIMAJ — {organisation.name_fr} ({organisation.code})",
        "",
        _("Exporté le %(d)s.") % {"d": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        "",
        _(
            "Un fichier CSV par table : UTF-8, séparateur virgule, première ligne = noms des "
            "colonnes, guillemets doubles autour des valeurs qui contiennent une virgule, un "
            "guillemet ou un retour à la ligne. Un champ vide signifie « sans valeur » (NULL). "
            "Dates au format ISO 8601 (AAAA-MM-JJ), instants avec leur fuseau ; montants en "
            "dirhams avec le point comme séparateur décimal. Les colonnes `*_id` renvoient à la "
            "colonne `id` d'une autre table de l'export."
        ),
        "",
        _(
            "Le fichier manifest.json donne le nombre de lignes et la somme SHA-256 de chaque "
            "fichier."
        ),
        "",
    ]
    for table, colonnes in structure.items():
        titre = libelles.get(table, ("", {}))[0]
        morceaux.append(f"## {table}.csv" + (f" — {titre}" if titre else ""))
        morceaux.append("")
        morceaux.append(_("%(n)d ligne(s).") % {"n": lignes.get(table, 0)})
        morceaux.append("")
        morceaux.append(
            "| " + " | ".join([_("colonne"), _("type"), _("vide possible"), _("libellé")]) + " |"
        )
        morceaux.append("|---|---|---|---|")
        for c in colonnes:
            vide = _("oui") if c.nullable else _("non")
            morceaux.append(f"| `{c.nom}` | {c.type_sql} | {vide} | {c.libelle} |")
        morceaux.append("")
    return "\n".join(morceaux)


def organisation_exporter(
    *,
    organisation: Organisation,
    actor: str,
    destination: Path,
    progression: Callable[[str], None] = lambda _m: None,
) -> RapportExport:
    """Write the tenant's data to `destination` (a .zip); audited in both chains."""
    schema = organisation.schema_name
    structure = _structure(schema)
    lignes: dict[str, int] = {}
    sommes: dict[str, str] = {}
    destination.parent.mkdir(parents=True, exist_ok=True)
    provisoire = destination.with_name(destination.name + ".partiel")
    with (
        zipfile.ZipFile(provisoire, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        schema_context(schema),
        connection.cursor() as cursor,
    ):
        for index, table in enumerate(structure, start=1):
            progression(f"[{index}/{len(structure)}] {table}")
            with tempfile.TemporaryFile("w+b") as tampon:
                cursor.copy_expert(
                    f"COPY (SELECT * FROM {identifiant_sql(schema)}.{identifiant_sql(table)}) "  # noqa: S608
                    "TO STDOUT WITH (FORMAT csv, HEADER)",
                    tampon,
                )
                lignes[table] = max(cursor.rowcount, 0)
                tampon.seek(0)
                digest = hashlib.sha256()
                with archive.open(f"{table}.csv", "w") as sortie:
                    for bloc in iter(lambda: tampon.read(1 << 20), b""):
                        digest.update(bloc)
                        sortie.write(bloc)
                sommes[f"{table}.csv"] = digest.hexdigest()
        manifest: dict[str, Any] = {
            "code": organisation.code,
            "nom_fr": organisation.name_fr,
            "nom_ar": organisation.name_ar,
            "exporte_le": timezone.now().isoformat(),
            "lignes": lignes,
            "sommes_sha256": sommes,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        archive.writestr("LISEZMOI.md", _lisezmoi(organisation, structure, lignes))
    provisoire.replace(destination)
    somme = hashlib.sha256(destination.read_bytes()).hexdigest()
    audit_double(
        organisation,
        actor=actor,
        action="organisation.exportee",
        data={"fichier": destination.name, "sha256": somme, "tables": len(lignes)},
    )
    return RapportExport(destination, somme, lignes)
