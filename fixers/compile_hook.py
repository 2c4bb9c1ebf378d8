"""Compile hooks that the build ignores or cannot run as written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union

from paasfix.buildpack.hooks import (
    SHEBANG,
    STAGES,
    CompileHook,
    clearly_shell,
    commands,
    first_crlf_line,
    has_shebang,
    same_script,
)
from paasfix.core.errors import FixerBug
from paasfix.core.text import TextFile
from paasfix.core.tree import EXEC_MODE, LINK_MODE
from paasfix.fixer import (
    ERROR,
    SAFE,
    WARNING,
    Edit,
    Example,
    Executable,
    Finding,
    Fixer,
)
from paasfix.project import Project


class FixCompileHook(Fixer["HookRepair"]):
    """
    ## What goes wrong

    The build runs `bin/pre_compile` before it installs Python and `bin/post_compile` at the end.
    BlueKing also accepts `bin/pre-compile` and `bin/post-compile`, but only when the
    underscore file does not exist: with both spellings in the build directory, the hyphen
    script is silently never run (and before January 2024 the platform did not run hyphen
    hooks at all).

    A hook saved with Windows line endings (CRLF) does not run: the `\\r` at the end of each
    line becomes part of the command, so `#!/usr/bin/env bash` looks for a program called
    `bash\\r` and `set -e` fails with `invalid option`. A byte-order mark in front of `#!` hides
    the interpreter line the same way. A hook without a `#!` line only works because the build
    happens to start it from bash; nothing says which interpreter it is for.

    A hook that is not executable is not a problem: both buildpacks `chmod +x` it first.

    ## The fix

    - Both spellings: when the ignored hyphen script is empty (comments and `set` lines only)
      or the same as the underscore one, it is deleted. When the underscore script is the
      empty one, the hyphen script's content moves into it, so that it runs on every platform
      version. Two scripts with different commands are reported: merge them by hand.
    - Windows line endings become `\\n`, and a UTF-8 byte-order mark is removed; nothing else
      in the file changes.
    - A script without `#!` that is clearly shell (not Python, starting with a shell command)
      gets `#!/usr/bin/env bash` as its first line. Anything else is reported, to add the
      right interpreter line by hand.

    ## Safety

    Safe: the build runs exactly the commands it ran before, or the commands the author wrote
    in the script it ignored when the script it ran had none.
    """

    id = "fix-compile-hook"
    title = "A compile hook that the build ignores or cannot run"
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"Error: Failed to run the bin/(pre|post)_compile script",
        r"/usr/bin/env: .bash\\r.: No such file or directory",
        r": line \d+: \$'\\r': command not found",
        r"(pre|post)[-_]compile: line \d+: set: -\s*: invalid option",
        r"\^M: bad interpreter",
    )

    def detect(self, project: Project) -> Iterator[Finding[HookRepair]]:
        for stage in STAGES:
            hook = project.compile_hook(stage)
            if hook.ignored is not None:
                yield from self._both_spellings(project, hook)
            if hook.active is not None:
                yield from self._script_problems(project, hook.active)

    def _both_spellings(self, project: Project, hook: CompileHook) -> Iterator[Finding[HookRepair]]:
        kept, ignored = hook.underscore, hook.hyphen
        if LINK_MODE in (project.tree.mode(kept), project.tree.mode(ignored)):
            yield self.manual(
                f"both {kept} and {ignored} exist (one is a symbolic link); the "
                f"build runs only {kept}: keep one of them",
                ignored,
            )
            return
        kept_file, ignored_file = _script(project, kept), _script(project, ignored)
        if not commands(ignored_file.text) or same_script(kept_file.text, ignored_file.text):
            why = "has no commands" if not commands(ignored_file.text) else f"repeats {kept}"
            yield self.finding(
                f"the build runs {kept} and never {ignored}, which {why}; delete {ignored}",
                ignored,
                severity=WARNING,
                plan=DeleteHook(ignored),
            )
        elif not commands(kept_file.text):
            yield self.finding(
                f"the build runs {kept}, which has no commands, and never "
                f"{ignored}; move {ignored} to {kept}",
                ignored,
                plan=MoveHook(ignored, kept),
            )
        else:
            yield self.manual(
                f"the build runs {kept} and never {ignored}, so the commands in "
                f"{ignored} do not run: move them into {kept} and delete {ignored}",
                ignored,
            )

    def _script_problems(self, project: Project, path: str) -> Iterator[Finding[HookRepair]]:
        file = _script(project, path)
        link = project.tree.mode(path) == LINK_MODE
        problems: list[tuple[HookRepair, int | None, str]] = []
        if file.bom:
            bom = (
                f"{path} starts with a byte-order mark, which hides its #! line; save it as "
                "UTF-8 without one"
            )
            problems.append((StripBom(path), None, bom))
        if b"\r\n" in file.raw:
            crlf = (
                f"{path} has Windows (CRLF) line endings; bash reads the \\r as part of "
                "each command and the hook fails"
            )
            problems.append((UnixLineEndings(path), first_crlf_line(file.raw), crlf))
        elif commands(file.text) and not has_shebang(file.text):
            if clearly_shell(file.text) and not file.bom:
                problems.append((AddShebang(path), 1, f"{path} has no #! line; add {SHEBANG}"))
            elif not file.bom:
                yield self.manual(
                    f"{path} has no #! line and paasfix cannot tell which "
                    "language it is written in; make its first line the "
                    "interpreter, e.g. #!/usr/bin/env bash or #!/usr/bin/env python",
                    path,
                    1,
                    severity=WARNING,
                )
        for repair, line, message in problems:
            severity = WARNING if isinstance(repair, AddShebang) else ERROR
            if link or file.encoding != "utf-8":
                why = "it is a symbolic link" if link else f"it is {file.encoding.upper()} text"
                yield self.manual(
                    f"{message} ({why}, so paasfix leaves it to you)", path, line, severity=severity
                )
            else:
                yield self.finding(message, path, line, severity=severity, plan=repair)

    def fix(self, project: Project, finding: Finding[HookRepair]) -> list[Edit]:
        repair = finding.planned
        if isinstance(repair, DeleteHook):
            return [Edit(repair.path, None)]
        if isinstance(repair, MoveHook):
            return [
                Edit(repair.target, project.tree.read(repair.path), EXEC_MODE),
                Edit(repair.path, None),
            ]
        file = _script(project, repair.path)
        if isinstance(repair, StripBom):
            return [Edit(repair.path, file.raw[len(file.bom) :])]
        if isinstance(repair, UnixLineEndings):
            return [Edit(repair.path, file.raw.replace(b"\r\n", b"\n"))]
        return [Edit(repair.path, file.encode(f"{SHEBANG}\n{file.text}"))]

    examples = (
        Example.fixed(
            "CRLF post_compile becomes LF",
            {
                "requirements.txt": "Django==3.2.25\n",
                "bin/post_compile": Executable(
                    "#!/bin/bash\r\nset -e\r\n\r\npython manage.py compilemessages\r\n"
                ),
            },
            {
                "requirements.txt": "Django==3.2.25\n",
                "bin/post_compile": Executable(
                    "#!/bin/bash\nset -e\n\npython manage.py compilemessages\n"
                ),
            },
        ),
        Example.fixed(
            "a shell hook without #! gets one",
            {
                "bin/pre-compile": 'set -e\necho "preparing $BKPAAS_APP_ID"\ncp conf/prod.py conf/local.py\n'
            },
            {
                "bin/pre-compile": '#!/usr/bin/env bash\nset -e\necho "preparing $BKPAAS_APP_ID"\n'
                "cp conf/prod.py conf/local.py\n"
            },
        ),
        Example.fixed(
            "CRLF and no #! line, in the build directory",
            {
                "backend/bin/post_compile": "python manage.py collectstatic --noinput\r\n",
                "backend/requirements.txt": "Django\n",
            },
            {
                "backend/bin/post_compile": "#!/usr/bin/env bash\npython manage.py collectstatic "
                "--noinput\n",
                "backend/requirements.txt": "Django\n",
            },
            build_dir="backend",
        ),
        Example.fixed(
            "a byte-order mark in front of #! is removed",
            {"bin/post_compile": Executable("\ufeff#!/bin/bash\necho done\n")},
            {"bin/post_compile": Executable("#!/bin/bash\necho done\n")},
        ),
        Example.fixed(
            "an ignored copy of the hook is deleted",
            {
                "bin/pre_compile": Executable("#!/bin/bash\npip install -U pip\n"),
                "bin/pre-compile": "#!/bin/bash\r\npip install -U pip\r\n",
            },
            {"bin/pre_compile": Executable("#!/bin/bash\npip install -U pip\n")},
        ),
        Example.fixed(
            "an ignored empty hyphen hook is deleted",
            {
                "bin/post_compile": Executable("#!/bin/bash\npython manage.py migrate\n"),
                "bin/post-compile": "#!/bin/bash\nset -e\n# TODO\n",
            },
            {"bin/post_compile": Executable("#!/bin/bash\npython manage.py migrate\n")},
        ),
        Example.fixed(
            "the commands of an ignored hyphen hook move into the empty underscore one",
            {
                "bin/pre_compile": "#!/bin/bash\n",
                "bin/pre-compile": Executable("#!/bin/bash\nset -e\nnpm ci && npm run build\n"),
            },
            {"bin/pre_compile": Executable("#!/bin/bash\nset -e\nnpm ci && npm run build\n")},
        ),
        Example.manual(
            "two hooks with different commands",
            {
                "bin/post_compile": Executable("#!/bin/bash\npython manage.py migrate\n"),
                "bin/post-compile": Executable("#!/bin/bash\npython manage.py createcachetable\n"),
            },
        ),
        Example.manual(
            "a hook without #! that is valid Python",
            {"bin/pre_compile": "import shutil\nshutil.copy('conf/prod.py', 'conf/local.py')\n"},
        ),
        Example.manual(
            "a UTF-16 hook is left to a person",
            {"bin/post_compile": b"\xff\xfe" + "#!/bin/bash\r\necho hi\r\n".encode("utf-16-le")},
        ),
        Example.clean(
            "well-formed hooks, one not executable (the build makes it so)",
            {
                "bin/pre_compile": Executable("#!/usr/bin/env bash\nset -e\necho pre\n"),
                "bin/post-compile": "#!/bin/bash\necho post\n",
            },
        ),
        Example.clean("an empty hook without #!", {"bin/post_compile": "\n# nothing yet\n"}),
        Example.clean(
            "CRLF hooks outside the build directory",
            {"bin/post_compile": "echo hi\r\n", "app/requirements.txt": "flask\n"},
            build_dir="app",
        ),
        Example.clean(
            "other scripts in bin/ are not hooks",
            {
                "bin/start_web.sh": "gunicorn wsgi\r\n",
                "bin/pre-release": "python manage.py migrate\r\n",
                "bin/pre_compile.sh": "echo hi\r\n",
            },
        ),
    )


@dataclass(frozen=True)
class DeleteHook:
    """Delete the hook the build ignores."""

    path: str


@dataclass(frozen=True)
class MoveHook:
    """Move the ignored hook's script into the (empty) hook the build runs."""

    path: str
    target: str


@dataclass(frozen=True)
class StripBom:
    """Remove the byte-order mark in front of the script."""

    path: str


@dataclass(frozen=True)
class UnixLineEndings:
    """Turn CRLF line endings into LF."""

    path: str


@dataclass(frozen=True)
class AddShebang:
    """Add ``#!/usr/bin/env bash`` to a shell script without a ``#!`` line."""

    path: str


HookRepair = Union[DeleteHook, MoveHook, StripBom, UnixLineEndings, AddShebang]


def _script(project: Project, path: str) -> TextFile:
    file = project.text(path)
    if file is None:
        raise FixerBug(f"the hook {path} is not a file paasfix can read")
    return file
