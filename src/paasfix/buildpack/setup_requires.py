"""What ``setup_requires`` needs on the platform: the index easy_install fetches it from, and
the setuptools it takes, which Python 2 cannot always have.

Packages in ``setup_requires`` are installed by setuptools (easy_install) while ``setup.py``
runs, not by pip: easy_install ignores pip's index settings, and it installs with the
setuptools of the Python runtime. This module knows the shell lines that point easy_install at
pip's index on the build machine, and which ``setup_requires`` entries Python 2.7 cannot
satisfy. It reads strings; it knows nothing about the project or its fixers.
"""

from __future__ import annotations

import re

DEFAULT_MIRROR = "https://mirrors.cloud.tencent.com/pypi/simple/"
"""The mirror the platform's documentation gives for this problem."""

_PLAIN_URL_RE = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!&+,;=%-]+$")


def plain_url(value: object) -> bool:
    """Whether ``value`` is an http(s) URL that can stand unquoted inside a double-quoted
    ``${VAR:-default}`` and in a cfg file."""
    return isinstance(value, str) and bool(_PLAIN_URL_RE.match(value))


def index_hook_body(mirror: str) -> str:
    """Shell lines that write ``~/.pydistutils.cfg`` on the build machine, pointing
    easy_install at ``PIP_INDEX_URL``, else at ``mirror`` (a :func:`plain_url`)."""
    return (
        "# setup_requires is fetched by easy_install, which ignores pip's settings: point it\n"
        "# at the index pip uses (PIP_INDEX_URL, set by the platform), else at a mirror.\n"
        "# The file is read with %-interpolation, so a % in the URL is written as %%.\n"
        f'paasfix_index_url="${{PIP_INDEX_URL:-{mirror}}}"\n'
        "printf '[easy_install]\\nindex_url = %s\\n' \"${paasfix_index_url//\\%/%%}\""
        ' > "$HOME/.pydistutils.cfg"\n'
    )


PY2_LAST_SETUPTOOLS = "44.1.1"
"""The last setuptools that installs on Python 2.7: 45.0.0 declares Requires-Python >=3.5
(both wheels' METADATA on PyPI)."""

SCM_PY3_ONLY = ("6.0.0", "6.4.2", "7.1.0", "8.0.0", "8.1.0", "8.3.1")
"""setuptools_scm releases that need Python 3: from 6.0.0 on, their METADATA says
Requires-Python >=3.6 and Requires-Dist setuptools>=45 (5.0.2 is the last for Python 2.7).
An unpinned ``setuptools_scm`` gets one of these, and so does any specifier that admits one."""

PY27_ENVIRONMENT = {
    "python_version": "2.7",
    "python_full_version": "2.7.18",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux2",
    "platform_system": "Linux",
    "os_name": "posix",
}
"""The marker environment of the platform's Python 2.7 runtime."""


def python2_blocker(item: str) -> str | None:
    """Why the ``setup_requires`` entry ``item`` cannot be met on Python 2.7, or None when it
    can be (or is not a requirement paasfix can read)."""
    from packaging.markers import UndefinedComparison, UndefinedEnvironmentName
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    from paasfix.buildpack.requirements import canonical

    try:
        requirement = Requirement(item)
    except InvalidRequirement:
        return None
    if requirement.marker is not None:
        try:
            if not requirement.marker.evaluate(PY27_ENVIRONMENT):
                return None
        except (UndefinedComparison, UndefinedEnvironmentName, InvalidVersion):
            return None
    name = canonical(requirement.name)
    if name == "setuptools-scm":
        if any(requirement.specifier.contains(v, prereleases=True) for v in SCM_PY3_ONLY):
            return (
                f"'{item}' gets setuptools_scm 6 or later, which needs Python 3 and "
                "setuptools 45 or later"
            )
        return None
    if name == "setuptools":
        last = Version(PY2_LAST_SETUPTOOLS)
        for spec in requirement.specifier:
            try:
                bound = Version(spec.version.rstrip(".*"))
            except InvalidVersion:
                continue
            if (spec.operator in (">=", "==", "~=", "===") and bound > last) or (
                spec.operator == ">" and bound >= last
            ):
                return (
                    f"'{item}' needs a setuptools newer than {PY2_LAST_SETUPTOOLS}, the "
                    "last release for Python 2"
                )
    return None
