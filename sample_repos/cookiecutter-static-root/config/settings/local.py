from .base import *  # noqa
from .base import BASE_DIR

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = True
SECRET_KEY = "local-only-secret"
ALLOWED_HOSTS = ["localhost", "0.0.0.0", "127.0.0.1"]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}

# STATIC
# ------------------------------------------------------------------------------
STATIC_ROOT = BASE_DIR / "var" / "static"
