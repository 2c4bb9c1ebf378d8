"""Deterministic inputs for the benchmarks: application repositories of a given size and a
large build log.

A repository is a small Django service (the files the platform reads, with the problems
paasfix is written for) inside a realistic amount of everything else: more Django apps, a
front end with its ``node_modules``, vendored Python packages, documentation and assets.
The same arguments always give the same bytes.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Callable, Iterator

# --- the application --------------------------------------------------------------------

REQUIREMENTS = """\
# Web
Django==3.2.25
gunicorn==20.1.0
whitenoise==5.3.0
djangorestframework==3.14.0

# Database and cache
mysqlclient==2.1.1
django-redis==5.2.0

# Background jobs
celery==5.2.7
redis==4.5.5
eventlet==0.31.0

-r requirements/extra.txt
"""

EXTRA_REQUIREMENTS = """\
requests>=2.28,<3
python-dateutil==2.8.2
Pillow==9.5.0  # thumbnails
"""

PROCFILE = """\
# Processes of the shop service
web: gunicorn shop.wsgi --bind :$PORT --workers 2 --log-file -
worker: celery -A shop worker -l info --pool eventlet --concurrency 50
beat: celery -A shop beat -l info
"""

SETTINGS = """\
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key")
DEBUG = os.environ.get("DEBUG") == "1"
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
{apps}]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": os.environ.get("MYSQL_NAME", "shop"),
        "USER": os.environ.get("MYSQL_USER", "root"),
        "PASSWORD": os.environ.get("MYSQL_PASSWORD", ""),
        "HOST": os.environ.get("MYSQL_HOST", "127.0.0.1"),
        "PORT": os.environ.get("MYSQL_PORT", "3306"),
    }
}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]

CELERY_BROKER_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
"""

CORE_FILES = {
    "manage.py": """\
#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
""",
    "shop/__init__.py": 'from .celery import app as celery_app\n\n__all__ = ("celery_app",)\n',
    "shop/celery.py": """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
""",
    "shop/wsgi.py": """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
application = get_wsgi_application()
""",
    "runtime.txt": "python-3.6.12\n",
    "requirements/extra.txt": EXTRA_REQUIREMENTS,
    "Procfile": PROCFILE,
    "README.md": "# shop\n\nThe shop service: catalogue, orders and payments.\n\n"
    "Run `python manage.py runserver` for development.\n",
    ".gitignore": "node_modules/\n*.pyc\n__pycache__/\n/staticfiles/\n/frontend/dist/\n.env\n",
    "templates/base.html": '<!doctype html>\n<html lang="zh-hans">\n'
    '<head><meta charset="utf-8">\n'
    "<title>{% block title %}shop{% endblock %}</title></head>\n"
    "<body>{% block content %}{% endblock %}</body>\n</html>\n",
}

CORE_APPS = ("catalogue", "orders", "payments")

# --- words for generated names and text --------------------------------------------------

NOUNS = (
    "order",
    "item",
    "price",
    "customer",
    "invoice",
    "coupon",
    "stock",
    "address",
    "payment",
    "refund",
    "review",
    "category",
    "tag",
    "cart",
    "shipment",
    "supplier",
    "report",
    "session",
    "token",
    "message",
    "event",
    "profile",
    "setting",
    "region",
)
VERBS = (
    "get",
    "create",
    "update",
    "delete",
    "list",
    "sync",
    "render",
    "check",
    "build",
    "parse",
    "load",
    "save",
    "send",
    "merge",
    "split",
    "apply",
    "resolve",
    "compute",
)
FIELDS = (
    ("CharField", "max_length=120"),
    ("IntegerField", "default=0"),
    ("DecimalField", "max_digits=10, decimal_places=2"),
    ("BooleanField", "default=False"),
    ("DateTimeField", "auto_now_add=True"),
    ("TextField", "blank=True"),
)
NPM_WORDS = (
    "lodash",
    "react",
    "vue",
    "babel",
    "core",
    "plugin",
    "loader",
    "webpack",
    "util",
    "parser",
    "types",
    "runtime",
    "helper",
    "eslint",
    "postcss",
    "color",
    "string",
    "array",
    "object",
    "stream",
    "path",
    "glob",
    "semver",
    "debug",
    "chalk",
    "yargs",
)


def _name(rng: random.Random, words=NOUNS) -> str:
    return f"{rng.choice(words)}_{rng.choice(words)}"


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


# --- Python sources ------------------------------------------------------------------------


def _function(rng: random.Random) -> str:
    name = f"{rng.choice(VERBS)}_{_name(rng)}"
    args = ", ".join(rng.sample(("request", "items", "limit", "user", "value", "options"), 2))
    body = [
        f'    """{rng.choice(VERBS).title()} the {rng.choice(NOUNS)}s of one '
        f'{rng.choice(NOUNS)}."""',
        "    result = []",
        f"    for index, entry in enumerate({args.split(', ')[0]}):",
        f"        if index > {rng.randint(2, 90)}:",
        "            break",
        f"        result.append((index, entry, {rng.randint(1, 999)}))",
        '    return {"count": len(result), "items": result}',
    ]
    return f"def {name}({args}):\n" + "\n".join(body) + "\n"


def _class(rng: random.Random) -> str:
    name = _camel(_name(rng))
    methods = []
    for _ in range(rng.randint(1, 3)):
        method = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"
        methods.append(
            f"    def {method}(self, value):\n"
            f"        if value is None:\n"
            f'            raise ValueError("{method} needs a value")\n'
            f"        self._cache[value] = value * {rng.randint(2, 9)}\n"
            f"        return self._cache[value]\n"
        )
    return (
        f'class {name}:\n    """Keeps {rng.choice(NOUNS)}s by {rng.choice(NOUNS)}."""\n\n'
        f"    def __init__(self):\n        self._cache = {{}}\n\n" + "\n".join(methods)
    )


def python_module(rng: random.Random, parts: int) -> str:
    imports = sorted(
        rng.sample(
            (
                "import os",
                "import re",
                "import json",
                "import logging",
                "from datetime import datetime, timedelta",
                "from collections import defaultdict",
            ),
            3,
        )
    )
    body = [_function(rng) if rng.random() < 0.6 else _class(rng) for _ in range(parts)]
    return "\n".join(imports) + "\n\nlogger = logging.getLogger(__name__)\n\n\n" + "\n\n".join(body)


def _models(rng: random.Random, app: str) -> str:
    out = ["from django.db import models", ""]
    for _ in range(rng.randint(2, 4)):
        out += ["", f"class {_camel(_name(rng))}(models.Model):"]
        for _ in range(rng.randint(3, 7)):
            kind, args = rng.choice(FIELDS)
            out.append(f"    {_name(rng)} = models.{kind}({args})")
        out += ["", "    class Meta:", f'        app_label = "{app}"', ""]
    return "\n".join(out) + "\n"


def django_app(rng: random.Random, directory: str) -> dict[str, str]:
    """A Django app in ``directory`` (its dotted module name follows from the path)."""
    module = directory.replace("/", ".")
    label = module.rpartition(".")[2]
    return {
        f"{directory}/__init__.py": "",
        f"{directory}/apps.py": f"from django.apps import AppConfig\n\n\nclass {_camel(label)}"
        f'Config(AppConfig):\n    name = "{module}"\n',
        f"{directory}/models.py": _models(rng, label),
        f"{directory}/views.py": "from django.http import JsonResponse\n\n\n"
        + "\n\n".join(
            _function(rng)
            .replace("    return {", "    return JsonResponse({")
            .replace("result}", "result})")
            for _ in range(rng.randint(2, 5))
        ),
        f"{directory}/urls.py": f"from django.urls import path\n\nfrom . import views\n\n"
        f'app_name = "{label}"\nurlpatterns = []\n',
        f"{directory}/admin.py": "from django.contrib import admin  # noqa: F401\n",
        f"{directory}/tests.py": python_module(rng, rng.randint(2, 4)),
        f"{directory}/migrations/__init__.py": "",
        f"{directory}/migrations/0001_initial.py": "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    initial = True\n    dependencies = []\n"
        "    operations = []\n",
    }


def application(rng: random.Random) -> dict[str, str]:
    """The service itself: what the platform reads, and the apps it is made of."""
    files = dict(CORE_FILES)
    files["requirements.txt"] = REQUIREMENTS
    apps = "".join(f'    "{app}",\n' for app in CORE_APPS)
    files["shop/settings.py"] = SETTINGS.replace("{apps}", apps)
    files["shop/urls.py"] = (
        "from django.contrib import admin\nfrom django.urls import include,"
        ' path\n\nurlpatterns = [\n    path("admin/", admin.site.urls),\n'
        + "".join(f'    path("{app}/", include("{app}.urls")),\n' for app in CORE_APPS)
        + "]\n"
    )
    for app in CORE_APPS:
        files.update(django_app(rng, app))
    return files


# --- everything else -------------------------------------------------------------------


def _js(rng: random.Random) -> str:
    lines = ["'use strict';", ""]
    for _ in range(rng.randint(3, 25)):
        name = _camel(_name(rng, NPM_WORDS))
        lines += [
            f"function {name[0].lower() + name[1:]}(input, options) {{",
            "  if (!input) { return null; }",
            f"  const out = Object.assign({{}}, options, {{ depth: {rng.randint(1, 9)} }});",
            "  return Object.keys(input).map((key) => [key, input[key], out]);",
            "}",
            "",
        ]
    lines.append(
        "module.exports = { version: '%d.%d.%d' };"
        % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 20))
    )
    return "\n".join(lines) + "\n"


def _npm_package(rng: random.Random, prefix: str, budget: int) -> dict[str, str]:
    name = "-".join(rng.sample(NPM_WORDS, 2))
    base = f"{prefix}/{name}-{rng.randint(0, 99999)}"
    files = {
        f"{base}/package.json": '{\n  "name": "%s",\n  "version": "1.%d.0",\n'
        '  "main": "index.js",\n  "license": "MIT"\n}\n' % (name, rng.randint(0, 40)),
        f"{base}/index.js": _js(rng),
    }
    if budget > 2:
        files[f"{base}/README.md"] = f"# {name}\n\n{rng.choice(NPM_WORDS)} for {name}.\n"
    while len(files) < budget:
        kind = rng.random()
        if kind < 0.7:
            files[f"{base}/lib/{_name(rng, NPM_WORDS)}.js"] = _js(rng)
        elif kind < 0.9:
            files[f"{base}/types/{_name(rng, NPM_WORDS)}.d.ts"] = (
                f"export declare function {_camel(_name(rng, NPM_WORDS))}(x: unknown): string;\n"
            )
        else:
            files[f"{base}/dist/{_name(rng, NPM_WORDS)}.min.js"] = _js(rng).replace("\n  ", "")
    return files


def node_modules(rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """``frontend/node_modules``: many packages of a few to a few hundred files, and node-gyp's
    Python sources (which are in every real ``node_modules`` that builds native code)."""
    made = 0
    if count >= 40:
        for index in range(min(count // 40, 60)):
            yield (
                f"frontend/node_modules/node-gyp/gyp/pylib/gyp/{_name(rng)}_{index}.py",
                python_module(rng, rng.randint(2, 6)),
            )
            made += 1
    while made < count:
        budget = min(count - made, rng.choice((2, 3, 5, 8, 12, 30, 80, 200)))
        for path, text in _npm_package(rng, "frontend/node_modules", budget).items():
            yield path, text
            made += 1


def vendored(rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """``vendor/``: third-party Python packages copied into the repository."""
    made = 0
    while made < count:
        package = f"vendor/{_name(rng)}"
        yield (
            f"{package}/__init__.py",
            '__version__ = "%d.%d"\n' % (rng.randint(0, 5), rng.randint(0, 20)),
        )
        made += 1
        for _ in range(min(count - made, rng.randint(5, 60))):
            yield f"{package}/{_name(rng)}.py", python_module(rng, rng.randint(3, 12))
            made += 1


def more_apps(rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    made, index = 0, 0
    while made < count:
        index += 1
        for path, text in django_app(rng, f"apps/{_name(rng)}{index}").items():
            if made == count:
                return
            yield path, text
            made += 1


def assets(rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """Front-end sources, documentation, translations and images."""
    for index in range(count):
        kind = index % 5
        if kind == 0:
            yield (
                f"frontend/src/components/{_camel(_name(rng))}{index}.vue",
                (
                    '<template>\n  <div class="%s">{{ title }}</div>\n</template>\n<script>\n'
                    "export default { data() { return { title: '%s' }; } };\n</script>\n"
                    % (_name(rng), _name(rng))
                ),
            )
        elif kind == 1:
            yield f"frontend/src/{_name(rng)}{index}.js", _js(rng)
        elif kind == 2:
            yield (
                f"docs/{_name(rng)}{index}.md",
                (
                    f"# {_name(rng).replace('_', ' ').title()}\n\n"
                    + "这个页面说明如何配置商店服务。\n"
                    + " ".join(rng.choice(NOUNS) for _ in range(200))
                    + "\n"
                ),
            )
        elif kind == 3:
            yield (
                f"static/img/{_name(rng)}{index}.svg",
                (
                    '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">'
                    '<rect width="100%%" height="100%%"/></svg>\n'
                    % (rng.randint(8, 64), rng.randint(8, 64))
                ),
            )
        else:
            yield (
                f"locale/zh_Hans/LC_MESSAGES/{_name(rng)}{index}.po",
                (f'msgid "{_name(rng)}"\nmsgstr "订单{index}"\n'),
            )


SHARES: tuple[tuple[float, Callable[[random.Random, int], Iterator[tuple[str, str]]]], ...] = (
    (0.805, node_modules),
    (0.18, assets),
    (0.01, vendored),
    (0.005, more_apps),
)
"""How the files beyond the application are divided (node_modules takes what is left): a
front end's dependencies dominate the count, as in real repositories; Python is a few
percent (about 800 files in 50 000)."""


def repository_files(total: int, seed: int = 7) -> dict[str, str]:
    """``total`` files: the application, then the rest divided as in :data:`SHARES`."""
    rng = random.Random(seed)
    files = application(rng)
    rest = max(total - len(files), 0)
    counts = [int(rest * share) for share, _ in SHARES]
    counts[0] += rest - sum(counts)
    for count, (_, make) in zip(counts, SHARES):
        for path, text in make(rng, count):
            while path in files:
                path = path.replace("/", f"/x{rng.randint(0, 9)}", 1)
            files[path] = text
    return files


def write_repository(root: Path, total: int, seed: int = 7) -> dict[str, int]:
    """Write :func:`repository_files` under ``root``; the number of files of each suffix."""
    kinds: dict[str, int] = {}
    for path, text in repository_files(total, seed).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if path == "manage.py":
            target.chmod(0o755)
        suffix = os.path.splitext(path)[1] or path
        kinds[suffix] = kinds.get(suffix, 0) + 1
    return kinds


# --- a build log -------------------------------------------------------------------------

GREEN, RED, YELLOW, RESET = "\x1b[32m", "\x1b[31;1m", "\x1b[33m", "\x1b[0m"

MATCHING = (
    f"{RED}Error while running '$ python manage.py collectstatic --noinput'.{RESET}",
    "       ERROR: No matching distribution found for setuptools_rust",
    "ModuleNotFoundError: No module named 'setuptools_rust'",
    "/bin/sh: 1: mysql_config: not found",
    f'{RED}Procfile error: invalid process name "Web_Server"{RESET}',
)
"""Lines that fixers recognise, placed a few times in the whole log."""


def _log_line(rng: random.Random, number: int) -> str:
    pick = rng.random()
    stamp = (
        f"2024-03-{1 + number % 28:02d} {number % 24:02d}:{number % 60:02d}:{(number * 7) % 60:02d}"
    )
    package = rng.choice(NPM_WORDS) + "-" + rng.choice(NOUNS)
    if pick < 0.25:
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
        return f"       Collecting {package}=={version}"
    if pick < 0.40:
        size = rng.randint(10, 9000)
        return (
            f"         Downloading https://mirrors.example.com/pypi/packages/{package}-1.0"
            f".tar.gz ({size} kB)"
        )
    if pick < 0.50:
        return f"{GREEN}[{stamp}]{RESET} 正在安装依赖 {package} (第 {number} 步)"
    if pick < 0.60:
        return f"  Building wheel for {package} (setup.py): {YELLOW}started{RESET}"
    if pick < 0.70:
        return (
            f"    gcc -pthread -Wno-unused-result -O2 -fPIC -I/app/.heroku/python/include "
            f"-c src/{package}.c -o build/temp.linux-x86_64-3.6/src/{package}.o"
        )
    if pick < 0.80:
        return f"remote: webpack: {package}.{rng.randint(1000, 9999)}.js  {rng.randint(1, 900)} KiB"
    if pick < 0.88:
        return f"{stamp} INFO [{rng.choice(NOUNS)}] 构建进行中：已完成 {number % 100}%"
    if pick < 0.95:
        return f"  WARNING: The script {package} is installed in '/app/.heroku/python/bin'"
    return f"-----> Installing requirements with pip (step {number})"


def write_log(path: Path, size: int, seed: int = 11) -> int:
    """A build log of about ``size`` bytes: pip, gcc and webpack output, colours, Chinese, one
    line in eight CRLF, and :data:`MATCHING` lines near the start, the middle and the end.
    Returns the number of bytes written."""
    rng = random.Random(seed)
    pool = [_log_line(rng, number) for number in range(20000)]
    ends = [("\r\n" if rng.random() < 0.125 else "\n") for _ in range(len(pool))]
    block = "".join(line + end for line, end in zip(pool, ends)).encode("utf-8")
    written = 0
    places = {int(size * where) // len(block) for where in (0.01, 0.5, 0.99)}
    with open(path, "wb") as out:
        index = 0
        while written < size:
            chunk = block
            if index in places:
                cut = block.index(b"\n", len(block) // 2) + 1
                chunk = (
                    block[:cut]
                    + "".join(line + "\n" for line in MATCHING).encode("utf-8")
                    + block[cut:]
                )
            out.write(chunk)
            written += len(chunk)
            index += 1
    return written
