"""Ed25519 keys and detached signatures (protocol v1 §6)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


@dataclass(frozen=True)
class PaireCles:
    privee: bytes  # raw 32 bytes
    publique: bytes  # raw 32 bytes


def paire_generer() -> PaireCles:
    privee = Ed25519PrivateKey.generate()
    return PaireCles(
        privee=privee.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ),
        publique=privee.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ),
    )


def signer(*, privee: bytes, octets: bytes) -> bytes:
    """The detached signature file's content: base64 of the 64-byte signature, one line."""
    signature = Ed25519PrivateKey.from_private_bytes(privee).sign(octets)
    return base64.b64encode(signature) + b"\n"


def verifier(*, publique: bytes, octets: bytes, signature: bytes) -> bool:
    try:
        brute = base64.b64decode(signature.strip(), validate=True)
        Ed25519PublicKey.from_public_bytes(publique).verify(brute, octets)
    except (InvalidSignature, ValueError):
        return False
    return True


def b64(octets: bytes) -> str:
    return base64.b64encode(octets).decode()


def de_b64(texte: str) -> bytes:
    return base64.b64decode(texte)
