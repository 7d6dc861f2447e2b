"""Production: everything secret or host-specific must come from the environment."""

import os

from .base import *

DEBUG = False
KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD = os.environ.get("INDIMAJ_KC_BOOTSTRAP_ADMIN_PASSWORD", "")
SECRET_KEY = os.environ["INDIMAJ_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["INDIMAJ_ALLOWED_HOSTS"].split(",")
INDIMAJ_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
