import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("BKAPP_SECRET_KEY", "insecure-development-key")
DEBUG = os.environ.get("BKPAAS_ENVIRONMENT", "dev") == "dev"
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "logsearch.urls"
WSGI_APPLICATION = "logsearch.wsgi.application"

# The platform's MySQL and Redis services put their connection details in these variables.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": os.environ.get("MYSQL_NAME", "logsearch"),
        "USER": os.environ.get("MYSQL_USER", "root"),
        "PASSWORD": os.environ.get("MYSQL_PASSWORD", ""),
        "HOST": os.environ.get("MYSQL_HOST", "127.0.0.1"),
        "PORT": os.environ.get("MYSQL_PORT", "3306"),
    }
}
CELERY_BROKER_URL = "redis://{}:{}/0".format(
    os.environ.get("REDIS_HOST", "127.0.0.1"), os.environ.get("REDIS_PORT", "6379"))
CELERY_BEAT_SCHEDULE = {
    "expire-exports": {"task": "search.tasks.expire_exports", "schedule": 3600.0},
}

EXPORT_LIMIT = int(os.environ.get("BKAPP_EXPORT_LIMIT", "10000"))
USE_ES7 = os.environ.get("BKAPP_ENABLE_ES7", "no") == "yes"

TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
