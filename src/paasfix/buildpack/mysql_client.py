"""Python libraries that compile against the MySQL C client, and the apt packages they need.

This module knows which projects on PyPI build a C extension against libmysqlclient, which
Debian/Ubuntu packages give that extension its headers, libraries and ``mysql_config``, and the
lines the build log shows when they are missing. It reads requirement lines and an Aptfile;
it knows nothing about the project or its fixers.
"""

from __future__ import annotations

import re

from paasfix.buildpack.aptfile import Aptfile
from paasfix.buildpack.requirements import RequirementLine

C_CLIENT_LIBRARIES: dict[str, str | None] = {
    # mysqlclient: setup.py builds the MySQLdb._mysql C extension from `mysql_config` (before
    # 2.2) or `pkg-config mysqlclient` (2.2 on); PyPI has wheels for Windows only.
    "mysqlclient": None,
    # MySQL-python (mysql-python): mysqlclient's predecessor, the same C extension, sources only.
    "mysql-python": None,
    # Flask-MySQLdb: install_requires mysqlclient in every release (setup.py, later setup.cfg).
    "flask-mysqldb": "mysqlclient",
}
"""Projects, by PEP 503 name, whose installation compiles against the MySQL C client: None
for the C extensions themselves, else the C extension they require."""

APT_PACKAGES: dict[str, tuple[str, ...]] = {
    # The platform's FAQ (fix-pkg-install-mysql-python) lists these two packages.
    "libssl-dev": ("libssl-dev", "libssl1.0-dev"),
    # default-libmysqlclient-dev is a metapackage: on Ubuntu it depends on libmysqlclient-dev,
    # on Debian on libmariadb-dev-compat; either one already gives mysql_config and headers.
    "default-libmysqlclient-dev": (
        "default-libmysqlclient-dev",
        "libmysqlclient-dev",
        "libmariadb-dev-compat",
    ),
}
"""Each apt package the build needs, with the packages that already provide it."""

PLATFORM_PYTHON = "3.10.5"
"""The Python the heroku-18 buildpack uses without runtime.txt (PLATFORM.md §4.3)."""

BUILD_ERRORS = (
    r"mysql_config:? not found",
    r"Can not find valid pkg-config name",
    r"fatal error: (mysql|my_config|mysqld_error)\.h: No such file or directory",
)
"""What the build log says when the C client is missing (as ``paasfix diagnose`` patterns)."""


def compiles_against_client(line: RequirementLine) -> bool:
    """Whether the requirement installs a library that compiles against the MySQL C client
    (before its markers and file type are considered: see :func:`built_on_linux`)."""
    return line.key in C_CLIENT_LIBRARIES and line.kind in ("requirement", "url", "editable")


def compiled_name(line: RequirementLine) -> str:
    """What compiles: the requirement as written, or the C extension it pulls in."""
    extension = C_CLIENT_LIBRARIES.get(line.key or "")
    return f"{extension} (required by {line.name})" if extension else str(line.name)


def runtime_python(runtime_txt: str | None) -> str:
    """The Python release a ``runtime.txt`` text asks for (the platform's default without
    one, or when it names none)."""
    match = re.fullmatch(r"\s*python-(\d+\.\d+(\.\d+)?)\s*", runtime_txt or "")
    return match.group(1) if match else PLATFORM_PYTHON


def built_on_linux(line: RequirementLine, python: str) -> bool:
    """False for a wheel (nothing to compile) or a marker that excludes the platform's Linux
    with Python ``python``."""
    spec = re.split(r"\s--?[a-zA-Z]", line.text, maxsplit=1)[0]
    if re.search(r"\.whl\b", spec):
        return False
    if ";" not in spec or line.kind == "editable":
        return True
    from packaging.markers import InvalidMarker, Marker, UndefinedEnvironmentName

    environment = {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "python_version": ".".join(python.split(".")[:2]),
        "python_full_version": python,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    try:
        return Marker(spec.split(";", 1)[1].strip()).evaluate(environment)
    except (InvalidMarker, UndefinedEnvironmentName):
        return True


def missing_apt_packages(apt: Aptfile | None) -> list[str]:
    """The packages of :data:`APT_PACKAGES` that ``apt`` (None: no Aptfile) does not provide."""
    if apt is None:
        return list(APT_PACKAGES)
    return [
        package
        for package, providers in APT_PACKAGES.items()
        if not any(apt.provides(name) for name in providers)
    ]
