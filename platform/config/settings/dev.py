"""Local development and the demo (`make demo`)."""

from .base import *

DEBUG = env_bool("INDIMAJ_DEBUG", True)
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1"]
# gunicorn serves the static files straight from the apps' folders (no collectstatic step).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
