"""Build and verify exchange files (protocol v1 §2–§3). Pure: bytes and paths, no database.

`fichier_construire` turns records into the three parts; `fichier_verifier` runs the checks
in the protocol's order and streams the payload (a 300,000-line file is read line by line).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from exchange.protocole import schemas, signature
from exchange.protocole.manifeste import FLUX, ErreurProtocole, Manifeste, manifeste_lire

SUFFIXE_CHARGE = ".jsonl"
SUFFIXE_MANIFESTE = ".manifest.json"
SUFFIXE_SIGNATURE = ".manifest.json.sig"


@dataclass(frozen=True)
class FichierEchange:
    """The three parts of a file on disk (the signature is written last: its presence means
    the file is complete)."""

    base: Path  # directory / base name, without suffix

    @property
    def charge(self) -> Path:
        return self.base.with_name(self.base.name + SUFFIXE_CHARGE)

    @property
    def manifeste(self) -> Path:
        return self.base.with_name(self.base.name + SUFFIXE_MANIFESTE)

    @property
    def signature(self) -> Path:
        return self.base.with_name(self.base.name + SUFFIXE_SIGNATURE)

    def parties(self) -> tuple[Path, Path, Path]:
        return self.charge, self.manifeste, self.signature

    @classmethod
    def depuis_signature(cls, chemin: Path) -> FichierEchange:
        return cls(chemin.with_name(chemin.name.removesuffix(SUFFIXE_SIGNATURE)))


def ligne_json(enregistrement: Any) -> bytes:
    return (
        json.dumps(
            enregistrement, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()
        + b"\n"
    )


def _ecrire_atomique(chemin: Path, octets: bytes) -> None:
    temporaire = chemin.with_name(f".{chemin.name}.tmp")
    with temporaire.open("wb") as sortie:
        sortie.write(octets)
        sortie.flush()
        os.fsync(sortie.fileno())
    os.replace(temporaire, chemin)


def fichier_construire(
    *,
    repertoire: Path,
    emetteur: str,
    destinataire: str,
    flux: str,
    sequence: int,
    enregistrements: Iterable[Any],
    cle_id: str,
    cle_privee: bytes,
    cree_le: datetime,
    complet: bool = False,
    reference: str = "",
) -> tuple[FichierEchange, Manifeste]:
    """Write payload, manifest, then signature (each atomically, the signature last). The
    payload is streamed to disk as the records come (a 300,000-line payroll file is never
    held in memory)."""
    repertoire.mkdir(parents=True, exist_ok=True)
    empreinte = hashlib.sha256()
    nombre = 0
    ecriture = repertoire / f".{emetteur}-{destinataire}-{flux}-{sequence}.charge.tmp".replace(
        ":", "-"
    ).replace("/", "-")
    try:
        with ecriture.open("wb") as sortie:
            for enregistrement in enregistrements:
                ligne = ligne_json(enregistrement)
                empreinte.update(ligne)
                sortie.write(ligne)
                nombre += 1
            sortie.flush()
            os.fsync(sortie.fileno())
    except BaseException:
        ecriture.unlink(missing_ok=True)
        raise
    manifeste = Manifeste(
        emetteur=emetteur,
        destinataire=destinataire,
        flux=flux,
        type=FLUX[flux],
        sequence=sequence,
        enregistrements=nombre,
        sha256=empreinte.hexdigest(),
        cle=cle_id,
        cree_le=cree_le.isoformat(),
        complet=complet,
        reference=reference,
    )
    fichier = FichierEchange(repertoire / manifeste.nom_base())
    os.replace(ecriture, fichier.charge)
    octets = manifeste.octets()
    _ecrire_atomique(fichier.manifeste, octets)
    _ecrire_atomique(fichier.signature, signature.signer(privee=cle_privee, octets=octets))
    return fichier, manifeste


# Looks up the public key `cle_id` of `emetteur` valid at `instant`; raises ErreurProtocole
# E-CLE with the reason when there is none.
ResolveurCle = Callable[[str, str, datetime], bytes]


def fichier_verifier(
    fichier: FichierEchange,
    *,
    destinataire: str,
    cle_publique: ResolveurCle,
    schema_par: frozenset[str] | set[str] = frozenset(),
) -> Manifeste:
    """Every check of §3 but the sequence, which needs the receiver's state. Raises
    ErreurProtocole with the first failure. The lines' schema of the streams in `schema_par`
    is left to their receiver, which checks every line in its own single pass over the payload
    (`structures_lire`) inside the transaction that applies it: one E-SCHEMA there rolls the
    whole file back, so nothing of an invalid file is applied either way."""
    try:
        octets = fichier.manifeste.read_bytes()
        signature_octets = fichier.signature.read_bytes()
    except FileNotFoundError as erreur:
        raise ErreurProtocole(
            "E-MANIFESTE", f"partie manquante : {Path(erreur.filename).name}"
        ) from None
    manifeste = manifeste_lire(octets)
    publique = cle_publique(
        manifeste.emetteur, manifeste.cle, datetime.fromisoformat(manifeste.cree_le)
    )
    if not signature.verifier(publique=publique, octets=octets, signature=signature_octets):
        raise ErreurProtocole(
            "E-SIGNATURE",
            "signature invalide : le manifeste a été modifié ou signé avec une autre clé "
            f"que {manifeste.cle}",
        )
    if manifeste.destinataire != destinataire:
        raise ErreurProtocole(
            "E-DESTINATAIRE",
            f"fichier adressé à {manifeste.destinataire}, reçu par {destinataire}",
        )
    empreinte = hashlib.sha256()
    lignes = 0
    try:
        with fichier.charge.open("rb") as charge:
            for bloc in iter(lambda: charge.read(1 << 20), b""):
                empreinte.update(bloc)
                lignes += bloc.count(b"\n")
    except FileNotFoundError:
        raise ErreurProtocole("E-EMPREINTE", "charge absente") from None
    if empreinte.hexdigest() != manifeste.sha256:
        raise ErreurProtocole(
            "E-EMPREINTE",
            f"empreinte attendue {manifeste.sha256[:12]}…, calculée {empreinte.hexdigest()[:12]}… "
            "(fichier tronqué ou altéré)",
        )
    if lignes != manifeste.enregistrements:
        raise ErreurProtocole(
            "E-COMPTE", f"{manifeste.enregistrements} enregistrements annoncés, {lignes} lus"
        )
    if manifeste.flux not in schema_par:
        for _enregistrement in enregistrements_lire(fichier, flux=manifeste.flux):
            pass  # schema of every line, before anything is applied
    return manifeste


def enregistrements_lire(
    fichier: FichierEchange, *, flux: str, schema: bool = True
) -> Iterator[dict[str, Any]]:
    """The payload's records, one by one, each checked against the flux's schema (unless
    `schema` is false: a file `fichier_verifier` has just checked whole is not checked twice)."""
    with fichier.charge.open("rb") as charge:
        for numero, ligne in enumerate(charge, start=1):
            enregistrement = schemas.ligne_json_lire(ligne, numero=numero)
            if schema:
                schemas.enregistrement_verifier(flux, enregistrement, ligne=numero)
            yield enregistrement


def structures_lire(charge: Path, *, flux: str, debut: int = 1) -> Iterator[tuple[int, Any]]:
    """(line number, typed record) for each line of a payload from line `debut` on, each
    decoded and checked in one pass (`schemas.enregistrement_decoder`): what a receiver that
    loads a large file itself reads."""
    with charge.open("rb") as lignes:
        for numero, ligne in enumerate(lignes, start=1):
            if numero >= debut:
                yield numero, schemas.enregistrement_decoder(flux, ligne, numero=numero)
