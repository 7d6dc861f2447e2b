"""TOTP as in RFC 6238 (appendix B test vectors, truncated to 6 digits)."""

import pytest

from identity import otp

RFC_SECRET = "12345678901234567890"


@pytest.mark.parametrize(
    ("at", "code"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_rfc6238_vectors(at, code):
    assert otp.totp(RFC_SECRET, at=at) == code


def test_authenticator_key_is_base32_of_the_secret():
    assert otp.authenticator_key("12345") == "GEZDGNBV"
