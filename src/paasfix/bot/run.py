"""One repository, start to finish: clone, fix, commit, push, and open, update or close the
bot's merge request, behaving on re-runs as people expect from Renovate.

Everything goes through :class:`paasfix.forge.base.Forge` and :class:`Remote`; the fixes come
from the same runner and commit sink as ``paasfix fix --commit``.
"""

from __future__ import annotations

import enum
import logging
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Any, Optional, Sequence

from paasfix import registry
from paasfix.bot import describe
from paasfix.bot.remote import Remote, check_branch, check_forge_host
from paasfix.core.config import Config, build_config, read_settings
from paasfix.core.errors import PaasfixError
from paasfix.core.tree import Tree
from paasfix.fixer import Finding
from paasfix.forge.base import Forge, MergeRequest, Repository, State
from paasfix.runner import Result, Runner
from paasfix.sinks.commit import DEFAULT_BRANCH, commit_changes, is_ours
from paasfix.sinks.diff import unified_diff
from paasfix.sinks.report import commit_message, finding_dict

log = logging.getLogger("paasfix.bot")

DEFAULT_OPT_OUT_LABEL = "paasfix-ignore"

CLOSING_COMMENT = (
    "The default branch no longer needs these fixes, so paasfix closes this merge request."
)


class Outcome(str, enum.Enum):
    CREATED = "created"
    """A new merge request was opened."""
    UPDATED = "updated"
    """The open merge request got a new commit or a new description."""
    UNCHANGED = "unchanged"
    """The open merge request was already up to date."""
    CLEAN = "clean"
    """Nothing to fix, nothing that fails the deploy left, and no merge request of the bot was
    open."""
    NEEDS_ATTENTION = "needs-attention"
    """Nothing the bot may fix, but errors or warnings remain for a person to deal with, and no
    merge request of the bot was open."""
    CLOSED = "closed"
    """Nothing to fix any more: the bot closed its own merge request."""
    SKIPPED_CLOSED = "skipped-closed"
    """The owner closed a merge request with these same fixes; not proposed again."""
    OPTED_OUT = "opted-out"
    BLOCKED = "blocked-by-human-commits"
    """Someone else pushed to the bot's branch; the bot left it alone."""
    ERROR = "error"


@dataclass
class BotOptions:
    branch: str = DEFAULT_BRANCH
    dry_run: bool = False
    opt_out_label: Optional[str] = DEFAULT_OPT_OUT_LABEL
    labels: Sequence[str] = ()
    """Labels put on the merge requests the bot opens."""
    select: Optional[list[str]] = None
    ignore: Optional[list[str]] = None
    unsafe_fixes: Optional[bool] = None
    propose_recommendations: Optional[bool] = None
    """Propose fixes that only apply recommendations (None: as the repository's settings say)."""
    debug: bool = False


@dataclass
class RepoResult:
    """What happened to one repository; :meth:`to_dict` is the fleet's JSON line."""

    repository: str
    outcome: Outcome = Outcome.ERROR
    message: str = ""
    merge_request: Optional[str] = None
    """The URL of the merge request concerned."""
    needs_attention: bool = False
    """Errors or warnings remain after the fixes the bot proposes: a person must act."""
    branch: Optional[str] = None
    commit: Optional[str] = None
    fingerprint: Optional[str] = None
    fixes: list[dict[str, Any]] = field(default_factory=list)
    remaining: list[dict[str, Any]] = field(default_factory=list)
    """The findings left once the proposed fixes are applied (on the default branch as it is,
    when nothing is proposed), errors and warnings first."""
    error: Optional[str] = None
    dry_run: bool = False
    diff: Optional[str] = None
    """The real diff, kept only on a dry run."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RepoResult":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{**known, "outcome": Outcome(data["outcome"])})


def run_repository(forge: Forge, path: str, options: Optional[BotOptions] = None) -> RepoResult:
    """Bring one repository's bot merge request in line with its default branch. Never raises
    for a problem with the repository or the forge: that is an ``error`` result."""
    options = options or BotOptions()
    result = RepoResult(repository=path, branch=options.branch, dry_run=options.dry_run)
    try:
        _Job(forge, options, result).run(path)
    except PaasfixError as exc:
        _fail(forge, result, "; ".join(str(exc).splitlines()))
    except Exception as exc:
        if options.debug:
            raise
        _fail(forge, result, f"internal error: {type(exc).__name__}: {exc}")
    return result


def _fail(forge: Forge, result: RepoResult, error: str) -> None:
    result.outcome = Outcome.ERROR
    result.error = forge.redact(error)
    result.message = result.error
    log.warning("%s: %s", result.repository, result.error)


class _Job:
    def __init__(self, forge: Forge, options: BotOptions, result: RepoResult):
        self.forge = forge
        self.options = options
        self.result = result

    def _done(
        self,
        outcome: Outcome,
        message: str,
        mr: Optional[MergeRequest] = None,
        would: Optional[str] = None,
    ) -> None:
        """Record the outcome; ``would`` is the message of a dry run that skipped a write."""
        self.result.outcome = outcome
        self.result.message = f"{would}; dry run" if would and self.options.dry_run else message
        if self.result.needs_attention:
            self.result.message += f"; needs attention: {describe.left(self.result.remaining)}"
        if mr is not None:
            self.result.merge_request = mr.web_url
        log.info("%s: %s", self.result.repository, self.result.message)

    def run(self, path: str) -> None:
        repo = self.forge.repository(path)
        self.result.repository = repo.path
        branch = self.options.branch
        if repo.archived:
            raise PaasfixError(f"{repo.path} is archived; nothing can be pushed to it")
        if repo.default_branch is None:
            return self._done(Outcome.CLEAN, "the repository is empty")
        check_branch(repo.default_branch, "the forge's default branch")
        if branch == repo.default_branch:
            raise PaasfixError(f"the bot's branch cannot be the default branch '{branch}'")
        label = self.options.opt_out_label
        if label and self.forge.has_label(repo, label):
            return self._done(Outcome.OPTED_OUT, f"the project has the label '{label}'")
        remote = Remote(repo.clone_url, self.forge.git_http_header(), self.forge.secrets())
        check_forge_host(remote.url, self.forge.url)
        heads = remote.heads([repo.default_branch, branch])
        if repo.default_branch not in heads:
            return self._done(Outcome.CLEAN, "the default branch has no commits")
        with tempfile.TemporaryDirectory(prefix="paasfix-bot-") as workdir:
            git_dir = f"{workdir}/repo.git"
            log.info("%s: fetching %s", repo.path, ", ".join(sorted(heads)))
            remote.fetch(git_dir, sorted(heads))
            self._on_clone(repo, remote, git_dir, heads)

    def _runner(self, tree: Tree) -> tuple[Runner, Config]:
        settings, source = read_settings(tree, None)
        overrides = {
            "select": self.options.select,
            "ignore": self.options.ignore,
            "unsafe_fixes": self.options.unsafe_fixes,
            "propose_recommendations": self.options.propose_recommendations,
        }
        config = build_config(settings, source, registry.option_checks(), overrides)
        fixers = registry.selected(config.select, config.ignore)
        return Runner(fixers, config, self.options.debug), config

    def _remaining(self, findings: list[Finding[Any]]) -> None:
        ordered = sorted(findings, key=lambda f: not f.counts)
        self.result.remaining = [finding_dict(f) for f in ordered]
        self.result.needs_attention = any(f.counts for f in findings)

    def _on_clone(
        self, repo: Repository, remote: Remote, git_dir: str, heads: dict[str, str]
    ) -> None:
        import git

        from paasfix.core.tree import GitTree

        branch = self.options.branch
        default_branch = repo.default_branch
        assert default_branch is not None, "a repository without one is not fetched"
        local = git.Repo(git_dir)
        local.git.symbolic_ref("HEAD", f"refs/heads/{default_branch}")
        tree = GitTree(local, f"refs/heads/{default_branch}")
        if tree.is_file(describe.IGNORE_FILE):
            return self._done(
                Outcome.OPTED_OUT, f"the repository has a {describe.IGNORE_FILE} file"
            )
        runner, config = self._runner(tree)
        fixed = runner.fix(tree, unsafe=config.unsafe_fixes)
        _no_errors(fixed)
        proposed = bool(fixed.changes) and (
            config.propose_recommendations or any(a.finding.counts for a in fixed.applied)
        )
        if proposed or not fixed.changes:
            self._remaining(fixed.findings)
        else:
            # The recommendations are not proposed: what remains is what the default branch has.
            self._remaining(_no_errors(runner.check(tree)).findings)
        mine = [
            mr
            for mr in self.forge.merge_requests(repo, branch)
            if describe.read_marker(mr.description) is not None
        ]
        open_mr = next((mr for mr in mine if mr.state == State.OPEN), None)
        tip = heads.get(branch)
        foreign_tip = tip is not None and not is_ours(local.commit(tip))
        if not proposed:
            return self._nothing_to_fix(repo, open_mr, foreign_tip, len(fixed.applied))
        self.result.fixes = [finding_dict(a.finding) for a in fixed.applied]
        print_ = describe.fingerprint([a.finding for a in fixed.applied])
        self.result.fingerprint = print_
        if self.options.dry_run:
            self.result.diff = unified_diff(fixed.changes)
        if open_mr is None:
            refused = next(
                (
                    mr
                    for mr in mine
                    if mr.state == State.CLOSED and describe.read_marker(mr.description) == print_
                ),
                None,
            )
            if refused is not None:
                return self._done(
                    Outcome.SKIPPED_CLOSED,
                    "the owner closed a merge request with these same fixes",
                    refused,
                )
        if foreign_tip:
            return self._done(
                Outcome.BLOCKED,
                f"branch '{branch}' has commits paasfix did not make; it is left alone",
                open_mr,
            )
        commit = commit_changes(
            local, heads[default_branch], fixed.changes, commit_message(fixed), branch
        ).commit
        self.result.commit = commit
        pushed = commit != tip
        if pushed and not self.options.dry_run:
            log.info("%s: pushing %s to %s", repo.path, commit[:12], branch)
            remote.push(git_dir, commit, branch, tip)
        text = describe.description(fixed, print_, self.options.opt_out_label)
        self._propose(repo, open_mr, text, pushed)

    def _propose(
        self, repo: Repository, open_mr: Optional[MergeRequest], text: str, pushed: bool
    ) -> None:
        title = describe.TITLE
        if open_mr is None:
            mr = None
            if not self.options.dry_run:
                assert repo.default_branch is not None, "a repository without one is not fixed"
                mr = self.forge.create_merge_request(
                    repo, self.options.branch, repo.default_branch, title, text, self.options.labels
                )
            return self._done(
                Outcome.CREATED, "opened a merge request", mr, would="would open a merge request"
            )
        same_text = _same(open_mr.description, text) and open_mr.title == title
        if same_text and not pushed:
            return self._done(Outcome.UNCHANGED, "the merge request is up to date", open_mr)
        if not same_text and not self.options.dry_run:
            open_mr = self.forge.update_merge_request(repo, open_mr, title, text)
        what = "a new commit" if pushed else "a new description"
        return self._done(
            Outcome.UPDATED,
            f"updated the merge request with {what}",
            open_mr,
            would=f"would update the merge request with {what}",
        )

    def _nothing_to_fix(
        self,
        repo: Repository,
        open_mr: Optional[MergeRequest],
        foreign_tip: bool,
        recommendations: int,
    ) -> None:
        """Nothing is proposed: nothing to fix, or only ``recommendations`` (a count of fixes
        of info findings), which are not proposed unless the settings ask for them."""
        if open_mr is None:
            if self.result.needs_attention:
                return self._done(Outcome.NEEDS_ATTENTION, "nothing paasfix can fix on its own")
            if recommendations:
                return self._done(
                    Outcome.CLEAN,
                    f"nothing to fix; {describe.count(recommendations, 'recommendation')} not "
                    "proposed (the setting propose-recommendations proposes them)",
                )
            return self._done(Outcome.CLEAN, "nothing to fix")
        if foreign_tip:
            return self._done(
                Outcome.BLOCKED,
                "nothing to fix any more, but the branch has "
                "commits paasfix did not make; the merge request stays open",
                open_mr,
            )
        if not self.options.dry_run:
            self.forge.comment(repo, open_mr, CLOSING_COMMENT)
            open_mr = self.forge.close_merge_request(repo, open_mr)
        return self._done(
            Outcome.CLOSED,
            "nothing to fix any more: closed the merge request",
            open_mr,
            would="nothing to fix any more: would close the merge request",
        )


def _no_errors(result: Result) -> Result:
    if result.errors:
        raise PaasfixError(
            "the fixers reported errors, so nothing is proposed: " + "; ".join(result.errors)
        )
    return result


def _same(a: str, b: str) -> bool:
    """Equal up to line endings and trailing blanks, which forges normalise."""

    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()

    return norm(a) == norm(b)
