"""The directory-drop transport (SFTP-style, protocol v1 §7): per party `inbox/`, `outbox/`,
`archive/AAAA/MM/`, `retenus/`, `quarantaine/`. A file is complete when its signature exists
(written last, by rename); moves are renames within one filesystem."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exchange.protocole.fichiers import SUFFIXE_SIGNATURE, FichierEchange


def dossier_partie(partie: str) -> str:
    return partie.replace(":", "-").replace("/", "-")


@dataclass(frozen=True)
class Depot:
    racine: Path

    def boite(self, partie: str, nom: str) -> Path:
        chemin = self.racine / dossier_partie(partie) / nom
        chemin.mkdir(parents=True, exist_ok=True)
        return chemin

    def complets(self, partie: str, boite: str = "inbox") -> list[FichierEchange]:
        """Complete files waiting in a box, in name order (stream, parties, sequence)."""
        return [
            FichierEchange.depuis_signature(chemin)
            for chemin in sorted(self.boite(partie, boite).glob(f"*{SUFFIXE_SIGNATURE}"))
        ]

    def deplacer(self, fichier: FichierEchange, destination: Path) -> FichierEchange:
        destination.mkdir(parents=True, exist_ok=True)
        nouveau = FichierEchange(destination / fichier.base.name)
        # the signature last: a half-moved file is never seen complete at the destination
        for source, cible in zip(fichier.parties(), nouveau.parties(), strict=True):
            if source.exists():
                source.replace(cible)
        return nouveau

    def archiver(self, partie: str, fichier: FichierEchange, *, le: date) -> FichierEchange:
        return self.deplacer(fichier, self.boite(partie, f"archive/{le:%Y/%m}"))

    def deposer(self, fichier: FichierEchange, *, destinataire: str) -> FichierEchange:
        """Copy an emitted file into the receiver's inbox (signature last)."""
        inbox = self.boite(destinataire, "inbox")
        copie = FichierEchange(inbox / fichier.base.name)
        for source, cible in zip(fichier.parties(), copie.parties(), strict=True):
            temporaire = cible.with_name(f".{cible.name}.tmp")
            shutil.copyfile(source, temporaire)
            temporaire.replace(cible)
        return copie
