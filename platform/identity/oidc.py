"""OpenID Connect against the realm: authorization code + PKCE, token checks, logout URL."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings


class OidcError(Exception):
    """The identity provider's answer cannot be trusted or used."""


def issuer() -> str:
    return f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}"


def _endpoint(name: str) -> str:
    return f"{issuer()}/protocol/openid-connect/{name}"


@dataclass(frozen=True)
class LoginRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


def login_request(*, redirect_uri: str, organization: str | None) -> LoginRequest:
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    scopes = ["openid", "profile", "email"]
    if organization:
        # Ask for this tenant's organization only: the token then names no other tenant.
        scopes.append(f"organization:{organization}")
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.KEYCLOAK_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    )
    return LoginRequest(f"{_endpoint('auth')}?{query}", state, nonce, verifier)


def _token_request(data: dict[str, str]) -> dict[str, Any]:
    """POST to the realm's token endpoint as the web client; OidcError unless Keycloak says 200."""
    try:
        response = requests.post(
            _endpoint("token"),
            data={
                **data,
                "client_id": settings.KEYCLOAK_CLIENT_ID,
                "client_secret": settings.KEYCLOAK_CLIENT_SECRET,
            },
            timeout=settings.KEYCLOAK_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise OidcError(f"token endpoint unreachable: {error}") from error
    if response.status_code != 200:
        raise OidcError(f"token endpoint answered {response.status_code}: {response.text[:300]}")
    tokens: dict[str, Any] = response.json()
    return tokens


def exchange_code(*, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
    return _token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
    )


ALLOWED_ALGORITHMS = ["RS256"]


class JwksCache:
    """The realm's signing keys, cached.

    A token whose key id is unknown makes one refresh (Keycloak rotated its keys), but at most
    one every `min_refresh_seconds`, so forged key ids cannot make us hammer Keycloak.
    """

    def __init__(self, url: str, *, max_age_seconds: float = 300, min_refresh_seconds: float = 10):
        self.url = url
        self.max_age = max_age_seconds
        self.min_refresh = min_refresh_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            response = requests.get(self.url, timeout=settings.KEYCLOAK_TIMEOUT_SECONDS)
            response.raise_for_status()
            key_set = jwt.PyJWKSet.from_dict(response.json())
        except (requests.RequestException, jwt.PyJWTError, ValueError) as error:
            raise OidcError(f"signing keys unavailable: {error}") from error
        self._keys = {key.key_id: key for key in key_set.keys if key.key_id}
        self._fetched_at = time.monotonic()

    def key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if age > self.max_age or (kid not in self._keys and age > self.min_refresh):
                self._refresh()
            found = self._keys.get(kid)
        if found is None:
            raise OidcError("unknown signing key")
        return found

    def prime(self, keys: dict[str, jwt.PyJWK]) -> None:
        """Install keys directly (unit tests that sign their own tokens)."""
        with self._lock:
            self._keys = dict(keys)
            self._fetched_at = time.monotonic()


def refresh(*, refresh_token: str) -> dict[str, Any]:
    """New tokens for a session; OidcError when Keycloak refuses (session ended, user off)."""
    return _token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})


@lru_cache(maxsize=1)
def jwks() -> JwksCache:
    return JwksCache(_endpoint("certs"))


def decode_token(token: str, *, audience: str | None) -> dict[str, Any]:
    """Claims of a token signed by the realm, or OidcError saying why it is refused."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise OidcError(f"malformed token: {error}") from error
    if header.get("alg") not in ALLOWED_ALGORITHMS:
        raise OidcError(f"algorithm not accepted: {header.get('alg')}")
    key = jwks().key(str(header.get("kid", "")))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=ALLOWED_ALGORITHMS,
            issuer=issuer(),
            audience=audience,
            options={"verify_aud": audience is not None, "require": ["exp", "iat", "iss", "sub"]},
            leeway=10,
        )
    except jwt.PyJWTError as error:
        raise OidcError(f"invalid token: {error}") from error
    return claims


def organizations_of(claims: dict[str, Any]) -> set[str]:
    """Aliases named by the organization claim (a list, or a map when ids are added)."""
    value = claims.get("organization") or []
    if isinstance(value, dict):
        return set(value)
    if isinstance(value, str):
        return {value}
    return set(value)


def realm_roles_of(claims: dict[str, Any]) -> set[str]:
    return set((claims.get("realm_access") or {}).get("roles") or [])


def logout_url(*, id_token: str | None, post_logout_redirect_uri: str) -> str:
    params = {
        "client_id": settings.KEYCLOAK_CLIENT_ID,
        "post_logout_redirect_uri": post_logout_redirect_uri,
    }
    if id_token:
        params["id_token_hint"] = id_token
    return f"{_endpoint('logout')}?{urlencode(params)}"
