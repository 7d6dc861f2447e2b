"""Moving whole tables between polars and PostgreSQL with COPY, in the current transaction.

Temporary tables are the import's scratch space: created `ON COMMIT DROP` (dropped first when a
previous import in the same transaction, a test for instance, left one behind).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
from django.db import connection
from psycopg2 import sql  # type: ignore[import-untyped]

TAILLE_BLOC = 50_000


def _brut(curseur: Any) -> Any:
    """The psycopg2 cursor under Django's wrapper (COPY is psycopg2's own API)."""
    return getattr(curseur, "cursor", curseur)


def table_temporaire(nom: str, definition: str) -> None:
    """`definition`: the column list, a constant of the calling module."""
    requete = sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
        sql.Identifier(nom), sql.SQL(definition)
    )
    with connection.cursor() as curseur:
        curseur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(sql.Identifier(nom)))
        curseur.execute(requete)


def copier_vers(
    table: str,
    donnees: pl.DataFrame,
    *,
    progression: Callable[[int], None] | None = None,
    taille_bloc: int = TAILLE_BLOC,
) -> int:
    """COPY the frame's rows into `table` (its columns named like the frame's), by blocks."""
    if donnees.height == 0:
        return 0
    requete = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, donnees.columns))
    )
    with connection.cursor() as curseur:
        brut = _brut(curseur)
        texte = requete.as_string(brut)
        for debut in range(0, donnees.height, taille_bloc):
            bloc = donnees.slice(debut, taille_bloc)
            tampon = io.BytesIO()
            bloc.write_csv(tampon, include_header=False, null_value="")
            tampon.seek(0)
            brut.copy_expert(texte, tampon)
            if progression is not None:
                progression(bloc.height)
    return donnees.height


def lire(
    requete: str,
    schema: Mapping[str, pl.DataType | type[pl.DataType]],
    parametres: Sequence[Any] = (),
) -> pl.DataFrame:
    """A query's rows as a frame (COPY … TO STDOUT): its columns must follow `schema`.
    Empty texts come back as nulls, like blank cells of a file."""
    tampon = io.BytesIO()
    with connection.cursor() as curseur:
        brut = _brut(curseur)
        liee = brut.mogrify(requete, parametres).decode() if parametres else requete
        brut.copy_expert(
            sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER false)")
            .format(sql.SQL(liee))
            .as_string(brut),
            tampon,
        )
    if tampon.tell() == 0:
        return pl.DataFrame(schema=dict(schema))
    tampon.seek(0)
    donnees = pl.read_csv(tampon, has_header=False, schema=dict(schema))
    textes = [nom for nom, type_ in schema.items() if type_ in (pl.String, pl.Utf8)]
    return donnees.with_columns(pl.col(textes).replace("", None))


def executer(requete: str, parametres: Sequence[Any] | Mapping[str, Any] = ()) -> int:
    with connection.cursor() as curseur:
        curseur.execute(requete, parametres)
        return int(curseur.rowcount)
