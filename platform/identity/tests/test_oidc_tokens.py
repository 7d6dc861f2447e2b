"""Token checks on locally signed tokens (the same boundary is tested for real against
Keycloak in test_api_auth.py; here we forge what Keycloak would never issue)."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from identity import oidc

AUDIENCE = "indimaj-api"


@pytest.fixture
def signing_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = jwt.PyJWK.from_json(
        jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=False), algorithm="RS256"
    )
    cache = oidc.JwksCache("http://127.0.0.1:9/never-called", min_refresh_seconds=3600)
    cache.prime({"local-kid": public_jwk})
    original = oidc.jwks
    oidc.jwks = lambda: cache  # type: ignore[assignment]
    yield key
    oidc.jwks = original  # type: ignore[assignment]


def _claims(**overrides):
    now = int(time.time())
    claims = {"iss": oidc.issuer(), "sub": "s-1", "aud": AUDIENCE, "iat": now, "exp": now + 300}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(key, claims, kid="local-kid"):
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_good_token_passes(signing_key):
    assert oidc.decode_token(_sign(signing_key, _claims()), audience=AUDIENCE)["sub"] == "s-1"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": int(time.time()) - 60}, "expired"),
        ({"iss": "http://localhost:58080/realms/other"}, "issuer"),
        ({"aud": "account"}, "(?i)audience"),
        ({"exp": None}, '"exp"'),
        ({"sub": None}, '"sub"'),
    ],
)
def test_bad_claims_are_refused(signing_key, overrides, reason):
    with pytest.raises(oidc.OidcError, match=reason):
        oidc.decode_token(_sign(signing_key, _claims(**overrides)), audience=AUDIENCE)


def test_symmetric_hs256_token_is_refused(signing_key):
    # the classic confusion: an HMAC token whose "secret" is something public
    token = jwt.encode(_claims(), "k" * 64, algorithm="HS256", headers={"kid": "local-kid"})
    with pytest.raises(oidc.OidcError, match="algorithm not accepted: HS256"):
        oidc.decode_token(token, audience=AUDIENCE)


def test_unknown_kid_is_refused_without_refetching_within_the_guard(signing_key):
    # the cache's URL is unreachable: a refetch would raise "signing keys unavailable"
    with pytest.raises(oidc.OidcError, match="unknown signing key"):
        oidc.decode_token(_sign(signing_key, _claims(), kid="forged-kid"), audience=AUDIENCE)


def test_garbage_is_refused():
    with pytest.raises(oidc.OidcError, match="malformed"):
        oidc.decode_token("not.a.token", audience=AUDIENCE)
