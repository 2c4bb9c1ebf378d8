"""Hostile and broken repositories, generated: the inputs of test_hostile.py.

Each :class:`Case` is a small Flask application (a Procfile to move into app_desc.yaml, an
eventlet pin to complete) with one hostile change. The change is data (``files``, written byte
for byte, ``None`` removing a base file) plus, where data cannot say it, a ``setup`` step run on
the repository after it is written and committed (a FIFO, a skip-worktree bit).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Union

from helpers import git

Content = Union[str, bytes]

BASE: dict[str, Content] = {
    "requirements.txt": "flask==2.3.3\ngunicorn==22.0.0\neventlet==0.31.0\n",
    "Procfile": "web: gunicorn app:app -b :$PORT --log-file -\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
}

DJANGO: dict[str, Content] = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
    "site1/__init__.py": "",
    "site1/settings.py": "STATIC_URL = '/static/'\n",
    "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\n"
    "application = get_wsgi_application()\n",
}


@dataclass(frozen=True)
class Case:
    """One hostile repository."""

    id: str
    kind: int
    """The class of hostile input: 1 failing writes, 2 unbounded work, 3 unreadable files,
    4 line endings, 5 many findings, 7 settings, 8 the smaller ones."""
    files: Mapping[str, Optional[Content]] = field(default_factory=dict)
    """Changes to :data:`BASE`: path -> content, or None to leave the base file out."""
    bad: Optional[str] = None
    """The file that cannot be used as it is: ``check`` must name it in exactly one line
    (its path in the repository, or ``{root}/...`` for a file given by its full path)."""
    git: bool = True
    """Whether the repository is a git repository (``fix --commit`` runs only on one)."""
    options: tuple[str, ...] = ()
    """Options given to every run; ``{root}`` stands for the repository's path."""
    error: bool = False
    """Every run must fail with exit status 2 and change nothing."""
    setup: Optional[Callable[[Path], None]] = None
    symlinks: Mapping[str, str] = field(default_factory=dict)
    object_format: str = "sha1"
    """The git repository's hash (``sha256`` for a SHA-256 repository)."""
    commits: bool = False
    """``fix --commit`` must succeed and make its commit."""
    needle: Optional[str] = None
    """Words the line about the bad file must hold (the setting's name, say)."""
    after_fix: Optional[Callable[[Path], None]] = None
    """Checks of the repository after ``fix`` (beyond nothing being lost)."""

    def tree(self) -> dict[str, Content]:
        files = {**BASE, **self.files}
        return {path: content for path, content in files.items() if content is not None}


# -- generators -----------------------------------------------------------------------------------


def alias_bomb(levels: int, width: int, key: str = "web") -> str:
    """One YAML line whose anchors each repeat the one before ``width`` times: ``width **
    levels`` copies of a word once the aliases are expanded, from a few hundred bytes (at 6
    levels of 9, megabytes: far beyond the 128 KiB that Linux allows one argument of exec)."""
    items = [f"&a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        items.append(f"&a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return f"{key}: [{', '.join(items)}]\n"


def alias_bomb_mapping(levels: int, width: int) -> str:
    """:func:`alias_bomb` with each level a mapping of ``width`` keys."""
    items = [f"l0: &a0 {{{', '.join(f'k{i}: lol' for i in range(width))}}}"]
    for level in range(1, levels):
        keys = ", ".join(f"k{i}: *a{level - 1}" for i in range(width))
        items.append(f"l{level}: &a{level} {{{keys}}}")
    return f"web: {{{', '.join(items)}}}\n"


def app_desc(command: str) -> str:
    """An app_desc.yaml whose web command is the YAML text ``command``."""
    return (
        "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
        f"      command: {command}\n"
    )


def deep_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def long_sum(terms: int) -> str:
    """``1 + 1 + ...``: a left-leaning expression tree ``terms`` deep."""
    return " + ".join(["1"] * terms)


def nested_calls(depth: int) -> str:
    return "f(" * depth + "1" + ")" * depth


def big_setup_py(packages: int) -> str:
    """A setup.py with a long install_requires and a long list of classifiers."""
    requires = "".join(f"        'package-{i}>=1.{i}',\n" for i in range(packages))
    classifiers = "".join(
        f"        'Topic :: Software Development :: Part {i}',\n" for i in range(packages)
    )
    return (
        "from setuptools import setup\n\nsetup(\n    name='app',\n    version='1.0',\n"
        f"    install_requires=[\n{requires}    ],\n"
        f"    classifiers=[\n{classifiers}    ],\n)\n"
    )


def requirement_chain(depth: int) -> dict[str, Content]:
    """requirements.txt including req/1.txt including req/2.txt ... ``depth`` files deep."""
    files: dict[str, Content] = {"requirements.txt": "flask==2.3.3\n-r req/1.txt\n"}
    for level in range(1, depth):
        files[f"req/{level}.txt"] = f"-r {level + 1}.txt\n"
    files[f"req/{depth}.txt"] = "gunicorn==22.0.0\n"
    return files


def dotted_requirements(count: int) -> str:
    """``count`` requirement names with dots, each a finding of its own."""
    return "gunicorn==22.0.0\n" + "".join(f"acme.part{i}==1.0\n" for i in range(count))


def nul_after(offset: int) -> bytes:
    """Requirements that look like text for ``offset`` bytes and then hold a NUL."""
    line = b"# a comment line that pads the requirements file out\n"
    padding = line * (offset // len(line) + 1)
    return b"flask==2.3.3\n" + padding + b"gunicorn==22.0.0\x00\n"


def make_fifo(path: str) -> Callable[[Path], None]:
    """Put a named pipe at ``path``: opening it to read blocks until someone writes."""

    def setup(root: Path) -> None:
        os.mkfifo(root / path)

    return setup


def skip_worktree(path: str, flag: str, content: str) -> Callable[[Path], None]:
    """Mark a committed file with ``flag`` and change it in the work tree."""

    def setup(root: Path) -> None:
        git(root, "update-index", flag, path)
        (root / path).write_text(content)

    return setup


def dir_in_the_way(path: str) -> dict[str, Content]:
    """A directory at ``path`` (holding one file, so that git keeps it)."""
    return {f"{path}/notes.txt": "a directory where paasfix would write a file\n"}


# -- class checks after fix -----------------------------------------------------------------------


def requirements_read_as_pip(ending: str) -> Callable[[Path], None]:
    """After fix: one gunicorn, the greenlet pin added once, the file's line ending kept."""

    def check(root: Path) -> None:
        raw = (root / "requirements.txt").read_bytes().decode()
        names = [
            line.split("==")[0]
            for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if line and not line.startswith("#")
        ]
        counts = f"gunicorn {names.count('gunicorn')} times, greenlet {names.count('greenlet')}"
        assert names.count("gunicorn") == 1 and names.count("greenlet") == 1, f"{counts}: {raw!r}"
        if ending == "\r":
            assert "\n" not in raw, f"CR endings not kept: {raw!r}"

    return check


def unchanged(path: str, content: str) -> Callable[[Path], None]:
    """After fix: ``path`` still holds ``content`` (paasfix refused to overwrite it)."""

    def check(root: Path) -> None:
        assert (root / path).is_file(), f"{path} is gone"
        assert (root / path).read_text() == content, f"{path} was overwritten"

    return check


def procfile_read_as_yaml(*names: str) -> Callable[[Path], None]:
    """After fix: app_desc.yaml defines every process the Procfile defined."""

    def check(root: Path) -> None:
        import yaml

        data = yaml.safe_load((root / "app_desc.yaml").read_bytes())
        assert sorted(data["module"]["processes"]) == sorted(names), data

    return check


# -- the cases ------------------------------------------------------------------------------------

OUTSIDE = "../outside.txt"
"""A symbolic link target above the repository (the tests create that file)."""

SETUP_REQUIRES = (
    "from setuptools import setup\n\n"
    "setup(name='app', setup_requires=['setuptools_scm'], use_scm_version=True)\n"
)
"""A setup.py for which paasfix writes a bin/pre-compile hook."""

CHANGED_PROCFILE = "web: gunicorn app:app -b :$PORT --workers 4\n"
"""The work tree's Procfile when git has been told not to look at it."""

TAB_YAML = "spec_version: 2\nmodule:\n  language: Python\n  processes:\n\tweb:\n\t  command: x\n"

CASES: list[Case] = [
    # (1) a write that fails: a directory where paasfix writes a file
    Case("appdesc-dir-next-to-procfile-git", 1, dir_in_the_way("app_desc.yaml")),
    Case("appdesc-dir-next-to-procfile-nogit", 1, dir_in_the_way("app_desc.yaml"), git=False),
    Case(
        "aptfile-dir-for-mysqlclient-git",
        1,
        {
            "requirements.txt": "flask==2.3.3\ngunicorn==22.0.0\nmysqlclient==2.1.1\n",
            **dir_in_the_way("Aptfile"),
        },
    ),
    Case(
        "aptfile-dir-for-mysqlclient-nogit",
        1,
        {
            "requirements.txt": "flask==2.3.3\ngunicorn==22.0.0\nmysqlclient==2.1.1\n",
            **dir_in_the_way("Aptfile"),
        },
        git=False,
    ),
    Case("bin-file-where-hook-goes-git", 1, {"setup.py": SETUP_REQUIRES, "bin": "a file\n"}),
    Case(
        "bin-file-where-hook-goes-nogit",
        1,
        {"setup.py": SETUP_REQUIRES, "bin": "a file\n"},
        git=False,
    ),
    # (2) unbounded time and memory, at a small size
    Case("procfile-alias-bomb-6x9", 2, {"Procfile": alias_bomb(6, 9)}, bad="Procfile"),
    Case(
        "procfile-alias-bomb-mapping-5x10",
        2,
        {"Procfile": alias_bomb_mapping(5, 10)},
        bad="Procfile",
    ),
    Case(
        "appdesc-alias-bomb-6x9",
        2,
        {"app_desc.yaml": app_desc(alias_bomb(6, 9, "x")[3:].strip()), "Procfile": None},
        bad="app_desc.yaml",
    ),
    Case(
        "procfile-300-alias-lines",
        2,
        {
            "Procfile": "web: &c gunicorn app:app -b :$PORT\n"
            + "".join(f"w{i}: *c\n" for i in range(300))
        },
    ),
    Case(
        "requirements-3000-lines",
        2,
        {
            "requirements.txt": "eventlet==0.31.0\n"
            + "".join(f"package-{i}==1.{i}\n" for i in range(3000))
        },
    ),
    Case("setup-py-40-kib", 2, {"setup.py": big_setup_py(400), "requirements.txt": None}),
    # (3) files that cannot be read
    Case("procfile-date-2023-02-30", 3, {"Procfile": "web: 2023-02-30\n"}, bad="Procfile"),
    Case("procfile-5000-digit-int", 3, {"Procfile": "web: 1" + "0" * 5000 + "\n"}, bad="Procfile"),
    Case("procfile-list-900-deep", 3, {"Procfile": f"web: {deep_list(900)}\n"}, bad="Procfile"),
    Case(
        "procfile-scanner-error",
        3,
        {"Procfile": "web: gunicorn app:app\nworker: `celery`\n"},
        bad="Procfile",
        needle="cannot be read as YAML",
    ),
    Case(
        "procfile-tab-indent",
        3,
        {"Procfile": "web: gunicorn app:app\n\tworker: celery\n"},
        bad="Procfile",
        needle="cannot be read as YAML",
    ),
    Case(
        "appdesc-date-2023-02-30",
        3,
        {"app_desc.yaml": app_desc("2023-02-30"), "Procfile": None},
        bad="app_desc.yaml",
    ),
    Case(
        "appdesc-5000-digit-int",
        3,
        {"app_desc.yaml": app_desc("1" + "0" * 5000), "Procfile": None},
        bad="app_desc.yaml",
    ),
    Case(
        "appdesc-list-900-deep",
        3,
        {"app_desc.yaml": app_desc(deep_list(900)), "Procfile": None},
        bad="app_desc.yaml",
    ),
    Case(
        "appdesc-scanner-error",
        3,
        {"app_desc.yaml": app_desc("'unterminated"), "Procfile": None},
        bad="app_desc.yaml",
        needle="cannot be read as YAML",
    ),
    Case(
        "appdesc-tab-indent",
        3,
        {"app_desc.yaml": TAB_YAML, "Procfile": None},
        bad="app_desc.yaml",
        needle="cannot be read as YAML",
    ),
    Case(
        "settings-sum-20000-terms",
        3,
        {**DJANGO, "site1/settings.py": f"STATIC_URL = '/static/'\nX = {long_sum(20000)}\n"},
        bad="site1/settings.py",
    ),
    Case(
        "settings-calls-180-deep",
        3,
        {**DJANGO, "site1/settings.py": f"STATIC_URL = '/static/'\nX = {nested_calls(180)}\n"},
    ),
    Case(
        "setup-py-sum-1000-terms",
        3,
        {"setup.py": f"from setuptools import setup\nX = {long_sum(1000)}\nsetup(name='a')\n"},
    ),
    Case(
        "setup-py-list-180-deep",
        3,
        {
            "setup.py": "from setuptools import setup\nsetup(name='a', install_requires="
            f"{deep_list(180)})\n"
        },
    ),
    Case("requirements-r-chain-1500", 3, requirement_chain(1500)),
    Case(
        "paasfix-toml-array-5000-deep",
        3,
        {"paasfix.toml": f"select = {deep_list(5000)}\n"},
        bad="paasfix.toml",
        error=True,
    ),
    Case(
        "paasfix-toml-table-3000-deep",
        3,
        {"paasfix.toml": "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"},
        bad="paasfix.toml",
        error=True,
    ),
    Case(
        "procfile-latin-1",
        3,
        {"Procfile": "web: gunicorn app:app  # caf\xe9\n".encode("latin-1")},
        bad="Procfile",
    ),
    Case(
        "requirements-utf-16-no-bom",
        3,
        {"requirements.txt": "flask==2.3.3\ngunicorn==22.0.0\n".encode("utf-16-le")},
        bad="requirements.txt",
    ),
    Case(
        "requirements-nul-after-9-kib",
        3,
        {"requirements.txt": nul_after(9 * 1024)},
        bad="requirements.txt",
    ),
    Case(
        "procfile-lone-surrogate",
        3,
        {"Procfile": b"web: gunicorn app:app # \xed\xa0\x80\n"},
        bad="Procfile",
    ),
    Case(
        "appdesc-lone-surrogate",
        3,
        {
            "app_desc.yaml": app_desc("gunicorn app:app").encode() + b"# \xed\xb2\x80\n",
            "Procfile": None,
        },
        bad="app_desc.yaml",
    ),
    Case(
        "runtime-txt-binary",
        3,
        {"runtime.txt": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256))},
        bad="runtime.txt",
    ),
    Case("aptfile-binary", 3, {"Aptfile": b"\x1f\x8b\x08\x00" + bytes(64)}, bad="Aptfile"),
    Case("setup-py-binary", 3, {"setup.py": b"\x89PNG\r\n\x1a\n" + bytes(32)}, bad="setup.py"),
    Case(
        "settings-py-binary",
        3,
        {**DJANGO, "site1/settings.py": b"\x00\x01STATIC_URL = 1\n"},
        bad="site1/settings.py",
    ),
    Case("procfile-empty", 3, {"Procfile": ""}),
    Case("appdesc-empty", 3, {"app_desc.yaml": "", "Procfile": None}),
    Case("requirements-empty", 3, {"requirements.txt": ""}),
    Case("runtime-txt-empty", 3, {"runtime.txt": ""}),
    Case("setup-py-empty", 3, {"setup.py": ""}),
    Case(
        "procfile-is-a-directory",
        3,
        {"Procfile": None, **dir_in_the_way("Procfile")},
        bad="Procfile",
    ),
    Case(
        "requirements-is-a-directory",
        3,
        {"requirements.txt": None, **dir_in_the_way("requirements.txt")},
        bad="requirements.txt",
    ),
    Case("runtime-txt-is-a-directory", 3, dir_in_the_way("runtime.txt"), bad="runtime.txt"),
    Case(
        "appdesc-symlink-leaving",
        3,
        {"Procfile": None},
        symlinks={"app_desc.yaml": OUTSIDE},
        bad="app_desc.yaml",
    ),
    Case(
        "runtime-txt-symlink-absolute",
        3,
        symlinks={"runtime.txt": "/etc/hostname"},
        bad="runtime.txt",
    ),
    Case(
        "procfile-fifo",
        3,
        {"Procfile": None},
        git=False,
        setup=make_fifo("Procfile"),
        bad="Procfile",
    ),
    Case(
        "requirements-fifo",
        3,
        {"requirements.txt": None},
        git=False,
        setup=make_fifo("requirements.txt"),
        bad="requirements.txt",
    ),
    # (4) CR-only and mixed line endings
    Case(
        "requirements-cr-only",
        4,
        {"requirements.txt": "flask==2.3.3\rgunicorn==22.0.0\reventlet==0.31.0\r"},
        after_fix=requirements_read_as_pip("\r"),
    ),
    Case(
        "requirements-mixed-endings",
        4,
        {"requirements.txt": "flask==2.3.3\r\ngunicorn==22.0.0\reventlet==0.31.0\n"},
        after_fix=requirements_read_as_pip("mixed"),
    ),
    Case(
        "procfile-cr-only",
        4,
        {"Procfile": "web: gunicorn app:app -b :$PORT\rworker: celery -A app worker\r"},
        after_fix=procfile_read_as_yaml("web", "worker"),
    ),
    Case(
        "procfile-mixed-endings",
        4,
        {
            "Procfile": "web: gunicorn app:app -b :$PORT\r\nworker: celery -A app worker\r"
            "beat: celery -A app beat\n"
        },
        after_fix=procfile_read_as_yaml("web", "worker", "beat"),
    ),
    Case("aptfile-cr-only", 4, {"Aptfile": "libssl-dev\rlibpq-dev\r"}),
    Case("aptfile-mixed-endings", 4, {"Aptfile": "# tls\r\nlibssl-dev\rlibpq-dev\n"}),
    Case("runtime-txt-cr-only", 4, {"runtime.txt": "python-3.10.13\r"}),
    Case("runtime-txt-mixed-endings", 4, {"runtime.txt": "python-3.10.13\r\n\r"}),
    # (5) many independent findings of one fixer
    Case("dotted-requirements-51", 5, {"requirements.txt": dotted_requirements(51)}),
    Case("dotted-requirements-120", 5, {"requirements.txt": dotted_requirements(120)}),
    # (7) bad settings
    Case(
        "setting-keep-procfile-string",
        7,
        {"paasfix.toml": "keep-procfile = 'false'\n"},
        bad="paasfix.toml",
        error=True,
        needle="keep-procfile",
    ),
    Case(
        "setting-static-root-int",
        7,
        {**DJANGO, "paasfix.toml": "static-root = 5\n"},
        bad="paasfix.toml",
        error=True,
        needle="static-root",
    ),
    Case(
        "setting-static-root-newline",
        7,
        {**DJANGO, "paasfix.toml": 'static-root = "a\\nb"\n'},
        bad="paasfix.toml",
        error=True,
        needle="static-root",
    ),
    Case(
        "setting-pip-version-list",
        7,
        {"paasfix.toml": "pip-version = []\n"},
        bad="paasfix.toml",
        error=True,
        needle="pip-version",
    ),
    Case(
        "setting-mirror-int",
        7,
        {"setup.py": SETUP_REQUIRES, "paasfix.toml": "mirror = 5\n"},
        bad="paasfix.toml",
        error=True,
        needle="mirror",
    ),
    Case(
        "setting-runtimes-int",
        7,
        {"paasfix.toml": "runtimes = 3\n"},
        bad="paasfix.toml",
        error=True,
        needle="runtimes",
    ),
    Case(
        "setting-build-dir-in-git",
        7,
        {"paasfix.toml": 'build-dir = ".git/hooks"\n'},
        bad="paasfix.toml",
        error=True,
        needle="build-dir",
    ),
    Case(
        "setting-build-dir-outside",
        7,
        {"paasfix.toml": 'build-dir = "../.."\n'},
        bad="paasfix.toml",
        error=True,
        needle="build-dir",
    ),
    Case(
        "option-build-dir-absolute", 7, options=("--build-dir", "/etc"), error=True, needle="/etc"
    ),
    Case("option-build-dir-git", 7, options=("--build-dir", ".git"), error=True, needle=".git"),
    Case(
        "settings-file-over-1-mib",
        7,
        {"paasfix.toml": "# padding for a settings file\n" * 40_000 + "unsafe-fixes = true\n"},
        bad="paasfix.toml",
        error=True,
        needle="MiB",
    ),
    Case(
        "option-config-over-1-mib",
        7,
        {"conf/paasfix.toml": "# padding for a settings file\n" * 40_000},
        options=("--config", "{root}/conf/paasfix.toml"),
        bad="{root}/conf/paasfix.toml",
        error=True,
        needle="MiB",
    ),
    # (8) the smaller ones
    Case(
        "skip-worktree-procfile-changed",
        8,
        setup=skip_worktree("Procfile", "--skip-worktree", CHANGED_PROCFILE),
        after_fix=unchanged("Procfile", CHANGED_PROCFILE),
    ),
    Case(
        "assume-unchanged-procfile-changed",
        8,
        setup=skip_worktree("Procfile", "--assume-unchanged", CHANGED_PROCFILE),
        after_fix=unchanged("Procfile", CHANGED_PROCFILE),
    ),
    Case("sha256-repository", 8, object_format="sha256", commits=True),
]
"""Every hostile repository, in class order."""
