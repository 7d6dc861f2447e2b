"""Monthly partitions of the access log (`audit_acces`) in the current schema.

The table is partitioned by month of `instant` (local time, Africa/Casablanca), plus a DEFAULT
partition that catches any row whose month has no partition yet, so a read of personal data is
never refused for want of a partition (a tenant cloned from an old template, a scheduler that
missed a run). `acces_partitions_maintenir` — run by migration 0002 and every day by the
scheduler (`audit.actors`), idempotent — then:

- creates the partitions of the current month and of the `INDIMAJ_ACCES_MOIS_AVANCE` (2) next
  ones, and of any month that has rows waiting in the DEFAULT partition, moving those rows in;
- drops the partitions older than `INDIMAJ_ACCES_RETENTION_MOIS` (24) months: every row younger
  than the retention period is kept, a whole month goes at once (a DROP, not a slow DELETE).

Every statement names the schema explicitly: under django-tenants the search path is
"tenant, public", and an unqualified DROP could otherwise reach the public schema's table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg2 import sql  # type: ignore[import-untyped]

from audit import services as audit_services

PARENT = "audit_acces"
DEFAUT = "audit_acces_defaut"
_NOM = re.compile(r"^audit_acces_p(\d{4})(\d{2})$")


def retention_mois() -> int:
    return int(getattr(settings, "INDIMAJ_ACCES_RETENTION_MOIS", 24))


def mois_avance() -> int:
    return int(getattr(settings, "INDIMAJ_ACCES_MOIS_AVANCE", 2))


@dataclass(frozen=True, order=True)
class Mois:
    annee: int
    mois: int

    @classmethod
    def de(cls, instant: datetime) -> Mois:
        local = timezone.localtime(instant)
        return cls(local.year, local.month)

    def plus(self, n: int) -> Mois:
        index = self.annee * 12 + (self.mois - 1) + n
        return Mois(index // 12, index % 12 + 1)

    @property
    def nom(self) -> str:
        return f"{PARENT}_p{self.annee:04d}{self.mois:02d}"

    @property
    def debut(self) -> datetime:
        """Midnight on the 1st, local time (the offset changes around Ramadan: never fixed)."""
        return timezone.make_aware(datetime(self.annee, self.mois, 1))

    @property
    def fin(self) -> datetime:
        return self.plus(1).debut


@dataclass(frozen=True)
class Maintenance:
    schema: str
    creees: tuple[str, ...]
    supprimees: tuple[str, ...]
    lignes_deplacees: int

    @property
    def changement(self) -> bool:
        return bool(self.creees or self.supprimees or self.lignes_deplacees)


def _schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return str(cursor.fetchone()[0])


def partitions_existantes(schema: str) -> dict[str, Mois]:
    """The monthly partitions of the schema's access log, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT enfant.relname
              FROM pg_inherits i
              JOIN pg_class parent ON parent.oid = i.inhparent
              JOIN pg_class enfant ON enfant.oid = i.inhrelid
              JOIN pg_namespace n ON n.oid = parent.relnamespace
             WHERE n.nspname = %s AND parent.relname = %s
            """,
            [schema, PARENT],
        )
        noms = [str(row[0]) for row in cursor.fetchall()]
    trouvees: dict[str, Mois] = {}
    for nom in noms:
        if match := _NOM.match(nom):
            trouvees[nom] = Mois(int(match.group(1)), int(match.group(2)))
    return trouvees


def _mois_en_attente(schema: str) -> set[Mois]:
    """Months that have rows in the DEFAULT partition (one small scan: it is normally empty)."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT DISTINCT date_trunc('month', instant AT TIME ZONE %s) FROM {}").format(
                sql.Identifier(schema, DEFAUT)
            ),
            [settings.TIME_ZONE],
        )
        return {Mois(row[0].year, row[0].month) for row in cursor.fetchall()}


def _creer(schema: str, mois: Mois) -> int:
    """Create the month's partition, moving into it any row the DEFAULT partition holds for
    that month (PostgreSQL refuses a new partition while DEFAULT has rows in its range)."""
    table = sql.Identifier(schema, mois.nom)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS)").format(
                table, sql.Identifier(schema, PARENT)
            )
        )
        cursor.execute(
            sql.SQL(
                "WITH sortis AS (DELETE FROM {defaut} WHERE instant >= %s AND instant < %s "
                "RETURNING *) INSERT INTO {table} SELECT * FROM sortis"
            ).format(defaut=sql.Identifier(schema, DEFAUT), table=table),
            [mois.debut, mois.fin],
        )
        deplacees = int(cursor.rowcount)
        cursor.execute(
            sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM (%s) TO (%s)").format(
                sql.Identifier(schema, PARENT), table
            ),
            [mois.debut, mois.fin],
        )
    return max(deplacees, 0)


def _supprimer(schema: str, nom: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(schema, nom)))


def acces_partitions_maintenir(
    *, maintenant: datetime | None = None, auditer: bool = True
) -> Maintenance:
    """Bring the current schema's partitions up to date (see the module's docstring).

    `auditer`: write one row in the schema's audit chain when something changed (False for the
    template schema, whose rows every new tenant would inherit, and inside migrations).
    """
    instant = maintenant or timezone.now()
    courant = Mois.de(instant)
    limite = courant.plus(-retention_mois())
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One maintainer at a time per schema (the scheduler may overlap a migration).
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':acces'))")
        schema = _schema()
        existantes = partitions_existantes(schema)
        voulus = {courant.plus(n) for n in range(mois_avance() + 1)} | {
            m for m in _mois_en_attente(schema) if m >= limite
        }
        presents = set(existantes.values())
        creees: list[str] = []
        deplacees = 0
        for mois in sorted(voulus - presents):
            deplacees += _creer(schema, mois)
            creees.append(mois.nom)
        supprimees = sorted(nom for nom, mois in existantes.items() if mois < limite)
        for nom in supprimees:
            _supprimer(schema, nom)
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DELETE FROM {} WHERE instant < %s").format(sql.Identifier(schema, DEFAUT)),
                [limite.debut],
            )
            purgees_defaut = cursor.rowcount
        resultat = Maintenance(
            schema=schema,
            creees=tuple(creees),
            supprimees=tuple(supprimees),
            lignes_deplacees=deplacees,
        )
        if auditer and (resultat.supprimees or resultat.lignes_deplacees or purgees_defaut):
            donnees: dict[str, Any] = {
                "creees": list(resultat.creees),
                "supprimees": list(resultat.supprimees),
                "lignes_deplacees": resultat.lignes_deplacees,
                "purgees_hors_partition": purgees_defaut,
                "retention_mois": retention_mois(),
            }
            audit_services.audit_record(
                actor="systeme", action="audit.acces_partitions", data=donnees
            )
    return resultat


def schemas_avec_journal() -> list[str]:
    """Every schema holding an access log: public, the tenant template and each tenant. Found in
    the catalogue, so the kernel needs no list of tenants (it sits below the tenants app)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relname = %s AND c.relkind = 'p' ORDER BY n.nspname
            """,
            [PARENT],
        )
        return [str(row[0]) for row in cursor.fetchall()]
