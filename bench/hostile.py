"""Hostile and broken inputs at growing sizes: time and peak memory of whole paasfix runs.

    python bench/hostile.py                 # every case at 1x, 2x and 4x
    python bench/hostile.py --case "alias bomb" --scales 1 2

Each case is a repository generated into a temporary directory at 1x, 2x and 4x its base size
(the largest stays within the 2 MiB read limit; the Procfile cases reach the 64 KiB paasfix
reads in a process definition at 4x, and "Procfile to 2 MiB" passes it). ``paasfix check`` and
``paasfix fix --diff`` run on it as separate processes of the paasfix installed with this
Python; the peak memory is that process's own (``RUSAGE_CHILDREN`` of a wrapper that runs
nothing else). The target is at most 5 s and 200 MB per run at the largest size.
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

TARGET_SECONDS = 5.0
TARGET_MB = 200.0
TIMEOUT = 60.0
READ_LIMIT = 2 * 1024 * 1024
"""paasfix.core.tree.MAX_FILE_SIZE: no file is read beyond it."""
PROCESS_FILE = 16 * 1024
"""A quarter of paasfix.formats.yamlio.MAX_DOCUMENT_SIZE: the Procfile cases reach it at 4x."""

APP = {"app.py": "app = object()\n"}
DJANGO = {
    "requirements.txt": "Django==4.2\ngunicorn==22.0.0\n",
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
    "site1/__init__.py": "",
    "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\n"
    "application = get_wsgi_application()\n",
}


def alias_bomb(scale: int) -> dict[str, str]:
    levels = 10 * scale
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return {**APP, "requirements.txt": "gunicorn\n", "Procfile": "\n".join(lines) + "\n"}


def _filled(item: Callable[[int], str], size: int, head: str = "") -> str:
    """``head`` and ``item(0)``, ``item(1)``, ... as long as the text stays within ``size``
    bytes."""
    parts, total, n = [head], len(head.encode()), 0
    while total + len(item(n).encode()) <= size:
        parts.append(item(n))
        total += len(parts[-1].encode())
        n += 1
    return "".join(parts)


def alias_lines(scale: int) -> dict[str, str]:
    return {
        **APP,
        "requirements.txt": "gunicorn\n",
        "Procfile": _filled(lambda n: f"p{n}: &x{n} a\nq{n}: *x{n}\n", PROCESS_FILE * scale),
    }


def deep_yaml_lists(scale: int) -> dict[str, str]:
    depth = 250_000 * scale
    return {
        **APP,
        "requirements.txt": "gunicorn\n",
        "app_desc.yaml": "spec_version: 2\nextra: " + "[" * depth + "]" * depth + "\n",
    }


def big_integers(scale: int) -> dict[str, str]:
    return {
        **APP,
        "requirements.txt": "gunicorn\n",
        "Procfile": _filled(lambda n: f"p{n}: {'9' * 5000}\n", PROCESS_FILE * scale),
    }


def procfile_at_the_limit(scale: int) -> dict[str, str]:
    return {
        **APP,
        "requirements.txt": "gunicorn\n",
        "Procfile": _filled(lambda n: f"p{n}: gunicorn app:app -w {n}\n", READ_LIMIT * scale // 4),
    }


def _lines(template: str, size: int) -> str:
    """``template`` filled with 0, 1, 2, ... while the result stays within ``size`` bytes."""
    out, total, n = [], 0, 0
    while True:
        line = template.format(n=n)
        if total + len(line) > size:
            return "".join(out)
        out.append(line)
        total += len(line)
        n += 1


def _functions(size: int) -> str:
    """Ordinary functions, up to ``size`` bytes of them."""
    return _lines("def f{n}(x):\n    return x + {n}\n\n", size)


def _settings_lines(size: int) -> str:
    """Ordinary settings, up to ``size`` bytes of them."""
    return _lines("SETTING_{n} = {{'name': 'value {n}', 'items': [1, 2, 3]}}\n", size)


KIB = 1024
APPS = "INSTALLED_APPS = ['django.contrib.staticfiles']\n"


def setup_py_within(scale: int) -> dict[str, str]:
    """setup.py read up to the analysis limit (60, 120, 240 KiB)."""
    return {
        **APP,
        "setup.py": "from setuptools import setup\n"
        + _functions(60 * KIB * scale)
        + "setup(name='x', setup_requires=['pbr'])\n",
    }


def settings_to_edit(scale: int) -> dict[str, str]:
    """A settings module without STATIC_ROOT up to the edit limit (8, 16, 32 KiB):
    ``fix --diff`` edits it with LibCST."""
    return {
        **DJANGO,
        "site1/settings.py": APPS
        + _settings_lines(8 * KIB * scale - 100)
        + "STATIC_URL = '/static/'\n",
    }


def settings_within(scale: int) -> dict[str, str]:
    """A settings module that sets STATIC_ROOT, up to the analysis limit (60, 120, 240 KiB)."""
    return {
        **DJANGO,
        "site1/settings.py": APPS
        + _settings_lines(60 * KIB * scale)
        + "STATIC_URL = '/static/'\nSTATIC_ROOT = 'static'\n",
    }


def huge_setup(scale: int) -> dict[str, str]:
    """setup.py of 512 KiB, 1 MiB, 2 MiB: over the analysis limit."""
    return {
        **APP,
        "setup.py": "from setuptools import setup\n"
        + _functions(512 * KIB * scale - 100)
        + "setup(name='x', setup_requires=['pbr'])\n",
    }


def huge_settings(scale: int) -> dict[str, str]:
    """A settings module of 512 KiB, 1 MiB, 2 MiB: over the analysis limit."""
    return {
        **DJANGO,
        "site1/settings.py": APPS
        + _settings_lines(512 * KIB * scale - 100)
        + "STATIC_URL = '/static/'\n",
    }


def deep_expression(scale: int) -> dict[str, str]:
    terms = "+".join(["1"] * (1000 * scale))
    return {
        **DJANGO,
        "site1/settings.py": f"X = {terms}\nSTATIC_URL = '/static/'\n",
        "setup.py": f"from setuptools import setup\nX = {terms}\n"
        "setup(name='x', setup_requires=['pbr'])\n",
    }


def huge_expression(scale: int) -> dict[str, str]:
    """``1+1+...`` of 2 bytes a term up to the read limit (512 KiB, 1 MiB, 2 MiB)."""
    terms = "+".join(["1"] * (256 * KIB * scale - 64))
    return {
        **DJANGO,
        "site1/settings.py": f"X = {terms}\nSTATIC_URL = '/static/'\n",
        "setup.py": f"from setuptools import setup\nX = {terms}\n"
        "setup(name='x', setup_requires=['pbr'])\n",
    }


def and_chain(scale: int) -> dict[str, str]:
    """``x and x and ...`` (flat for ast, one nested node per operator for LibCST), 20,000
    terms at 1x."""
    terms = " and ".join(["x"] * (20_000 * scale))
    return {
        **DJANGO,
        "site1/settings.py": APPS + f"X = {terms}\nSTATIC_URL = '/static/'\n",
        "setup.py": f"from setuptools import setup\nX = {terms}\n"
        "setup(name='x', setup_requires=['pbr'])\n",
    }


def deep_brackets(scale: int) -> dict[str, str]:
    """Nested lists 150, 300, 600 deep (CPython itself refuses more than 200)."""
    depth = 150 * scale
    nested = "[" * depth + "]" * depth
    return {
        **DJANGO,
        "site1/settings.py": APPS + f"X = {nested}\nSTATIC_URL = '/static/'\n",
        "setup.py": f"from setuptools import setup\nX = {nested}\n"
        "setup(name='x', setup_requires=['pbr'])\n",
    }


def requirements_lines(scale: int) -> dict[str, str]:
    return {
        **APP,
        "requirements.txt": _filled(
            lambda n: f"package-{n}==1.0.{n}\n", READ_LIMIT * scale // 4, "gunicorn\n"
        ),
    }


def procfile_lines(scale: int) -> dict[str, str]:
    return {
        **APP,
        "requirements.txt": "gunicorn\n",
        "Procfile": _filled(lambda n: f"p{n}: gunicorn app:app -w {n}\n", PROCESS_FILE * scale),
    }


def dotted_names(scale: int) -> dict[str, str]:
    return {
        **APP,
        "requirements.txt": "gunicorn\n"
        + "".join(f"zope.part{n}==1.0\n" for n in range(50 * scale)),
    }


def r_chain(scale: int) -> dict[str, str]:
    count = 375 * scale
    files = {f"r{n}.txt": f"-r r{n + 1}.txt\n" for n in range(count)}
    files[f"r{count}.txt"] = "gunicorn\n"
    return {**APP, **files, "requirements.txt": "-r r0.txt\n"}


def deep_toml(scale: int) -> dict[str, str]:
    depth = 500 * scale
    return {
        **APP,
        "requirements.txt": "gunicorn\n",
        "paasfix.toml": "select = " + "[" * depth + "]" * depth + "\n",
    }


CASES: dict[str, Callable[[int], dict[str, str]]] = {
    "alias bomb": alias_bomb,
    "many alias lines": alias_lines,
    "deep YAML lists": deep_yaml_lists,
    "big integers": big_integers,
    "setup.py within": setup_py_within,
    "settings to edit": settings_to_edit,
    "settings within": settings_within,
    "huge setup.py": huge_setup,
    "huge settings.py": huge_settings,
    "deep expressions": deep_expression,
    "huge expressions": huge_expression,
    "and chains": and_chain,
    "deep brackets": deep_brackets,
    "requirements lines": requirements_lines,
    "Procfile lines": procfile_lines,
    "Procfile to 2 MiB": procfile_at_the_limit,
    "dotted names": dotted_names,
    "-r chain": r_chain,
    "deep TOML": deep_toml,
}

COMMANDS = (("check",), ("fix", "--diff"))

_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
try:
    code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=float(sys.argv[1])).returncode
except subprocess.TimeoutExpired:
    code = "timeout"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(repr((code, seconds, peak)))
"""


def run(args: tuple[str, ...], repo: Path) -> tuple[object, float, float]:
    """(exit status or "timeout", seconds, peak MB) of one paasfix process."""
    wrapper = subprocess.run(
        [
            sys.executable,
            "-c",
            _WRAPPER,
            str(TIMEOUT),
            sys.executable,
            "-m",
            "paasfix",
            *args,
            str(repo),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return ast.literal_eval(wrapper.stdout)


def write(root: Path, files: dict[str, str]) -> int:
    size = 0
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        size = max(size, len(text.encode()))
    return size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each command this many times: the median time, the largest peak",
    )
    parser.add_argument("--json", help="also write the rows to this file")
    options = parser.parse_args(argv)
    rows = []
    print(
        f"{'case':<20} {'x':>2} {'largest file':>12}  {'command':<10} {'exit':>7} "
        f"{'seconds':>8} {'peak MB':>8}"
    )
    with tempfile.TemporaryDirectory(prefix="paasfix-hostile-") as tmp:
        for name in options.case or CASES:
            for scale in options.scales:
                repo = Path(tmp) / f"{name.replace(' ', '-')}-{scale}"
                size = write(repo, CASES[name](scale))
                for args in COMMANDS:
                    runs = [run(args, repo) for _ in range(options.repeat)]
                    code = runs[0][0]
                    seconds = statistics.median(seconds for _, seconds, _ in runs)
                    peak = max(peak for _, _, peak in runs)
                    over = (
                        "  over target"
                        if seconds > TARGET_SECONDS or peak > TARGET_MB or code == "timeout"
                        else ""
                    )
                    print(
                        f"{name:<20} {scale:>2} {size:>12,}  {' '.join(args):<10} "
                        f"{code!s:>7} {seconds:>8.2f} {peak:>8.1f}{over}",
                        flush=True,
                    )
                    rows.append(
                        {
                            "case": name,
                            "scale": scale,
                            "bytes": size,
                            "command": " ".join(args),
                            "exit": code,
                            "seconds": round(seconds, 2),
                            "peak_mb": round(peak, 1),
                        }
                    )
    if options.json:
        Path(options.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
