"""Fonts for official documents: Noto from Debian's fonts-noto-core, declared with local
@font-face rules so rendering never reaches the network and never depends on what fontconfig
happens to pick. Noto Naskh Arabic for Arabic (the book style used in Moroccan official texts),
Noto Serif for French. `INDIMAJ_FONTS_DIR` overrides the directory (a machine with fonts
elsewhere)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPERTOIRE_DEFAUT = "/usr/share/fonts/truetype/noto"


class PoliceManquante(RuntimeError):
    """A font file is missing: the setup script installs them (infra/install-system.sh fonts)."""


@dataclass(frozen=True)
class Police:
    famille: str
    fichier: str
    graisse: str  # "normal" | "bold"
    style: str = "normal"


POLICES: tuple[Police, ...] = (
    Police("Noto Naskh Arabic", "NotoNaskhArabic-Regular.ttf", "normal"),
    Police("Noto Naskh Arabic", "NotoNaskhArabic-Bold.ttf", "bold"),
    Police("Noto Serif", "NotoSerif-Regular.ttf", "normal"),
    Police("Noto Serif", "NotoSerif-Bold.ttf", "bold"),
    Police("Noto Serif", "NotoSerif-Italic.ttf", "normal", "italic"),
    Police("Noto Sans", "NotoSans-Regular.ttf", "normal"),
    Police("Noto Sans", "NotoSans-Bold.ttf", "bold"),
)


def repertoire() -> Path:
    return Path(os.environ.get("INDIMAJ_FONTS_DIR", REPERTOIRE_DEFAUT))


def chemins() -> dict[str, Path]:
    """Every font file the documents use, by file name; a missing one is an error that names the
    package to install, not a silent fallback to a font without Arabic glyphs."""
    base = repertoire()
    trouves = {police.fichier: base / police.fichier for police in POLICES}
    manquants = sorted(nom for nom, chemin in trouves.items() if not chemin.is_file())
    if manquants:
        raise PoliceManquante(
            f"Polices introuvables dans {base}: {', '.join(manquants)}. Installez le paquet "
            "Debian fonts-noto-core (infra/install-system.sh fonts) ou réglez INDIMAJ_FONTS_DIR."
        )
    return trouves


def css_font_face() -> str:
    """@font-face rules pointing at the local files (file:// URLs, the only ones allowed)."""
    fichiers = chemins()
    regles = [
        f"@font-face {{ font-family: '{police.famille}'; "
        f"src: url('{fichiers[police.fichier].as_uri()}'); "
        f"font-weight: {police.graisse}; font-style: {police.style}; }}"
        for police in POLICES
    ]
    return "\n".join(regles)
