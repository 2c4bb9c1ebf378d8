"""The command line: ``check``, ``fix`` (``--diff``, ``--commit``, ``--interactive``),
``diagnose``, ``explain`` and ``fixers``.

Exit status: 0 nothing found (or nothing left), 1 findings remain (or ``--diff`` has a diff),
2 an error; ``diagnose`` exits 0 when the log points to a fixer and 1 when it points to none.
Errors are one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Optional, Sequence, TypeVar

import click

from paasfix import __version__, registry
from paasfix.core.config import Config, build_config, command_line_directory, read_settings
from paasfix.core.errors import PaasfixError
from paasfix.core.tree import DirTree, Tree
from paasfix.fixer import MANUAL, Fixer
from paasfix.runner import Change, Result, Runner

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

Command = TypeVar("Command", bound=Callable[..., Any])
"""A command's function, as click's decorators take and return it."""


class Context:
    """What every command needs: the colour decision and the debug flag."""

    def __init__(self, color: Optional[bool], debug: bool):
        if color is None:
            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        self.color = color
        self.debug = debug

    def style(self, text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if self.color else text


def _split(values: Sequence[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


FORMATS = ["text", "json", "gitlab", "sarif"]


def _options(*decorators: Callable[[Command], Command]) -> Callable[[Command], Command]:
    """One decorator that applies ``decorators`` (in reading order)."""

    def apply(func: Command) -> Command:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


_SETTINGS = (
    click.option(
        "--unsafe-fixes",
        is_flag=True,
        default=None,
        help="Also apply fixes that may change behaviour.",
    ),
    click.option(
        "--build-dir",
        metavar="DIR",
        help="The module's build directory (构建目录), relative to PATH.",
    ),
    click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        help="Read settings from this file instead of the repository's.",
    ),
)


def _output(formats: list[str]) -> tuple[Callable[[Command], Command], ...]:
    return (
        click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="text",
            show_default=True,
            help="Output format.",
        ),
        click.option("--color/--no-color", default=None, help="Colour (default: on a terminal)."),
        click.option("--debug", is_flag=True, help="Show tracebacks."),
    )


def repo_options(func: Command) -> Command:
    """The options shared by the commands that read a repository."""
    return _options(
        click.argument("path", default=".", type=click.Path(file_okay=False, path_type=str)),
        click.option(
            "--select",
            multiple=True,
            metavar="IDS",
            help="Only these fixers (comma-separated ids, 'prefix*' or ALL).",
        ),
        click.option("--ignore", multiple=True, metavar="IDS", help="Skip these fixers."),
        *_SETTINGS,
        *_output(FORMATS),
    )(func)


def fix_options(func: Command) -> Command:
    """How ``fix`` (and ``diagnose --fix``) applies its fixes."""
    return _options(
        click.option(
            "--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff."
        ),
        click.option(
            "--commit",
            "commit",
            is_flag=True,
            help="Commit the fixes on a branch; the work tree and index are not touched.",
        ),
        click.option(
            "--branch",
            default=None,
            metavar="NAME",
            help="The branch for --commit (default: paasfix/autofix).",
        ),
        click.option(
            "--allow-dirty", is_flag=True, help="Overwrite files that have uncommitted changes."
        ),
        click.option(
            "-i",
            "--interactive",
            is_flag=True,
            help="Show each fix's diff and ask whether to apply it.",
        ),
    )(func)


def _prepare(
    path: str,
    select: Sequence[str],
    ignore: Sequence[str],
    unsafe_fixes: Optional[bool],
    build_dir: Optional[str],
    config_path: Optional[str],
    tree: Optional[Tree] = None,
) -> tuple[Tree, Config, list[type[Fixer[Any]]]]:
    if not os.path.isdir(path):
        raise PaasfixError(f"{path}: no such directory")
    tree = tree or DirTree(path)
    settings, source = read_settings(tree, config_path)
    overrides = {
        "select": _split(select) or None,
        "ignore": _split(ignore) or None,
        "unsafe_fixes": unsafe_fixes,
        "build_dir": command_line_directory(build_dir, path),
    }
    config = build_config(settings, source, registry.option_checks(), overrides)
    fixers = registry.selected(config.select, config.ignore)
    return tree, config, fixers


def _report(
    ctx: Context,
    result: Result,
    root: str,
    fmt: str,
    fixers: Sequence[type[Fixer[Any]]] = (),
    fixed: Optional[int] = None,
    stream_err: bool = False,
    proposals: Optional[Callable[[], dict[int, list[Change]]]] = None,
    preview: bool = False,
) -> None:
    """Print ``result`` in ``fmt``; ``proposals`` gives each finding's own fix (sarif)."""
    if fmt == "gitlab":
        from paasfix.sinks import gitlab

        click.echo(gitlab.to_gitlab(result, root), nl=False, err=stream_err)
    elif fmt == "sarif":
        from paasfix.sinks import sarif

        click.echo(
            sarif.to_sarif(result, root, fixers, proposals() if proposals else {}),
            nl=False,
            err=stream_err,
        )
    else:
        from paasfix.sinks import report

        if fmt == "json":
            click.echo(report.to_json(result, root, fixed is not None), nl=False, err=stream_err)
        else:
            click.echo(
                report.to_text(result, ctx.style, fixed, preview),
                nl=False,
                err=stream_err,
                color=ctx.color,
            )
    for error in result.errors:
        click.echo(f"paasfix: error: {error}", err=True)


def _exit_code(result: Result) -> int:
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.failing else EXIT_CLEAN


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="paasfix")
def cli() -> None:
    """Find and fix why an application fails to build or deploy on BlueKing PaaS."""


@cli.command()
@repo_options
def check(
    path: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    unsafe_fixes: Optional[bool],
    build_dir: Optional[str],
    config_path: Optional[str],
    fmt: str,
    color: Optional[bool],
    debug: bool,
) -> None:
    """Report problems. Exit 0 if none, 1 if some, 2 on error.

    --format gitlab writes a GitLab Code Quality report (paths relative to $CI_PROJECT_DIR
    when it is set); --format sarif writes SARIF 2.1.0, each fixable finding with its fix.
    """
    ctx = Context(color, debug)
    tree, config, fixers = _prepare(path, select, ignore, unsafe_fixes, build_dir, config_path)
    runner = Runner(fixers, config, debug)
    result = runner.check(tree)
    _report(
        ctx,
        result,
        path,
        fmt,
        fixers,
        proposals=lambda: runner.preview(tree, result.findings, config.unsafe_fixes),
    )
    sys.exit(_exit_code(result))


@cli.command()
@repo_options
@fix_options
def fix(
    path: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    unsafe_fixes: Optional[bool],
    build_dir: Optional[str],
    config_path: Optional[str],
    fmt: str,
    color: Optional[bool],
    debug: bool,
    show_diff: bool,
    commit: bool,
    branch: Optional[str],
    allow_dirty: bool,
    interactive: bool,
) -> None:
    """Apply the safe fixes (and the unsafe ones with --unsafe-fixes).

    Exit 0 if nothing is left to fix, 1 if findings remain (with --diff: if there is a diff),
    2 on error. --interactive shows each fix and asks: y apply it, n skip it, a apply the rest
    of this fixer's, d skip the rest of this fixer's, q apply no more.
    """
    ctx = Context(color, debug)
    result, fixers = _run_fix(
        ctx,
        path,
        select,
        ignore,
        unsafe_fixes,
        build_dir,
        config_path,
        show_diff,
        commit,
        branch,
        allow_dirty,
        interactive,
    )
    _report(
        ctx, result, path, fmt, fixers, len(result.applied), stream_err=show_diff, preview=show_diff
    )
    sys.exit(_fix_exit_code(result, show_diff))


def _run_fix(
    ctx: Context,
    path: str,
    select: Sequence[str],
    ignore: Sequence[str],
    unsafe_fixes: Optional[bool],
    build_dir: Optional[str],
    config_path: Optional[str],
    show_diff: bool,
    commit: bool,
    branch: Optional[str],
    allow_dirty: bool,
    interactive: bool,
) -> tuple[Result, list[type[Fixer[Any]]]]:
    """``fix`` up to its report: the fixes, then the diff printed, the commit or the writes."""
    if show_diff and commit:
        raise click.UsageError("--diff and --commit cannot be used together")
    if branch and not commit:
        raise click.UsageError("--branch goes with --commit")
    repo = None
    tree = None
    if commit:
        from paasfix.core.gitrepo import head_tree, open_repository

        repo = open_repository(path)
        tree = head_tree(repo)
    tree, config, fixers = _prepare(
        path, select, ignore, unsafe_fixes, build_dir, config_path, tree
    )
    decide = None
    if interactive:
        from paasfix.interactive import Prompter

        decide = Prompter(lambda diff: _colour_diff(ctx, diff))
    result = Runner(fixers, config, ctx.debug).fix(tree, unsafe=config.unsafe_fixes, decide=decide)
    if result.errors:
        # A run with errors is incomplete: write, commit and print nothing of its fixes.
        result.applied.clear()
        result.changes.clear()
    if show_diff:
        from paasfix.sinks.diff import unified_diff

        sys.stdout.buffer.write(_colour_diff(ctx, unified_diff(result.changes)))
        sys.stdout.flush()
    elif result.changes and repo is not None:  # --commit
        from paasfix.sinks.commit import DEFAULT_BRANCH, commit_changes
        from paasfix.sinks.report import commit_message

        outcome = commit_changes(
            repo, "HEAD", result.changes, commit_message(result), branch or DEFAULT_BRANCH
        )
        verb = "committed" if outcome.created else "already up to date:"
        click.echo(f"{verb} {outcome.commit[:12]} on branch {outcome.branch}", err=True)
    elif result.changes:
        from paasfix.sinks.write import Interrupted, write_changes

        try:
            write_changes(path, result.changes, allow_dirty)
        except Interrupted as exc:
            click.echo(f"paasfix: {exc}", err=True)
            sys.exit(128 + exc.signum)
    return result, fixers


def _fix_exit_code(result: Result, show_diff: bool) -> int:
    if show_diff and not result.errors:
        return EXIT_FINDINGS if result.changes else EXIT_CLEAN
    return _exit_code(result)


def _colour_diff(ctx: Context, diff: str) -> bytes:
    if not ctx.color:
        return diff.encode("utf-8", "surrogateescape")
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---", "diff --git")):
            line = click.style(line, bold=True)
        elif line.startswith("+"):
            line = click.style(line, fg="green")
        elif line.startswith("-"):
            line = click.style(line, fg="red")
        elif line.startswith("@@"):
            line = click.style(line, fg="cyan")
        out.append(line)
    return "".join(out).encode("utf-8", "surrogateescape")


@cli.command(short_help="Say which fixers a build or deploy log points to.")
@click.argument("log", default="-", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--fix",
    "repo",
    metavar="PATH",
    type=click.Path(file_okay=False),
    help="Then run exactly the fixers that match on the repository at PATH.",
)
@fix_options
@_options(*_SETTINGS)
@click.option(
    "--lines",
    "limit",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Matching log lines shown per fixer.",
)
@_options(*_output(["text", "json"]))
def diagnose(
    log: str,
    repo: Optional[str],
    show_diff: bool,
    commit: bool,
    branch: Optional[str],
    allow_dirty: bool,
    interactive: bool,
    unsafe_fixes: Optional[bool],
    build_dir: Optional[str],
    config_path: Optional[str],
    limit: int,
    fmt: str,
    color: Optional[bool],
    debug: bool,
) -> None:
    """Say which fixers a build or deploy log points to (LOG, or - for standard input).

    Prints each fixer whose log patterns match, the lines they match and what goes wrong.
    The log may be coloured, CRLF, UTF-16 or gzip-compressed, and of any size.

    Exit 0 if some fixer recognises the log, 1 if none does, 2 on error. With --fix PATH the
    fixers that match run on the repository at PATH exactly as `fix --select` would run them
    (--diff, --commit, --interactive as for `fix`), and the exit status is fix's; a log that no
    fixer recognises runs nothing and exits 1.
    """
    from paasfix.diagnosis import diagnose as diagnosis_module

    ctx = Context(color, debug)
    if repo is None:
        given = [
            name
            for name, value in (
                ("--diff", show_diff),
                ("--commit", commit),
                ("--branch", branch),
                ("--allow-dirty", allow_dirty),
                ("--interactive", interactive),
                ("--unsafe-fixes", unsafe_fixes),
                ("--build-dir", build_dir),
                ("--config", config_path),
            )
            if value
        ]
        if given:
            raise click.UsageError(f"{given[0]} goes with --fix PATH")
    if log == "-" and sys.stdin.isatty():
        raise click.UsageError("give a log file, or pipe the log into `paasfix diagnose -`")
    if log == "-" and interactive:
        raise click.UsageError(
            "--interactive reads its answers from standard input; give the log as a file"
        )
    found = diagnosis_module.diagnose(log, registry.log_readers(), limit)
    if fmt == "text":
        click.echo(
            diagnosis_module.to_text(found, ctx.style, fixing=repo is not None),
            nl=False,
            err=show_diff,
            color=ctx.color,
        )
    result: Optional[Result] = None
    fixers: list[type[Fixer[Any]]] = []
    if repo is not None and found.matches:
        result, fixers = _run_fix(
            ctx,
            repo,
            found.fixer_ids,
            (),
            unsafe_fixes,
            build_dir,
            config_path,
            show_diff,
            commit,
            branch,
            allow_dirty,
            interactive,
        )
    if fmt == "json":
        from paasfix.sinks import report

        data = diagnosis_module.to_dict(found)
        if repo is not None:
            data["fix"] = report.result_dict(result, repo, fixed=True) if result else None
        _echo_json(data, show_diff)
        for error in result.errors if result else ():
            click.echo(f"paasfix: error: {error}", err=True)
    elif result is not None and repo is not None:
        _report(
            ctx,
            result,
            repo,
            "text",
            fixers,
            len(result.applied),
            stream_err=show_diff,
            preview=show_diff,
        )
    if result is None:
        sys.exit(EXIT_CLEAN if found.matches else EXIT_FINDINGS)
    sys.exit(_fix_exit_code(result, show_diff))


def _echo_json(data: dict[str, Any], err: bool) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False), err=err)


@cli.command()
@click.argument("fixer_id")
def explain(fixer_id: str) -> None:
    """Explain one fixer: what goes wrong, the fix, and its safety."""
    cls = registry.get(fixer_id)
    click.echo(f"# {cls.id}: {cls.title}\n")
    click.echo(f"Safety: {cls.safety}. Severity: {cls.severity}.\n")
    click.echo(cls.explanation())
    if cls.log_patterns:
        click.echo("\n## Log lines it recognises\n")
        for pattern in cls.log_patterns:
            click.echo(f"- `{pattern}`")
    if cls.options:
        click.echo("\n## Settings\n")
        for name, default in cls.options.items():
            click.echo(f"- `{name.replace('_', '-')}` (default: {default!r})")


@cli.command(name="fixers")
def list_fixers() -> None:
    """List every fixer with its safety and title."""
    fixers = registry.all_fixers()
    width = max((len(cls.id) for cls in fixers), default=0)
    for cls in fixers:
        safety = "manual" if cls.safety == MANUAL else cls.safety
        click.echo(f"{cls.id:<{width}}  {safety:<6}  {cls.title}")


def lazy_command(name: str, target: str, short_help: str) -> None:
    """Add a command whose module (``target`` is ``"module:command"``) is imported only when
    it runs, so that its dependencies (git, forge clients) never slow down the others."""

    @cli.command(
        name=name,
        short_help=short_help,
        add_help_option=False,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    @click.pass_context
    def command(ctx: click.Context) -> None:
        import importlib

        module, _, attr = target.partition(":")
        real = getattr(importlib.import_module(module), attr)
        real.main(ctx.args, prog_name=ctx.command_path, standalone_mode=False)


lazy_command(
    "mr", "paasfix.bot.cli:mr", "Open, update or close the bot's merge request for one repository."
)
lazy_command(
    "fleet",
    "paasfix.bot.fleet:fleet",
    "Run the merge-request bot over many repositories, with a JSON result each.",
)


def main(argv: Optional[list[str]] = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        cli.main(args=argv, prog_name="paasfix", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "paasfix"
        click.echo(f"paasfix: error: {exc.format_message()} (see '{command} --help')", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        click.echo(f"paasfix: error: {exc.format_message()}", err=True)
        sys.exit(EXIT_ERROR)
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            sys.exit(130)
        click.echo("paasfix: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except PaasfixError as exc:
        if debug:
            raise
        for line in str(exc).splitlines() or [""]:
            click.echo(f"paasfix: error: {line}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"paasfix: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for the traceback)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
