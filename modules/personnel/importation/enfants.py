"""The `enfants` column: `Yassine:2012-04-03;Salma:21/09/2015`, each child checked (a first
name, a real date, not in the future, after the agent's own birth)."""

from __future__ import annotations

import numpy as np
import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.personnel.importation import typage
from modules.personnel.importation.erreurs import Erreurs
from modules.personnel.importation.typage import IDX


def verifier(brut: pl.DataFrame, t: pl.DataFrame, erreurs: Erreurs) -> pl.DataFrame:
    """`Yassine:2012-04-03;Salma:21/09/2015` → rows (IDX, prenom, date_naissance); a line
    with a child that does not read is reported once, on its first such child."""
    aujourdhui = timezone.localdate()
    morceaux = (
        brut.select(IDX, pl.col("enfants").str.split(";").alias("morceau"))
        .filter(pl.col("morceau").is_not_null())
        .explode("morceau")
        .with_columns(
            pl.int_range(1, pl.len() + 1).over(IDX).alias("rang"),
            pl.col("morceau").str.strip_chars(),
        )
        .filter(pl.col("morceau") != "")
        .with_columns(
            pl.col("morceau").str.extract(r"^(.*):[^:]*$").str.strip_chars().alias("prenom"),
            pl.col("morceau").str.extract(r":([^:]*)$").str.strip_chars().alias("jour"),
        )
        .join(t.select(IDX, pl.col("date_naissance").alias("parent")), on=IDX, how="left")
    )
    naissance = typage.date(morceaux["jour"])
    morceaux = morceaux.with_columns(naissance.alias("date_naissance"))
    jour = pl.col("jour")
    lisible = jour.str.contains(typage.DATE_JJ_MM) | jour.str.contains(typage.DATE_ISO)
    probleme = (
        pl.when(pl.col("prenom").fill_null("") == "")
        .then(pl.lit("forme"))
        .when(~lisible.fill_null(False))
        .then(pl.lit("forme"))
        .when(pl.col("date_naissance").is_null())
        .then(pl.lit("date"))
        .when(pl.col("date_naissance") > aujourdhui)
        .then(pl.lit("futur"))
        .when(pl.col("date_naissance") <= pl.col("parent"))
        .then(pl.lit("parent"))
        .when(pl.col("prenom").str.len_chars() > 100)
        .then(pl.lit("long"))
        .otherwise(None)
        .alias("probleme")
    )
    morceaux = morceaux.with_columns(probleme)
    fautes = (
        morceaux.filter(pl.col("probleme").is_not_null())
        .sort(IDX, "rang")
        .unique(IDX, keep="first", maintain_order=True)
    )
    textes = {
        "forme": _("enfant n° %(n)d « %(t)s » : écrivez prénom:date."),
        "date": _("enfant n° %(n)d « %(t)s » : la date n'existe pas."),
        "futur": _("enfant n° %(n)d « %(t)s » : naissance dans le futur."),
        "parent": _("enfant n° %(n)d « %(t)s » : né avant l'agent lui-même."),
        "long": _("enfant n° %(n)d « %(t)s » : prénom trop long."),
    }
    en_faute = {
        i: textes[code] % {"n": rang, "t": morceau[:60]}
        for i, code, rang, morceau in fautes.select(IDX, "probleme", "rang", "morceau").iter_rows()
    }
    mauvais = np.zeros(brut.height, dtype=bool)
    mauvais[list(en_faute)] = True
    erreurs.ajouter(
        mauvais,
        "enfants",
        brut["enfants"],
        lambda i: (
            en_faute[i],
            _(
                "Écrivez chaque enfant sous la forme prénom:date (JJ/MM/AAAA ou AAAA-MM-JJ), "
                "séparés par des points-virgules."
            ),
        ),
    )
    return morceaux.filter(pl.col("probleme").is_null()).select(IDX, "prenom", "date_naissance")
