"""Settings shared by every environment; values come from the environment.

The names and defaults match infra/lib/common.sh, which starts the services.
"""

import os
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
PLATFORM_DIR = BASE_DIR / "platform"


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("INDIMAJ_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in env("INDIMAJ_ALLOWED_HOSTS", "").split(",") if h]

# --- Hosts -----------------------------------------------------------------------------------
# The platform lives on the apex; each tenant on <code>.<apex>.
INDIMAJ_APEX = env("INDIMAJ_APEX", "indimaj.localhost")
INDIMAJ_WEB_PORT = env_int("INDIMAJ_WEB_PORT", 8000)
INDIMAJ_SCHEME = env("INDIMAJ_SCHEME", "http")
INDIMAJ_STATE_DIR = Path(env("INDIMAJ_STATE_DIR", "/var/lib/indimaj"))
# Supporting documents, one directory per tenant schema (modules/personnel/documents.py).
INDIMAJ_DOCUMENTS_DIR = Path(env("INDIMAJ_DOCUMENTS_DIR", str(INDIMAJ_STATE_DIR / "documents")))
# The exchange gateway's directory drop (inbox/outbox/archive/quarantine per party) and the
# key that encrypts the private signing keys at rest (defaults to SECRET_KEY in dev/tests).
INDIMAJ_EXCHANGE_DIR = Path(env("INDIMAJ_EXCHANGE_DIR", str(INDIMAJ_STATE_DIR / "exchange")))
INDIMAJ_EXCHANGE_MASTER_KEY = env("INDIMAJ_EXCHANGE_MASTER_KEY", "")
# The Treasury party the ordonnateurs exchange with (the simulator's in demo and tests).
INDIMAJ_EXCHANGE_TRESOR = env("INDIMAJ_EXCHANGE_TRESOR", "TGR:WADEF")
# Supporting documents: PDF, JPEG or PNG up to this size (bytes).
INDIMAJ_DOCUMENT_MAX_BYTES = env_int("INDIMAJ_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# Personal-data access log (law 09-08): monthly partitions created ahead, kept this many months.
INDIMAJ_ACCES_RETENTION_MOIS = env_int("INDIMAJ_ACCES_RETENTION_MOIS", 24)
INDIMAJ_ACCES_MOIS_AVANCE = env_int("INDIMAJ_ACCES_MOIS_AVANCE", 2)
# Warm pool of pre-cloned tenant schemas that provisioning claims by renaming (tenants/pool.py).
INDIMAJ_POOL_SIZE = env_int("INDIMAJ_POOL_SIZE", 20)
# The PPR is a national numeric payroll number; its length is not published (domain notes §6).
INDIMAJ_PPR_PATTERN = env("INDIMAJ_PPR_PATTERN", r"^[0-9]{7}$")

# --- Applications ------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The admin without autodiscovery: only console.admin_site registers models (public ones).
    "django.contrib.admin.apps.SimpleAdminConfig",
    "identity",
    "audit",
    "referentiel",
    "console",
    "onboarding",
    "exchange",
    # config's own management commands (paie, benchmark); it has no models
    "config",
]
# Everything under modules/ is tenant data. audit keeps one chain per schema, so it is in both.
TENANT_APPS = [
    "audit",
    "modules.unites",
    "modules.habilitations",
    "modules.personnel",
    "modules.actes",
    "modules.notifications",
    "modules.echanges",
    "modules.paie",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Organisation"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New tenants are cloned from a migrated template schema instead of running every migration.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenants"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"

MIDDLEWARE = [
    "config.observability.RequestContextMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "identity.middleware.TenantSessionGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.platform",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": env("INDIMAJ_DB_NAME", "indimaj"),
        "USER": env("INDIMAJ_DB_USER", "indimaj"),
        "PASSWORD": env("INDIMAJ_DB_PASSWORD", "indimaj"),
        "HOST": env("INDIMAJ_PG_HOST", "127.0.0.1"),
        "PORT": env("INDIMAJ_PG_PORT", "55432"),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 5},
        "TEST": {"NAME": env("INDIMAJ_TEST_DB_NAME", "test_indimaj")},
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

# --- Redis, cache, jobs -----------------------------------------------------------------------
REDIS_HOST = env("INDIMAJ_REDIS_HOST", "127.0.0.1")
REDIS_PORT = env_int("INDIMAJ_REDIS_PORT", 56379)
REDIS_DB = env_int("INDIMAJ_REDIS_DB", 0)
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every cache key carries the tenant's schema (ARCHITECTURE.md §4).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}
DRAMATIQ_NAMESPACE = env("INDIMAJ_DRAMATIQ_NAMESPACE", "indimaj")
SCHEDULER_LOCK_TTL_SECONDS = 30

# --- Identity (Keycloak) ----------------------------------------------------------------------
KEYCLOAK_URL = env("INDIMAJ_KC_URL", "http://localhost:58080")
KEYCLOAK_REALM = env("INDIMAJ_KC_REALM", "indimaj")
KEYCLOAK_CLIENT_ID = env("INDIMAJ_KC_CLIENT_ID", "indimaj-web")
KEYCLOAK_CLIENT_SECRET = env("INDIMAJ_KC_CLIENT_SECRET", "indimaj-web-dev-secret")
KEYCLOAK_ADMIN_CLIENT_ID = env("INDIMAJ_KC_ADMIN_CLIENT_ID", "indimaj-backend")
KEYCLOAK_ADMIN_CLIENT_SECRET = env("INDIMAJ_KC_ADMIN_CLIENT_SECRET", "indimaj-backend-dev-secret")
# Access tokens for the API carry this audience (client scope "indimaj-api", see identity.realm).
KEYCLOAK_API_AUDIENCE = env("INDIMAJ_KC_API_AUDIENCE", "indimaj-api")
# Keycloak's own admin (master realm), used only by `migrate_platform` for what the service
# account cannot grant itself. The dev/test Keycloak of infra/ has admin/admin; in production
# leave the password empty and apply those realm settings with Keycloak's own tools.
KEYCLOAK_BOOTSTRAP_ADMIN_USER = env("INDIMAJ_KC_BOOTSTRAP_ADMIN_USER", "admin")
KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD = env("INDIMAJ_KC_BOOTSTRAP_ADMIN_PASSWORD", "admin")
KEYCLOAK_HEALTH_URL = env("INDIMAJ_KC_HEALTH_URL", "http://127.0.0.1:59000/health/ready")
KEYCLOAK_TIMEOUT_SECONDS = 5
# How old a session's habilitations may get before they are re-read from Keycloak: this is the
# maximum delay for a grant, a revocation or a disabled account to take effect in pages.
HABILITATION_REFRESH_SECONDS = env_int("INDIMAJ_HABILITATION_REFRESH_SECONDS", 300)
LOGIN_URL = "identity:login"

# --- Sessions and security --------------------------------------------------------------------
SESSION_COOKIE_NAME = "indimaj_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []  # passwords live in Keycloak

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("ar", _("العربية"))]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [PLATFORM_DIR / "config" / "locale"]
# Morocco shifts its clock around Ramadan: never hard-code an offset.
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT: Path | None = INDIMAJ_STATE_DIR / "static"
STATICFILES_DIRS = [PLATFORM_DIR / "config" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Mail: a local sink in dev and tests (infra/mailsink.py) ----------------------------------
EMAIL_HOST = env("INDIMAJ_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("INDIMAJ_SMTP_PORT", 51025)
DEFAULT_FROM_EMAIL = "INDIMAJ <no-reply@indimaj.localhost>"

# --- Logging: one JSON object per line, with tenant and request ids ---------------------------
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.observability.ContextFilter"}},
    "formatters": {"json": {"()": "config.observability.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": env("INDIMAJ_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF they render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
