import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

APP_CODE = os.environ.get("BKPAAS_APP_ID", "host-checker")
SECRET_KEY = os.environ.get("BKPAAS_APP_SECRET", "dev-only-secret")
DEBUG = True
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "home_application",
]

ROOT_URLCONF = "urls"
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": os.environ.get("MYSQL_NAME", APP_CODE),
        "USER": os.environ.get("MYSQL_USER", "root"),
        "PASSWORD": os.environ.get("MYSQL_PASSWORD", ""),
        "HOST": os.environ.get("MYSQL_HOST", "localhost"),
        "PORT": os.environ.get("MYSQL_PORT", "3306"),
    }
}

ESB_URL = os.environ.get("BKAPP_ESB_URL", "http://localhost/api/c/compapi")
LOG_LEVEL = os.environ.get("BKAPP_LOG_LEVEL", "DEBUG")
