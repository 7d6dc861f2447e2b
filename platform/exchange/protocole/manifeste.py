"""The manifest of an exchange file (protocol v1 §2)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

PROTOCOLE = "indimaj-wadef"
VERSION = "1.0"
MAJEURES_CONNUES = ("1",)
PARTIE = re.compile(
    r"^(ORD:[a-z0-9][a-z0-9-]{0,39}(/[A-Z0-9][A-Z0-9_-]{0,29})?|TGR:[A-Z0-9][A-Z0-9_-]{0,29})$"
)
FLUX = {
    "actes": "bordereau",
    "reponses": "reponses",
    "situations": "situations",
    "effectifs": "effectifs",
    "paie": "paie",
    "essai": "essai",
}


class ErreurProtocole(ValueError):
    """A check failed: `code` is one of the protocol's error codes (E-MANIFESTE, E-SIGNATURE…),
    `message` says what was expected and what was found, in French."""

    def __init__(self, code: str, message: str, *, ligne: int | None = None) -> None:
        super().__init__(f"{code} : {message}")
        self.code = code
        self.message = message
        self.ligne = ligne


@dataclass(frozen=True)
class Manifeste:
    emetteur: str
    destinataire: str
    flux: str
    sequence: int
    enregistrements: int
    sha256: str
    cle: str
    cree_le: str
    schema: str = VERSION
    type: str = ""
    complet: bool = False
    reference: str = ""
    protocole: str = PROTOCOLE
    version: str = VERSION

    def octets(self) -> bytes:
        """The canonical bytes that are signed (sorted keys, no spaces, UTF-8)."""
        donnees = asdict(self)
        if not donnees["type"]:
            donnees["type"] = FLUX.get(self.flux, "")
        return json.dumps(
            donnees, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()

    def nom_base(self) -> str:
        def propre(partie: str) -> str:
            return partie.replace(":", "-").replace("/", "-")

        return (
            f"{self.flux}_{propre(self.emetteur)}_{propre(self.destinataire)}_{self.sequence:010d}"
        )


_CHAMPS: dict[str, type | tuple[type, ...]] = {
    "protocole": str,
    "version": str,
    "emetteur": str,
    "destinataire": str,
    "flux": str,
    "type": str,
    "schema": str,
    "sequence": int,
    "enregistrements": int,
    "sha256": str,
    "cle": str,
    "cree_le": str,
    "complet": bool,
    "reference": str,
}


def manifeste_lire(octets: bytes) -> Manifeste:
    """Parse and check a manifest's form (E-MANIFESTE, E-VERSION)."""
    try:
        donnees = json.loads(octets.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as erreur:
        raise ErreurProtocole("E-MANIFESTE", f"manifeste illisible ({erreur})") from None
    if not isinstance(donnees, dict):
        raise ErreurProtocole("E-MANIFESTE", "le manifeste doit être un objet JSON")
    for champ, attendu in _CHAMPS.items():
        if champ not in donnees:
            raise ErreurProtocole("E-MANIFESTE", f"champ « {champ} » manquant")
        valeur = donnees[champ]
        if not isinstance(valeur, attendu) or (attendu is int and isinstance(valeur, bool)):
            raise ErreurProtocole(
                "E-MANIFESTE",
                f"champ « {champ} » : {getattr(attendu, '__name__', attendu)} attendu, "
                f"reçu {valeur!r}",
            )
    if donnees["protocole"] != PROTOCOLE:
        raise ErreurProtocole("E-MANIFESTE", f"protocole « {donnees['protocole']} » inconnu")
    for champ in ("version", "schema"):
        majeure = str(donnees[champ]).split(".")[0]
        if majeure not in MAJEURES_CONNUES:
            raise ErreurProtocole(
                "E-VERSION",
                f"{champ} {donnees[champ]} inconnu "
                f"(connus : {', '.join(m + '.x' for m in MAJEURES_CONNUES)})",
            )
    for champ in ("emetteur", "destinataire"):
        if not PARTIE.fullmatch(donnees[champ]):
            raise ErreurProtocole("E-MANIFESTE", f"{champ} « {donnees[champ]} » mal formé")
    if donnees["flux"] not in FLUX:
        raise ErreurProtocole("E-MANIFESTE", f"flux « {donnees['flux']} » inconnu")
    if donnees["type"] != FLUX[donnees["flux"]]:
        raise ErreurProtocole(
            "E-MANIFESTE", f"type « {donnees['type']} » inattendu pour le flux {donnees['flux']}"
        )
    if donnees["sequence"] < 1 or donnees["enregistrements"] < 0:
        raise ErreurProtocole(
            "E-MANIFESTE", "séquence ≥ 1 et nombre d'enregistrements ≥ 0 attendus"
        )
    if not re.fullmatch(r"[0-9a-f]{64}", donnees["sha256"]):
        raise ErreurProtocole("E-MANIFESTE", "sha256 : 64 chiffres hexadécimaux attendus")
    try:
        datetime.fromisoformat(donnees["cree_le"])
    except ValueError:
        raise ErreurProtocole(
            "E-MANIFESTE", f"cree_le « {donnees['cree_le']} » n'est pas une date ISO"
        ) from None
    connus: dict[str, Any] = {k: donnees[k] for k in _CHAMPS}
    return Manifeste(**connus)
