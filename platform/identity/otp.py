"""Time-based one-time passwords as Keycloak computes them (RFC 6238, HMAC-SHA1, 6 digits).

Keycloak keys the HMAC with the secret's UTF-8 bytes; authenticator apps receive the same
bytes in base32. Used to pre-enrol demo and test accounts and to read their current code.
"""

import base64
import hashlib
import hmac
import struct
import time

PERIOD_SECONDS = 30
DIGITS = 6


def totp(secret: str, *, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // PERIOD_SECONDS)
    digest = hmac.new(secret.encode(), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**DIGITS
    return f"{code:0{DIGITS}d}"


def authenticator_key(secret: str) -> str:
    """The key to type into an authenticator app."""
    return base64.b32encode(secret.encode()).decode().rstrip("=")
