"""``paasfix mr REPO``: the bot for one repository. Imported only when the command runs, so
``paasfix check`` never loads git or forge clients.

Exit status, as for ``paasfix check``: 0 when the repository is where it should be, 1 when
a person must act (errors or warnings remain after the fixes the bot proposes, or someone
else's commits on the bot's branch stopped it), 2 on an error.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, Callable, Optional, Sequence, TypeVar

import click

from paasfix.bot.remote import check_branch
from paasfix.bot.run import DEFAULT_OPT_OUT_LABEL, BotOptions, Outcome, RepoResult, run_repository
from paasfix.forge import FORGES, connect, forge_kind, split_repository
from paasfix.forge.base import Forge, redact
from paasfix.sinks.commit import DEFAULT_BRANCH

Command = TypeVar("Command", bound=Callable[..., Any])
"""A command's function, as click's decorators take and return it."""


def bot_options(func: Command) -> Command:
    """Options shared by the bot's commands (``mr`` and ``fleet``)."""
    decorators = [
        click.option(
            "--forge",
            "kind",
            type=click.Choice(sorted(FORGES)),
            envvar="PAASFIX_FORGE",
            help="The forge's kind (or PAASFIX_FORGE; default: github or gitea for "
            "a URL on github.com, gitea.com or codeberg.org, else gitlab).",
        ),
        click.option(
            "--url",
            metavar="URL",
            help="The forge's URL (default: its variable, such as PAASFIX_GITLAB_URL "
            "or CI_SERVER_URL, then its public site).",
        ),
        click.option(
            "--branch",
            default=DEFAULT_BRANCH,
            show_default=True,
            help="The bot's branch in each repository.",
        ),
        click.option(
            "--opt-out-label",
            default=DEFAULT_OPT_OUT_LABEL,
            show_default=True,
            help="A project with this label is left alone ('' for none).",
        ),
        click.option(
            "--label",
            "labels",
            multiple=True,
            metavar="NAME",
            help="Put this label on the merge requests the bot opens (repeatable).",
        ),
        click.option("--select", multiple=True, metavar="IDS", help="Only these fixers."),
        click.option("--ignore", multiple=True, metavar="IDS", help="Skip these fixers."),
        click.option(
            "--unsafe-fixes",
            is_flag=True,
            default=None,
            help="Also apply fixes that may change behaviour.",
        ),
        click.option(
            "--propose-recommendations/--no-propose-recommendations",
            default=None,
            help="Also open a merge request when its fixes only apply recommendations "
            "(info findings); default: the repository's propose-recommendations setting, "
            "else no.",
        ),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Push nothing and write nothing to the forge; print the diff.",
        ),
        click.option("-v", "--verbose", is_flag=True, help="Log each step on standard error."),
        click.option("--debug", is_flag=True, help="Show tracebacks."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _ids(values: Sequence[str]) -> Optional[list[str]]:
    found = [item.strip() for value in values for item in value.split(",") if item.strip()]
    return found or None


def make_options(
    branch: str,
    opt_out_label: str,
    labels: Sequence[str],
    select: Sequence[str],
    ignore: Sequence[str],
    unsafe_fixes: Optional[bool],
    propose_recommendations: Optional[bool],
    dry_run: bool,
    debug: bool,
) -> BotOptions:
    check_branch(branch, "the bot's branch")
    return BotOptions(
        branch=branch,
        dry_run=dry_run,
        opt_out_label=opt_out_label or None,
        labels=tuple(labels),
        select=_ids(select),
        ignore=_ids(ignore),
        unsafe_fixes=unsafe_fixes,
        propose_recommendations=propose_recommendations,
        debug=debug,
    )


class _Redacting(logging.Filter):
    def __init__(self, forge: Forge):
        super().__init__()
        self.forge = forge

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.forge.redact(record.getMessage())
        record.args = ()
        return True


def setup_logging(forge: Forge, verbose: bool) -> None:
    """Log the bot's steps on standard error, with the forge's secrets redacted."""
    if not verbose:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Redacting(forge))
    handler.setFormatter(logging.Formatter("paasfix: %(message)s"))
    logger = logging.getLogger("paasfix")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def exit_code(results: list[RepoResult]) -> int:
    """2 if any result is an error, else 1 if any needs a person (blocked, or errors or
    warnings remain), else 0."""
    if any(r.outcome == Outcome.ERROR for r in results):
        return 2
    return 1 if any(r.outcome == Outcome.BLOCKED or r.needs_attention for r in results) else 0


def result_line(result: RepoResult) -> str:
    where = f" {result.merge_request}" if result.merge_request else ""
    return f"{result.repository}: {result.outcome.value}{where} ({result.message})"


def remaining_lines(result: RepoResult) -> list[str]:
    """The findings left, one line each, as ``paasfix check`` prints them (without colour)."""
    lines = []
    for item in result.remaining:
        where = item.get("path") or "(repository)"
        if item.get("path") and item.get("line"):
            where += f":{item['line']}"
        tag = {"unsafe": " [unsafe fix]", "manual": " [manual]"}.get(item.get("safety", ""), "")
        lines.append(
            f"  {where}: {item.get('severity')} {item.get('fixer')}{tag} {item.get('message')}"
        )
    return lines


@click.command(name="mr", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("repository")
@bot_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def mr(
    repository: str,
    kind: Optional[str],
    url: Optional[str],
    branch: str,
    opt_out_label: str,
    labels: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    unsafe_fixes: Optional[bool],
    propose_recommendations: Optional[bool],
    dry_run: bool,
    verbose: bool,
    debug: bool,
    fmt: str,
) -> None:
    """Open, update or close the bot's merge request for one REPOSITORY (a path such as
    group/app, or its URL). The token comes from PAASFIX_GITLAB_TOKEN or GITLAB_TOKEN
    (PAASFIX_GITHUB_TOKEN or GITHUB_TOKEN, PAASFIX_GITEA_TOKEN or GITEA_TOKEN)."""
    url, path = split_repository(repository, url)
    forge = connect(forge_kind(kind, url), url)
    setup_logging(forge, verbose)
    options = make_options(
        branch,
        opt_out_label,
        labels,
        select,
        ignore,
        unsafe_fixes,
        propose_recommendations,
        dry_run,
        debug,
    )
    result = run_repository(forge, path, options)
    if fmt == "json":
        click.echo(
            redact(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), forge.secrets())
        )
    else:
        if result.diff:
            sys.stdout.buffer.write(forge.redact(result.diff).encode("utf-8", "surrogateescape"))
            sys.stdout.flush()
        lines = [result_line(result), *remaining_lines(result)]
        click.echo(forge.redact("\n".join(lines)), err=dry_run)
    sys.exit(exit_code([result]))
