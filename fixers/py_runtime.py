"""runtime.txt / .python-version that the configured stack cannot serve."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar, NamedTuple

from paasfix.buildpack import runtimes
from paasfix.buildpack.runtimes import PythonVersion, RuntimeFile, Site
from paasfix.fixer import (
    ERROR,
    INFO,
    SAFE,
    UNSAFE,
    WARNING,
    Edit,
    Example,
    Finding,
    Fixer,
)
from paasfix.project import Project


class FixPyRuntimeError(Fixer["RuntimeRewrite"]):
    """
    ## What goes wrong

    The Python buildpack reads `runtime.txt` in the build directory and downloads exactly the
    runtime it names from the site's artifact repository. On the default `heroku-18` stack
    (buildpack v213) the file has to hold one line, `python-X.Y.Z`, in lower case, with the
    full release. A missing `python-` prefix, `Python-`, `python-3.6`, a comment or a second
    line all become part of the name it downloads, and a release the site never uploaded does
    not exist: the build stops with `Requested runtime (...) is not available for this stack`.
    Which releases exist depends on the site: the community upload set is 2.7.18, 3.6.8,
    3.6.12 and 3.10.5.

    On `heroku-24` (buildpack v285) `runtime.txt` may also name a minor version
    (`python-3.12`); without `runtime.txt` the buildpack reads `.python-version`, which holds
    the bare version (`3.12`) and may have comment lines. Only Python 3.9 to 3.13 are known
    there, older ones are refused as end-of-life, and the site hosts 3.11, 3.12 and 3.13.

    Empty lines and a missing final newline are harmless. On `heroku-18`, spaces around the
    version, lines of spaces and Windows line endings are reported as warnings: the upstream
    buildpack strips them, but the BlueKing build step that replaces that only deletes empty
    lines.

    ## The fix

    The file is rewritten to the form the stack reads, keeping the version it names (comment
    lines are dropped from `runtime.txt`, which has none; in `.python-version` they stay).
    When the site does not host that release, the version moves to the nearest release of the
    same minor version (the next newer patch, else the newest older one); `python-3.6` on
    `heroku-18` becomes the newest hosted 3.6 release. When the site hosts no release of that
    minor, the nearest other minor of the same major version is proposed, newer first. When
    there is none (Python 2 on `heroku-24`), or the file does not clearly name one version,
    the finding says what to write.

    Set `stack` to the stack the module uses (`heroku-18`, `blueking-18`, `heroku-24`,
    `noble`, ...) and `runtimes` to the list of releases your site uploaded when it differs
    from the default list. When the version is one the stack can run but it is not in that
    list, a note reminds you that on BlueKing V7 runtimes exist only once they are uploaded to
    the artifact repository.

    ## Safety

    Normalising the format and moving to another patch release of the same minor version are
    safe: patch releases only fix bugs. Moving to another minor version is unsafe: the code
    and its pinned dependencies must support it, so it is applied only with
    `--unsafe-fixes`. Changing the major version is never done.
    """

    id = "fix-py-runtime-error"
    title = "runtime.txt names a Python runtime the stack cannot serve"
    safety = SAFE
    severity = ERROR
    options: ClassVar[Mapping[str, object]] = dict(runtimes.OPTIONS)
    option_checks = runtimes.OPTION_CHECKS
    log_patterns = (
        r"Requested runtime .*? is not available for this stack",
        r"The requested Python version has reached end-of-life",
        r"The requested Python version isn't (available|recognised)",
        r"Invalid Python version in (runtime\.txt|\.python-version)",
    )

    def detect(self, project: Project) -> Iterator[Finding[RuntimeRewrite]]:
        site = runtimes.site_of(self.settings)
        runtime = project.runtime(site.stack)
        if runtime is None:
            return
        if runtime.problems:
            yield self._format_finding(runtime, site)
        if runtime.version is not None and not site.provides(runtime.version):
            yield from self._version_findings(runtime, runtime.version, site)

    def _format_finding(self, runtime: RuntimeFile, site: Site) -> Finding[RuntimeRewrite]:
        problems = "; ".join(p.message for p in runtime.problems)
        first = runtime.problems[0].line
        if runtime.version is None or not runtime.recoverable:
            example = runtime.version or site.default
            return self.manual(
                f"{site.stack.name} cannot read a Python version from {runtime.kind}: {problems}. "
                f"Leave only the version you want, written like '{runtime.written(example)}'",
                runtime.path,
                first,
            )
        certain = any(p.certain for p in runtime.problems)
        return self.finding(
            f"{runtime.kind}: {problems}; write it as '{runtime.written(runtime.version)}'",
            runtime.path,
            first,
            severity=ERROR if certain else WARNING,
            plan=RuntimeRewrite(runtime, runtime.version),
        )

    def _version_findings(
        self, runtime: RuntimeFile, version: PythonVersion, site: Site
    ) -> Iterator[Finding[RuntimeRewrite]]:
        written = runtime.written(version)
        why = runtimes.why_not_served(version, site)
        target = runtimes.replacement(version, site)
        if target is None:
            yield self.manual(
                f"{written} cannot run: {why}. {runtimes.no_candidate_advice(version, site)}",
                runtime.path,
                runtime.line,
            )
        elif not runtime.recoverable:
            yield self.manual(
                f"{written} cannot run: {why}. Write only "
                f"'{runtime.written(target)}' in {runtime.kind}",
                runtime.path,
                runtime.line,
            )
        elif target.series == version.series:
            which = "newest hosted" if version.patch is None else "nearest hosted"
            yield self.finding(
                f"{written} cannot run: {why}. Use {runtime.written(target)}, the "
                f"{which} {version.major}.{version.minor} release",
                runtime.path,
                runtime.line,
                plan=RuntimeRewrite(runtime, target),
            )
        else:
            yield self.finding(
                f"{written} cannot run: {why}. The nearest hosted version is "
                f"{runtime.written(target)}, a different minor version: check that the app and "
                f"its pinned dependencies support it",
                runtime.path,
                runtime.line,
                safety=UNSAFE,
                plan=RuntimeRewrite(runtime, target),
            )
        if (
            target is not None
            and site.stack.plausible(version)
            and not (version.patch is None and not site.stack.short_versions)
        ):
            yield self.manual(
                runtimes.upload_note(version, site), runtime.path, runtime.line, severity=INFO
            )

    def fix(self, project: Project, finding: Finding[RuntimeRewrite]) -> list[Edit]:
        runtime, version = finding.planned
        stack = runtimes.site_of(self.settings).stack
        text = runtime.text_for(version)
        return [Edit(runtime.path, runtimes.encode_runtime_file(runtime, text, stack))]


class RuntimeRewrite(NamedTuple):
    """The runtime file, and the version it is rewritten to name."""

    runtime: RuntimeFile
    version: PythonVersion


HEROKU_24 = {"stack": "heroku-24"}

FixPyRuntimeError.examples = (
    Example.fixed(
        "wrong case and a comment line",
        {"runtime.txt": "Python-3.6.12\n# production\n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "no python- prefix", {"runtime.txt": "3.6.12\n"}, {"runtime.txt": "python-3.6.12\n"}
    ),
    Example.fixed(
        "a missing final newline stays missing",
        {"runtime.txt": "3.10.5"},
        {"runtime.txt": "python-3.10.5"},
    ),
    Example.fixed(
        "a comment after the version",
        {"runtime.txt": "python-3.6.12  # LTS\n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "a quoted version", {"runtime.txt": '"python-3.6.12"\n'}, {"runtime.txt": "python-3.6.12\n"}
    ),
    Example.fixed(
        "a space instead of the hyphen",
        {"runtime.txt": "python 3.6.8\n"},
        {"runtime.txt": "python-3.6.8\n"},
    ),
    Example.fixed(
        "CRLF line endings on heroku-18",
        {"runtime.txt": "python-3.6.12\r\n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "spaces around the version on heroku-18",
        {"runtime.txt": "  python-3.6.12 \n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "a byte-order mark",
        {"runtime.txt": b"\xef\xbb\xbfpython-3.6.12\n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "the same version twice",
        {"runtime.txt": "python-3.6.12\npython-3.6.12\n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "a patch release the site lacks moves to the next hosted one",
        {"runtime.txt": "python-3.6.7\n"},
        {"runtime.txt": "python-3.6.8\n"},
    ),
    Example.fixed(
        "a patch newer than any hosted moves to the newest of its minor",
        {"runtime.txt": "python-3.6.15\n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "no patch on heroku-18 gets the newest hosted release of the minor",
        {"runtime.txt": "python-3.6\n"},
        {"runtime.txt": "python-3.6.12\n"},
    ),
    Example.fixed(
        "Python 2.7 moves to 2.7.18",
        {"runtime.txt": "python-2.7.15\n"},
        {"runtime.txt": "python-2.7.18\n"},
    ),
    Example.fixed(
        "format and version together",
        {"runtime.txt": "Python-3.6.7\n# prod\n"},
        {"runtime.txt": "python-3.6.8\n"},
    ),
    Example.fixed(
        "the site's own list of runtimes",
        {"runtime.txt": "python-3.7.3\n"},
        {"runtime.txt": "python-3.7.9\n"},
        options={"runtimes": ["3.7.9", "3.8.6", "3.10.5"]},
    ),
    Example.fixed(
        "in the build directory",
        {
            "src/runtime.txt": "python-3.6.7\n",
            "src/requirements.txt": "Django==2.2\n",
            "runtime.txt": "python-3.6.7\n",
        },
        {
            "src/runtime.txt": "python-3.6.8\n",
            "src/requirements.txt": "Django==2.2\n",
            "runtime.txt": "python-3.6.7\n",
        },
        build_dir="src",
    ),
    Example.fixed(
        "another minor version is unsafe: 3.9 on heroku-18 moves to 3.10.5",
        {"runtime.txt": "python-3.9.13\n"},
        {"runtime.txt": "python-3.10.5\n"},
        unsafe=True,
    ),
    Example.fixed(
        "an end-of-life version on heroku-24 moves to 3.11 (unsafe)",
        {"runtime.txt": "python-3.6.12\n"},
        {"runtime.txt": "python-3.11.14\n"},
        options=HEROKU_24,
        unsafe=True,
    ),
    Example.fixed(
        "heroku-24: a minor version keeps its short form",
        {".python-version": "3.10\n"},
        {".python-version": "3.11\n"},
        options=HEROKU_24,
        unsafe=True,
    ),
    Example.fixed(
        "heroku-24: .python-version holds the bare version",
        {".python-version": "python-3.12\n"},
        {".python-version": "3.12\n"},
        options=HEROKU_24,
    ),
    Example.fixed(
        "heroku-24: comments in .python-version stay on their own lines",
        {".python-version": "# the version we test with\n3.12.12  # CI too\n"},
        {".python-version": "# the version we test with\n# CI too\n3.12.12\n"},
        options=HEROKU_24,
    ),
    Example.fixed(
        "heroku-24: runtime.txt may name a minor version, in lower case",
        {"runtime.txt": "Python-3.12\n"},
        {"runtime.txt": "python-3.12\n"},
        options={"stack": "noble"},
    ),
    Example.fixed(
        "heroku-24: a patch the site lacks moves to the hosted one",
        {".python-version": "3.12.3\r\n"},
        {".python-version": "3.12.12\r\n"},
        options=HEROKU_24,
    ),
    Example.manual("two different versions", {"runtime.txt": "python-3.6.12\npython-3.10.5\n"}),
    Example.manual(
        "something that is not a version", {"runtime.txt": "python-3.6.12\nDjango==2.2\n"}
    ),
    Example.manual("an empty runtime.txt", {"runtime.txt": ""}),
    Example.manual("only a comment", {"runtime.txt": "# python-3.6.12\n"}),
    Example.manual("PyPy is not hosted", {"runtime.txt": "pypy3.6-7.3.1\n"}),
    Example.manual(
        "Python 2 on heroku-24 has no replacement of the same major version",
        {"runtime.txt": "python-2.7.18\n"},
        options=HEROKU_24,
    ),
    Example.fixed(
        "heroku-24: a listed runtime the buildpack refuses is not a candidate",
        {"runtime.txt": "python-3.8.10\n"},
        {"runtime.txt": "python-3.12.12\n"},
        options={"stack": "heroku-24", "runtimes": ["3.8.20", "3.12.12"]},
        unsafe=True,
    ),
    Example.manual(
        "a site that uploaded no Python 2",
        {"runtime.txt": "python-2.7.18\n"},
        options={"runtimes": ["3.10.5"]},
    ),
    Example.clean("a hosted version", {"runtime.txt": "python-3.6.12\n"}),
    Example.clean("the default version", {"runtime.txt": "python-3.10.5\n"}),
    Example.clean("empty lines are harmless", {"runtime.txt": "\npython-3.10.5\n\n"}),
    Example.clean("no final newline is harmless", {"runtime.txt": "python-2.7.18"}),
    Example.clean("no runtime.txt: the stack's default", {"requirements.txt": "Flask==2.0.3\n"}),
    Example.clean(
        "heroku-18 does not read .python-version",
        {".python-version": "python-3.12\n", "requirements.txt": "Flask\n"},
    ),
    Example.clean(
        "a version the site listed",
        {"runtime.txt": "python-3.8.6\n"},
        options={"runtimes": ["python-3.8.6"]},
    ),
    Example.clean(
        "runtime.txt outside the build directory is not read",
        {"runtime.txt": "Python 3\n", "app/runtime.txt": "python-3.6.12\n"},
        build_dir="app",
    ),
    Example.clean(
        "heroku-24: spaces and CRLF are allowed",
        {"runtime.txt": " python-3.12 \r\n\r\n"},
        options=HEROKU_24,
    ),
    Example.clean(
        "heroku-24: comment lines in .python-version",
        {".python-version": "# keep in step with CI\n3.13\n"},
        options=HEROKU_24,
    ),
    Example.clean(
        "heroku-24: runtime.txt wins over .python-version",
        {"runtime.txt": "python-3.12.12\n", ".python-version": "python 2\n"},
        options=HEROKU_24,
    ),
)
