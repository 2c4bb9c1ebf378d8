"""fix-process-conflict: a Procfile next to an app_desc.yaml that defines other processes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from paasfix.core.errors import FileProblem
from paasfix.fixer import ERROR, INFO, SAFE, UNSAFE, Edit, Example, Finding, Fixer
from paasfix.platform.processes import (
    Definition,
    procfile_chain,
    procfile_compared,
)
from paasfix.project import Project

Edits = tuple[Edit, ...]


class FixProcessConflict(Fixer[Edits]):
    """
    ## What goes wrong

    A module can define its processes in `app_desc.yaml` or in a `Procfile`. When both define
    processes, the platform compares them as `{name: command}` maps, character for character
    (app_desc.yaml commands without surrounding spaces; a specVersion 3 process given as
    `command`/`args` lists as the `bash -c '...'` line the platform makes of them):

    - since platform 1.7 the deploy stops with `Process definitions conflict between Procfile
      and app description file. Please remove the Procfile to resolve this conflict.` unless
      the maps are identical;
    - platform 1.6 silently runs the Procfile's processes instead of app_desc.yaml's;
    - platform 1.5 runs the Procfile's, with the warning `Warning: Process definition
      conflict, will use the one defined in `Procfile``.

    So the same repository runs different processes, or none, depending on the platform
    version, and an edit to one file that forgets the other breaks the next deploy.

    ## The fix

    Keeps the processes of `app_desc.yaml`, the recommended definition, and removes the
    Procfile: the one in the build directory and the one at the repository root, since the
    platform falls back to the latter. The finding shows both definitions side by side:

    ```
         process  Procfile                          app_desc.yaml
      *  web      gunicorn app:app -w 4 -b :$PORT   gunicorn app:app -b :$PORT
      *  worker   celery -A app worker -l info      -
    ```

    `*` marks a row that differs; `-` means the file does not define that process. Move
    anything the Procfile has that you still need into `app_desc.yaml` before applying the
    fix. With `keep_procfile = true` (the option fix-procfile reads too) nothing is removed and
    the finding asks you to make the two files say the same.

    A Procfile identical to app_desc.yaml's processes is accepted by every platform version,
    but it is a second copy that the next edit can break: it is reported as a recommendation
    (severity info) and removed, unless `keep_procfile` is set, or a second, different Procfile
    at the repository root would come into use.

    An `app_desc.yaml` that does not load, has no supported `spec_version`, or defines no
    processes is not compared: the platform then uses the Procfile alone.

    ## Safety

    Unsafe when the files differ: platforms before 1.7 run the Procfile's processes today, and
    after the fix they run app_desc.yaml's. Removing a Procfile identical to app_desc.yaml's
    processes is safe: every platform version runs the same processes before and after.
    """

    id = "fix-process-conflict"
    title = "A Procfile and app_desc.yaml define different processes"
    after = ("fix-app-desc", "fix-procfile-yaml")
    safety = UNSAFE
    severity = ERROR
    log_patterns = (
        r"Process definitions conflict between Procfile and app description file",
        r"Process definition conflict, will use the one defined in .?Procfile",
    )
    options: ClassVar[Mapping[str, Any]] = {"keep_procfile": False}

    def detect(self, project: Project) -> Iterator[Finding[Edits]]:
        desc = project.app_desc_definition
        procfile = project.procfile_definition
        if desc is None or procfile is None:
            return
        if desc.compared != procfile.compared:
            yield self._conflict(project, procfile, desc)
            return
        finding = self._identical(project, procfile, desc)
        if finding is not None:
            yield finding

    def fix(self, project: Project, finding: Finding[Edits]) -> list[Edit]:
        return list(finding.planned)

    def _conflict(self, project: Project, procfile: Definition, desc: Definition) -> Finding[Edits]:
        problem = (
            f"{procfile.path} and {desc.path} both define processes, and not the same "
            "ones: platform 1.7 and later refuse the deploy (Process definitions conflict "
            "between Procfile and app description file), older ones run the Procfile's "
            f"processes:\n\n{side_by_side(procfile, desc)}{_notes(desc)}\n\n"
        )
        line = _first_difference(procfile, desc)
        if self.settings["keep_procfile"]:
            return self.manual(
                problem + f"Make {procfile.path} define exactly the processes of "
                f"{desc.path} (keep_procfile is set), or remove it",
                procfile.path,
                line,
            )
        removed = procfile_chain(project)
        return self.finding(
            problem + f"Keep the processes of {desc.path} and remove " + " and ".join(removed),
            procfile.path,
            line,
            plan=_removals(removed),
        )

    def _identical(
        self, project: Project, procfile: Definition, desc: Definition
    ) -> Finding[Edits] | None:
        if self.settings["keep_procfile"]:
            return None
        removed = procfile_chain(project)
        if any(path != procfile.path and not _defines(project, path, desc) for path in removed):
            return None
        return self.finding(
            f"{procfile.path} repeats the processes of {desc.path} exactly; the "
            "platform accepts that, but an edit to one file that forgets the "
            "other makes the deploy fail: remove " + " and ".join(removed),
            procfile.path,
            severity=INFO,
            safety=SAFE,
            plan=_removals(removed),
        )


ABSENT = "-"
"""What the table shows for a process that one file does not define."""
DIFFERS = "*"


def side_by_side(procfile: Definition, desc: Definition) -> str:
    """Every process name with its command in each file; rows that differ are marked ``*``.

    A specVersion 3 process given as ``command``/``args`` lists is shown as those words, not as
    the ``bash -c`` line the platform compares.
    """
    shown = {process.key: process.text for process in desc.processes if not process.shell}
    rows = [("", "process", procfile.path, desc.path)]
    for name in dict.fromkeys([*procfile.compared, *desc.compared]):
        left = procfile.compared.get(name, ABSENT)
        right = shown.get(name, desc.compared.get(name)) if name in desc.compared else ABSENT
        same = (
            name in procfile.compared
            and name in desc.compared
            and procfile.compared[name] == desc.compared[name]
        )
        rows.append(("" if same else DIFFERS, str(name), str(left), str(right)))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        "    " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3]
        for row in rows
    )


def _notes(desc: Definition) -> str:
    listed = [str(process.name) for process in desc.processes if not process.shell]
    if not listed:
        return ""
    return (
        f"\n\n{desc.path} gives {', '.join(listed)} as `command`/`args` lists; the platform "
        "compares them as the `bash -c` line it generates, which no Procfile line equals"
    )


def _first_difference(procfile: Definition, desc: Definition) -> int | None:
    for process in procfile.processes:
        if desc.compared.get(process.key, object()) != procfile.compared[process.key]:
            return process.line
    return None


def _defines(project: Project, path: str, desc: Definition) -> bool:
    """Whether the Procfile at ``path`` defines exactly app_desc.yaml's processes."""
    try:
        found = project.process_file(path)
    except FileProblem:
        return False
    if found is None or not found.loaded:
        return False
    return isinstance(found.data, dict) and procfile_compared(found.data) == desc.compared


def _removals(paths: list[str]) -> Edits:
    return tuple(Edit(path, None) for path in paths)


_APP = "from flask import Flask\n\napp = Flask(__name__)\n"
_REQ = "Flask==2.2.5\ngunicorn==20.1.0\ncelery==5.2.7\n"
_DESC = (
    "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
    "      command: gunicorn app:app -b :$PORT --log-file -\n"
)
_WORKER = "    worker:\n      command: celery -A app worker\n"
_SAME = "web: gunicorn app:app -b :$PORT --log-file -\n"
_TABLE_PROCFILE = "web: gunicorn app:app -w 4\nbeat: celery -A app beat\nworker: celery worker\n"
_TABLE_DESC = (
    "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
    "    web:\n      command: gunicorn app:app\n"
    "    worker:\n      command: celery worker\n"
    "    admin:\n      command: python admin.py\n"
)
_V3 = (
    "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n    processes:\n"
    "      - name: web\n        command: [gunicorn]\n        args: [app:app, -b, ':$PORT']\n"
)
_V3_TRIMMED = (
    "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n    processes:\n"
    "      - name: web\n        procCommand: ' gunicorn app:app'\n"
)


def _app(desc: str | None = None, procfile: str | None = None, under: str = "") -> dict[str, str]:
    """The Flask application (in the directory ``under``) with these process definitions."""
    files = {"app.py": _APP, "requirements.txt": _REQ, "app_desc.yaml": desc, "Procfile": procfile}
    return {under + path: text for path, text in files.items() if text is not None}


FixProcessConflict.examples = (
    Example.fixed(
        "different commands: keep app_desc.yaml, remove the Procfile",
        _app(_DESC, "web: gunicorn app:app -w 4 -b :$PORT --log-file -\n"),
        _app(_DESC),
        unsafe=True,
        message="platform 1.7 and later refuse the deploy",
        line=1,
    ),
    Example.fixed(
        "a process only the Procfile defines",
        _app(_DESC, _SAME + "worker: celery -A app worker -l info\n"),
        _app(_DESC),
        unsafe=True,
    ),
    Example.fixed(
        "a process only app_desc.yaml defines",
        _app(_DESC + _WORKER, _SAME),
        _app(_DESC + _WORKER),
        unsafe=True,
    ),
    Example.fixed(
        "Procfile in the build directory and at the root: both go",
        {
            **_app(_DESC, "web: gunicorn app:app\n", under="src/"),
            "Procfile": "web: gunicorn app:app\n",
        },
        _app(_DESC, under="src/"),
        unsafe=True,
        build_dir="src",
    ),
    Example.fixed(
        "specVersion 3 args never equal a Procfile line",
        _app(_V3, "web: gunicorn app:app -b :$PORT\n"),
        _app(_V3),
        unsafe=True,
    ),
    Example.fixed(
        "a quoted command with a trailing space differs from the trimmed app_desc.yaml one",
        _app(_DESC, "web: 'gunicorn app:app -b :$PORT --log-file - '\n"),
        _app(_DESC),
        unsafe=True,
    ),
    Example.fixed(
        "the finding shows both definitions side by side",
        {
            "requirements.txt": "gunicorn\n",
            "Procfile": _TABLE_PROCFILE,
            "app_desc.yaml": _TABLE_DESC,
        },
        {"requirements.txt": "gunicorn\n", "app_desc.yaml": _TABLE_DESC},
        unsafe=True,
        path="Procfile",
        line=1,
        message="processes:\n\n"
        "       process  Procfile               app_desc.yaml\n"
        "    *  web      gunicorn app:app -w 4  gunicorn app:app\n"
        "    *  beat     celery -A app beat     -\n"
        "       worker   celery worker          celery worker\n"
        "    *  admin    -                      python admin.py\n\n"
        "Keep the processes of app_desc.yaml and remove Procfile",
    ),
    Example.fixed(
        "an identical Procfile is removed as a recommendation",
        _app(_DESC, _SAME),
        _app(_DESC),
        message="Procfile repeats the processes of app_desc.yaml exactly",
        path="Procfile",
    ),
    Example.fixed(
        "identical once the platform trims a specVersion 3 procCommand",
        _app(_V3_TRIMMED, "web: gunicorn app:app\n"),
        _app(_V3_TRIMMED),
    ),
    Example.manual(
        "keep_procfile turns a conflict into a manual finding",
        _app(_DESC, "web: gunicorn app:app -w 4\n"),
        options={"keep_procfile": True},
        line=1,
        message="Make Procfile define exactly the processes of app_desc.yaml (keep_procfile "
        "is set), or remove it",
    ),
    Example.clean(
        "keep_procfile keeps an identical Procfile",
        _app(_DESC, _SAME),
        options={"keep_procfile": True},
    ),
    Example.clean(
        "an identical Procfile whose removal would bring a different root Procfile into use",
        {**_app(_DESC, _SAME, under="src/"), "Procfile": "web: python app.py\n"},
        build_dir="src",
    ),
    Example.clean(
        "app_desc.yaml without processes: the Procfile supplies them",
        _app("spec_version: 2\nmodule:\n  language: Python\n", _SAME),
    ),
    Example.clean(
        "app_desc.yaml without a spec version is ignored next to a Procfile",
        _app(
            "module:\n  language: Python\n  processes:\n    web:\n      command: python app.py\n",
            "web: gunicorn app:app\n",
        ),
    ),
    Example.clean("only app_desc.yaml", _app(_DESC)),
    Example.clean("only a Procfile", _app(procfile=_SAME)),
    Example.clean(
        "a Procfile that is not YAML is fix-procfile's",
        _app(_DESC, "web: python -c 'print(1)': x\n"),
    ),
)
