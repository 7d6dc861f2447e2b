"""Applying a plan, set-based: COPY straight into the tables, a few statements in all. No
query depends on the number of agents.

- new agents get their ids from the table's sequence in one query, so that their events and
  children can be copied at once without reading the agents back;
- new agents: COPY into personnel_agent, their current situation being their only event's (a
  `reprise` dated the situation's effect date, never in the future);
- agents whose identity changed: one UPDATE from a staged (temporary) table;
- `reprise` events (new agents, and existing agents whose situation changed): one COPY;
- the current-situation columns of those existing agents are then rebuilt from their events in
  one UPDATE that folds the events as `carriere.situation_plier` does (latest event in force
  that gives a value, by effect date, recording instant, id; superseded and annulled events
  left out);
- children: one COPY; the registry: `tenants.registre.inscrire_lot`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.utils import timezone

from modules.personnel import normalisation
from modules.personnel.importation import sql
from modules.personnel.importation.rapprochement import (
    CHAMPS_IDENTITE,
    CHAMPS_SITUATION,
    DEFAUTS,
    EX,
    Plan,
)
from modules.personnel.models import NatureEvenement, SourceEvenement
from tenants import registre

_TEXTES_IDENTITE = [
    c
    for c in CHAMPS_IDENTITE
    if c not in ("date_naissance", "date_recrutement", "conjoint_a_charge")
]
_TEXTES_SITUATION = [c for c in CHAMPS_SITUATION if c != "indice"]

_TABLE_IDENTITE = (
    "id bigint NOT NULL, cin text NOT NULL, nom_fr text NOT NULL, prenom_fr text NOT NULL, "
    "nom_ar text NOT NULL, prenom_ar text NOT NULL, date_naissance date, "
    "lieu_naissance text NOT NULL, sexe text NOT NULL, situation_familiale text NOT NULL, "
    "conjoint_a_charge boolean NOT NULL, rib text NOT NULL, banque text NOT NULL, "
    "adresse text NOT NULL, commune_residence text NOT NULL, telephone text NOT NULL, "
    "email text NOT NULL, date_recrutement date, regime_retraite text NOT NULL, "
    "recherche text NOT NULL, nom_tri text NOT NULL"
)
_IDS = "SELECT nextval(pg_get_serial_sequence('personnel_agent', 'id')) FROM generate_series(1, %s)"
_MODIFIER_IDENTITES = """
UPDATE personnel_agent a SET
    cin = t.cin, nom_fr = t.nom_fr, prenom_fr = t.prenom_fr, nom_ar = t.nom_ar,
    prenom_ar = t.prenom_ar, date_naissance = t.date_naissance,
    lieu_naissance = t.lieu_naissance, sexe = t.sexe, situation_familiale = t.situation_familiale,
    conjoint_a_charge = t.conjoint_a_charge, rib = t.rib, banque = t.banque,
    adresse = t.adresse, commune_residence = t.commune_residence, telephone = t.telephone,
    email = t.email, date_recrutement = t.date_recrutement, regime_retraite = t.regime_retraite,
    recherche = t.recherche, nom_tri = t.nom_tri, modifie_le = now()
FROM _imp_identite t WHERE a.id = t.id
"""
# The fold of `carriere.situation_plier` in SQL, for every agent that got a new event: each
# field takes the value of the latest event in force that gives one.
_PLIER_SITUATIONS = """
WITH vigueur AS (
    SELECT e.* FROM personnel_evenementcarriere e JOIN _imp_cible c ON c.id = e.agent_id
    WHERE e.nature <> 'annulation' AND e.date_effet <= %(jour)s
      AND NOT EXISTS (SELECT 1 FROM personnel_evenementcarriere r WHERE r.remplace_id = e.id)
), plie AS (
    SELECT agent_id, max(date_effet) AS situation_du,
           (array_agg(statut ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE statut <> ''))[1] AS statut,
           (array_agg(corps_code ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE corps_code <> ''))[1] AS corps_code,
           (array_agg(grade_code ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE grade_code <> ''))[1] AS grade_code,
           (array_agg(echelle ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE echelle <> ''))[1] AS echelle,
           (array_agg(echelon ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE echelon <> ''))[1] AS echelon,
           (array_agg(position ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE position <> ''))[1] AS position,
           (array_agg(unite_code ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE unite_code <> ''))[1] AS unite_code,
           (array_agg(poste_code ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE poste_code <> ''))[1] AS poste_code,
           (array_agg(indice ORDER BY date_effet DESC, enregistre_le DESC, id DESC)
               FILTER (WHERE indice IS NOT NULL))[1] AS indice
    FROM vigueur GROUP BY agent_id
)
UPDATE personnel_agent a SET
    statut = coalesce(p.statut, ''),
    corps_code = coalesce(p.corps_code, ''),
    grade_code = coalesce(p.grade_code, ''),
    echelle = coalesce(p.echelle, ''),
    echelon = coalesce(p.echelon, ''),
    position = coalesce(p.position, ''),
    unite_code = coalesce(p.unite_code, ''),
    poste_code = coalesce(p.poste_code, ''),
    indice = p.indice, situation_du = p.situation_du, modifie_le = now()
FROM plie p WHERE a.id = p.agent_id
"""


@dataclass(frozen=True)
class Ecrit:
    crees: int
    modifies: int
    evenements: int
    enfants: int
    registre: int
    phases: dict[str, float]


class Cles:
    """`normalisation.cle_recherche` and `cle_tri` for whole columns.

    normaliser("a b") == " ".join of the non-empty normaliser("a"), normaliser("b"): the
    normalisation works character by character and collapses separators. So each distinct name
    is normalised once in Python (first and family names repeat a lot in a ministry) and the
    keys are assembled by polars. A property test holds this equal to the module's functions."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def _n(self, texte: str) -> str:
        propre = self._cache.get(texte)
        if propre is None:
            propre = self._cache[texte] = normalisation.normaliser(texte)
        return propre

    def normalise(self, colonne: pl.Series) -> pl.Series:
        table = {v: self._n(v) for v in colonne.drop_nulls().unique().to_list()}
        return colonne.replace_strict(table, default="", return_dtype=pl.String).fill_null("")

    def calculer(self, donnees: pl.DataFrame) -> pl.DataFrame:
        """(recherche, nom_tri) of each row of `donnees` (ppr, cin, nom_fr, prenom_fr, nom_ar,
        prenom_ar)."""
        noms = pl.DataFrame(
            {c: self.normalise(donnees[c]) for c in ("nom_fr", "prenom_fr", "nom_ar", "prenom_ar")}
        )

        def joindre(a: str, b: str) -> pl.Expr:
            return (
                pl.when((pl.col(a) != "") & (pl.col(b) != ""))
                .then(pl.concat_str(a, pl.lit(" "), b))
                .otherwise(pl.concat_str(a, b))
            )

        parties = [
            joindre("nom_fr", "prenom_fr"),
            joindre("prenom_fr", "nom_fr"),
            joindre("nom_ar", "prenom_ar"),
            joindre("prenom_ar", "nom_ar"),
            pl.lit(donnees["ppr"]).fill_null(""),
            pl.lit(donnees["cin"]).fill_null("").str.to_lowercase(),
        ]
        # Parts hold no run of spaces (normalised names, PPR, CIN): joining them all with one
        # space, then collapsing the runs left by empty parts, joins the non-empty ones.
        return noms.select(
            pl.concat_str(parties, separator=" ")
            .str.replace_all(" {2,}", " ")
            .str.strip_chars(" ")
            .alias("recherche"),
            joindre("nom_fr", "prenom_fr").str.slice(0, 200).alias("nom_tri"),
        )


def _avec_cles(donnees: pl.DataFrame, cles: Cles) -> pl.DataFrame:
    return donnees.with_columns(cles.calculer(donnees))


def _identite_finale(lignes: pl.DataFrame, *, existants: bool) -> list[pl.Expr]:
    """Each identity field as written: the file's value, else the agent's (existing) or the
    model's default (new)."""
    expressions = []
    for champ in CHAMPS_IDENTITE:
        valeur = pl.coalesce(champ, EX + champ) if existants else pl.col(champ)
        if champ in DEFAUTS:
            valeur = valeur.fill_null(pl.lit(DEFAUTS[champ]))
        elif champ in _TEXTES_IDENTITE:
            valeur = valeur.fill_null(pl.lit(""))
        expressions.append(valeur.alias(champ))
    return expressions


_EVENEMENT = [
    "agent_id",
    "date_effet",
    *(pl.col(c).fill_null(pl.lit("")) for c in CHAMPS_SITUATION if c != "indice"),
    "indice",
]


def _situation_fichier() -> list[pl.Expr]:
    return [pl.col(c).fill_null(pl.lit("")) for c in _TEXTES_SITUATION] + [pl.col("indice")]


def ecrire(
    plan: Plan,
    *,
    auteur: str,
    reference: str,
    motif: str,
    progression: Callable[[int, int], None] | None = None,
) -> Ecrit:
    """Write the plan's valid lines. The caller holds the transaction (and the audit row)."""
    valides = plan.lignes if plan.erreurs.total == 0 else plan.valides
    creer = valides.filter(pl.col("action") == "creer")
    creer = creer.with_columns(
        sql.lire(_IDS, {"agent_id": pl.Int64}, [creer.height])["agent_id"].alias("agent_id")
    )
    existants = valides.filter(pl.col("action") == "modifier").with_columns(
        pl.col(EX + "agent_id").alias("agent_id")
    )
    identites = existants.filter(pl.col("identite_changee"))
    situations = existants.filter(pl.col("situation_changee"))
    total = creer.height * 2 + identites.height + situations.height + plan.enfants.height
    fait = 0

    def avancer(n: int) -> None:
        nonlocal fait
        fait += n
        if progression is not None:
            progression(fait, total)

    phases: dict[str, float] = {}
    debut = time.perf_counter()

    def chrono(nom: str) -> None:
        nonlocal debut
        phases[nom] = round(time.perf_counter() - debut, 3)
        debut = time.perf_counter()

    cles = Cles()
    maintenant = pl.lit(timezone.now().isoformat())
    agents = _avec_cles(
        creer.select(
            pl.col("agent_id").alias("id"),
            "ppr",
            *_identite_finale(creer, existants=False),
            *_situation_fichier(),
            pl.col("date_effet").alias("situation_du"),
        ),
        cles,
    ).with_columns(maintenant.alias("cree_le"), maintenant.alias("modifie_le"))
    chrono("ecriture.cles")
    sql.copier_vers("personnel_agent", agents, progression=avancer)
    del agents
    chrono("ecriture.agents")

    if identites.height:
        sql.table_temporaire("_imp_identite", _TABLE_IDENTITE)
        etat = _avec_cles(
            identites.select(
                pl.col("agent_id").alias("id"), "ppr", *_identite_finale(identites, existants=True)
            ),
            cles,
        ).drop("ppr")
        sql.copier_vers("_imp_identite", etat, progression=avancer)
        sql.executer("ANALYZE _imp_identite")
        sql.executer(_MODIFIER_IDENTITES)
        chrono("ecriture.identites")

    evenements = pl.concat([creer.select(_EVENEMENT), situations.select(_EVENEMENT)])
    evenements = evenements.with_columns(
        pl.lit(NatureEvenement.REPRISE.value).alias("nature"),
        pl.lit(reference[:100]).alias("reference"),
        pl.lit(motif).alias("motif"),
        pl.lit(SourceEvenement.IMPORT.value).alias("source"),
        pl.lit(auteur).alias("auteur"),
        maintenant.alias("enregistre_le"),
    )
    sql.copier_vers("personnel_evenementcarriere", evenements, progression=avancer)
    chrono("ecriture.evenements")
    if situations.height:
        sql.table_temporaire("_imp_cible", "id bigint PRIMARY KEY")
        sql.copier_vers("_imp_cible", situations.select(pl.col("agent_id").alias("id")))
        sql.executer("ANALYZE _imp_cible")
        sql.executer(_PLIER_SITUATIONS, {"jour": timezone.localdate()})
        chrono("ecriture.situations")

    ids = pl.concat([creer.select("ppr", "agent_id"), existants.select("ppr", "agent_id")])
    enfants = plan.enfants.join(ids, on="ppr", how="inner").select(
        "agent_id",
        "prenom",
        "date_naissance",
        pl.lit(False).alias("handicape"),
        pl.lit(False).alias("scolarise"),
    )
    sql.copier_vers("personnel_enfant", enfants, progression=avancer)
    chrono("ecriture.enfants")

    inscrits = registre.inscrire_lot(pprs=creer["ppr"].to_list()) if creer.height else 0
    chrono("ecriture.registre")
    # Django's foreign keys are deferred to the commit: check them here, inside the import's
    # time and errors (one lookup of the agent per event and child: a good part of the cost).
    # Statistics first: a tenant cloned from the template starts with tables recorded as empty,
    # and the checks' plans would then scan the whole table once per row (measured: 300,000
    # agents took over 20 minutes instead of ~10 s).
    sql.executer("ANALYZE personnel_agent, personnel_evenementcarriere")
    sql.executer("SET CONSTRAINTS ALL IMMEDIATE")
    sql.executer("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default for the caller
    chrono("ecriture.contraintes")
    return Ecrit(
        crees=creer.height,
        modifies=existants.height,
        evenements=evenements.height,
        enfants=enfants.height,
        registre=inscrits,
        phases=phases,
    )
