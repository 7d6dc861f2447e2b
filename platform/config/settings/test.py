"""The test suite (`make test`): same real services, separate database and Redis db."""

from .base import *

DEBUG = False
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1", "testserver"]
REDIS_DB = env_int("INDIMAJ_REDIS_DB", 1)
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
CACHES["default"]["LOCATION"] = REDIS_URL
DRAMATIQ_NAMESPACE = env("INDIMAJ_DRAMATIQ_NAMESPACE", "indimaj-test")
INDIMAJ_WEB_PORT = env_int("INDIMAJ_WEB_PORT", 8765)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = env("INDIMAJ_LOG_LEVEL", "WARNING")
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
SCHEDULER_LOCK_TTL_SECONDS = env_int("INDIMAJ_SCHEDULER_LOCK_TTL", 30)
# No background refill of the warm pool in tests: the pool tests fill it themselves.
INDIMAJ_POOL_SIZE = env_int("INDIMAJ_POOL_SIZE", 0)
