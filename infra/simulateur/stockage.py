"""The simulator's own storage: one SQLite file. Its copy of agents' situations may disagree
with the ordonnateurs' HR files, as the real Treasury's can."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS cle (
    identifiant TEXT PRIMARY KEY, partie TEXT NOT NULL, publique BLOB NOT NULL,
    privee BLOB, valide_du TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequence (
    sens TEXT NOT NULL, emetteur TEXT NOT NULL, destinataire TEXT NOT NULL, flux TEXT NOT NULL,
    derniere INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (sens, emetteur, destinataire, flux));
CREATE TABLE IF NOT EXISTS fichier (
    nom TEXT NOT NULL, emetteur TEXT, flux TEXT, sequence INTEGER, sha256 TEXT,
    statut TEXT NOT NULL, rapport TEXT NOT NULL DEFAULT '', recu_le TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS acte (
    ordonnateur TEXT NOT NULL, acte_id INTEGER NOT NULL, version INTEGER NOT NULL,
    numero TEXT NOT NULL, type TEXT NOT NULL, ppr TEXT NOT NULL, statut TEXT NOT NULL,
    numero_visa TEXT, observations TEXT NOT NULL DEFAULT '[]', enregistrement TEXT NOT NULL,
    recu_le TEXT NOT NULL, repondu_le TEXT,
    PRIMARY KEY (ordonnateur, acte_id, version));
CREATE TABLE IF NOT EXISTS agent (
    ordonnateur TEXT NOT NULL, ppr TEXT NOT NULL, situation TEXT NOT NULL, le TEXT NOT NULL,
    present INTEGER NOT NULL DEFAULT 1, modifie INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (ordonnateur, ppr));
CREATE TABLE IF NOT EXISTS compteur (cle TEXT PRIMARY KEY, valeur INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS retard (nom TEXT PRIMARY KEY, destinataire TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS element_tresor (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ordonnateur TEXT NOT NULL, ppr TEXT NOT NULL,
    nature TEXT NOT NULL, code TEXT NOT NULL, libelle TEXT NOT NULL, sens TEXT NOT NULL,
    montant INTEGER NOT NULL, du TEXT NOT NULL, au TEXT);
CREATE TABLE IF NOT EXISTS paie_emise (
    ordonnateur TEXT NOT NULL, mois TEXT NOT NULL, fichier TEXT NOT NULL, emis_le TEXT NOT NULL,
    PRIMARY KEY (ordonnateur, mois, fichier));
"""


class Stockage:
    def __init__(self, chemin: Path) -> None:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(chemin, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def transaction(self) -> sqlite3.Connection:
        """`with stockage.transaction():` — BEGIN IMMEDIATE … COMMIT / ROLLBACK."""
        return _Transaction(self.db)  # type: ignore[return-value]

    def un(self, sql: str, *params: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(sql, params).fetchone()
        return row

    def tous(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        return list(self.db.execute(sql, params).fetchall())

    def executer(self, sql: str, *params: Any) -> None:
        self.db.execute(sql, params)

    def suivant(self, cle: str) -> int:
        self.db.execute(
            "INSERT INTO compteur(cle, valeur) VALUES (?, 1) "
            "ON CONFLICT(cle) DO UPDATE SET valeur = valeur + 1",
            (cle,),
        )
        row = self.un("SELECT valeur FROM compteur WHERE cle = ?", cle)
        assert row is not None
        return int(row["valeur"])

    def situation(self, ordonnateur: str, ppr: str) -> dict[str, Any] | None:
        row = self.un(
            "SELECT situation, present FROM agent WHERE ordonnateur = ? AND ppr = ?",
            ordonnateur,
            ppr,
        )
        if row is None:
            return None
        situation: dict[str, Any] = json.loads(row["situation"])
        situation["present"] = bool(row["present"])
        return situation

    def situation_ecrire(
        self,
        ordonnateur: str,
        ppr: str,
        situation: dict[str, Any],
        *,
        le: str,
        present: bool = True,
    ) -> None:
        self.db.execute(
            "INSERT INTO agent(ordonnateur, ppr, situation, le, present, modifie) "
            "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT(ordonnateur, ppr) DO UPDATE SET "
            "situation = excluded.situation, le = excluded.le, present = excluded.present, "
            "modifie = 1",
            (ordonnateur, ppr, json.dumps(situation, sort_keys=True), le, int(present)),
        )


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, type_: Any, valeur: Any, trace: Any) -> None:
        self.db.execute("ROLLBACK" if type_ else "COMMIT")
