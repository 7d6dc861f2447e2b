"""Rows written with PostgreSQL's COPY (text format) from dicts of field values: the bulk acts'
acts, versions, transitions and lot lines. Columns not given take the field's default, the
`auto_now` ones the given instant; a JSON value already serialised (`JsonTexte`) goes as it is."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import connection, models


class JsonTexte(str):
    """A JSON document already serialised (written as is)."""


def _echapper(texte: str) -> str:
    """A value for COPY's text format (backslash, tab, newline and return escaped)."""
    if "\\" in texte or "\t" in texte or "\n" in texte or "\r" in texte:
        return (
            texte.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return texte


def convertisseur(champ: Any) -> Callable[[Any], str]:
    """How one column's values are written in COPY's text format."""
    if isinstance(champ, models.JSONField):

        def json_(valeur: Any) -> str:
            if valeur is None:
                return NUL
            if isinstance(valeur, JsonTexte):
                return _echapper(valeur)
            return _echapper(json.dumps(valeur, ensure_ascii=False, separators=(",", ":")))

        return json_
    if isinstance(champ, models.BooleanField):
        return lambda valeur: NUL if valeur is None else ("t" if valeur else "f")
    if isinstance(champ, models.DateField):  # DateTimeField too
        return lambda valeur: NUL if valeur is None else valeur.isoformat()
    return lambda valeur: NUL if valeur is None else _echapper(str(valeur))


NUL = "\\N"


def copier(
    modele: type[models.Model], rangees: Iterable[dict[str, Any]], maintenant: datetime
) -> None:
    """COPY rows into the model's table (text format: the impacts' JSON goes as it is, no
    CSV quoting to double); columns not given take the field's default (the `auto_now` ones:
    `maintenant`), the id its sequence unless given."""
    lignes = list(rangees)
    if not lignes:
        return
    premiere = lignes[0]
    champs = [
        f for f in modele._meta.concrete_fields if not (f.primary_key and f.attname not in premiere)
    ]
    convertir = [(f.attname, convertisseur(f)) for f in champs]
    fixes: dict[str, str] = {}
    for f in champs:
        if f.attname in premiere:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixes[f.attname] = convertisseur(f)(maintenant)
        else:
            fixes[f.attname] = convertisseur(f)(f.get_default())  # "" for text fields
    morceaux = []
    for ligne in lignes:
        morceaux.append(
            "\t".join(
                fixes[nom] if nom in fixes else convertir_(ligne[nom])
                for nom, convertir_ in convertir
            )
        )
    tampon = io.StringIO("\n".join(morceaux) + "\n")
    colonnes = ", ".join(f'"{f.column}"' for f in champs)
    with connection.cursor() as curseur:
        curseur.copy_expert(f'COPY "{modele._meta.db_table}" ({colonnes}) FROM STDIN', tampon)
