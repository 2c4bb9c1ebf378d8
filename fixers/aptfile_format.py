"""Rewrite Aptfile lines that the apt build tool reads differently from what they say."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paasfix.buildpack.aptfile import COMMENT, REPO, Aptfile, AptLine, lines_of
from paasfix.fixer import ERROR, SAFE, Edit, Example, Finding, Fixer
from paasfix.project import Project


class FixAptfileFormat(Fixer[tuple[Edit, ...]]):
    """
    ## What goes wrong

    The apt build tool ("安装系统包") does not really parse the `Aptfile`. It drops the lines
    that begin with `#` or `:repo:` in the very first column and hands everything else to the
    shell, which splits it at spaces, tabs and line ends: every word left is a package to
    install. So

    - `libssl-dev  # for mysqlclient` asks apt for the packages `#`, `for` and `mysqlclient`;
    - an indented `# comment`, or an indented `:repo:` line, is a list of package names;
    - a file saved with Windows line endings (CRLF) keeps the carriage return at the end of
      each line, so `libssl-dev` becomes `libssl-dev\\r`, which no repository has;
    - a byte-order mark (some Windows editors write one) sticks to the first word.

    apt then stops with `E: Unable to locate package ...` and the build fails.

    Tabs are not a problem on their own: the shell splits at them like at spaces, so
    `libssl-dev<TAB>libpq-dev` is two packages, as meant. Neither are several packages on one
    line, `.deb` URLs, or a missing newline at the end of the file.

    ## The fix

    Rewrites only what is misread: an inline comment moves to its own line just above its
    packages, starting in the first column; an indented comment or `:repo:` line starts in the
    first column; CRLF (and lone CR) line endings become LF for the whole file, and a
    byte-order mark is dropped (the file is written as UTF-8). Every other line keeps its text,
    and a missing final newline stays missing.

    It runs before the fixers that add packages to the Aptfile, so they extend a file that
    reads as written.

    ## Safety

    Safe: the packages the tool installs afterwards are exactly the ones the file names; the
    comments stay, only their place changes.
    """

    id = "fix-aptfile-format"
    title = "Aptfile lines the apt build tool misreads"
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"E: Unable to locate package (#|:repo:|\ufeff)",
        r"E: Unable to locate package \S*\r",
        r"Fetching \.debs for (#|\ufeff)",
        r"Fetching :repo:deb",
    )

    def detect(self, project: Project) -> Iterator[Finding[tuple[Edit, ...]]]:
        apt = project.aptfile
        if apt is None:
            return
        rewrite = (_rewritten(apt),)
        if apt.bom or not apt.utf8:
            what = (
                "starts with a byte-order mark"
                if apt.utf8
                else f"is {apt.file.encoding.upper()} text"
            )
            yield self.finding(
                f"the file {what}; the apt build tool reads bytes, so the first "
                "package name is garbled; save it as UTF-8 without a BOM",
                apt.path,
                1,
                plan=rewrite,
            )
        if apt.carriage_returns:
            yield self.finding(
                r"Windows (CRLF) line endings: the apt build tool keeps the \r in "
                "every package name",
                apt.path,
                apt.carriage_returns[0],
                plan=rewrite,
            )
        for line in lines_of(_plain_text(apt)):
            if line.misread:
                yield self.finding(_line_problem(line), apt.path, line.number, plan=rewrite)

    def fix(self, project: Project, finding: Finding[tuple[Edit, ...]]) -> list[Edit]:
        return list(finding.planned)

    examples = (
        Example.fixed(
            "an inline comment moves to its own line above",
            {"Aptfile": "libssl-dev  # needed by mysqlclient\ndefault-libmysqlclient-dev\n"},
            {"Aptfile": "# needed by mysqlclient\nlibssl-dev\ndefault-libmysqlclient-dev\n"},
            message="the comment after the package names is installed as packages too",
            path="Aptfile",
            line=1,
        ),
        Example.fixed(
            "a comment glued to its hash mark, several packages on the line",
            {"Aptfile": "libxml2-dev libxslt1-dev #lxml\nnetcat\n"},
            {"Aptfile": "#lxml\nlibxml2-dev libxslt1-dev\nnetcat\n"},
        ),
        Example.fixed(
            "indented comments start in column 1",
            {"Aptfile": "# image tools\n  # for Pillow\n\t# and thumbnails\nlibjpeg-dev\n"},
            {"Aptfile": "# image tools\n# for Pillow\n# and thumbnails\nlibjpeg-dev\n"},
        ),
        Example.fixed(
            "an indented repo line starts in column 1",
            {"Aptfile": "    :repo:deb http://ppa.launchpad.net/x/ubuntu bionic main\nx-tools\n"},
            {"Aptfile": ":repo:deb http://ppa.launchpad.net/x/ubuntu bionic main\nx-tools\n"},
        ),
        Example.fixed(
            "CRLF line endings become LF",
            {"Aptfile": "# MySQL client\r\nlibssl-dev\r\ndefault-libmysqlclient-dev\r\n"},
            {"Aptfile": "# MySQL client\nlibssl-dev\ndefault-libmysqlclient-dev\n"},
            message="Windows (CRLF) line endings",
            path="Aptfile",
            line=1,
        ),
        Example.fixed(
            "CRLF with an inline comment and a blank line",
            {"Aptfile": "libssl-dev # TLS\r\n\r\ndefault-libmysqlclient-dev"},
            {"Aptfile": "# TLS\nlibssl-dev\n\ndefault-libmysqlclient-dev"},
        ),
        Example.fixed(
            "old Mac line endings become LF",
            {"Aptfile": "libssl-dev\rlibpq-dev\r"},
            {"Aptfile": "libssl-dev\nlibpq-dev\n"},
        ),
        Example.fixed(
            "a byte-order mark is dropped",
            {"Aptfile": b"\xef\xbb\xbf# system packages\nnetcat\n"},
            {"Aptfile": "# system packages\nnetcat\n"},
        ),
        Example.fixed(
            "UTF-16 is saved as UTF-8",
            {"Aptfile": "netcat\r\n".encode("utf-16")},
            {"Aptfile": "netcat\n"},
        ),
        Example.fixed(
            "no final newline stays without one",
            {"Aptfile": "netcat  # health checks"},
            {"Aptfile": "# health checks\nnetcat"},
        ),
        Example.fixed(
            "the Aptfile of the build directory",
            {
                "src/Aptfile": "libpq-dev # psycopg2\n",
                "src/requirements.txt": "psycopg2==2.8.6\n",
                "Aptfile": "netcat # not read\n",
            },
            {
                "src/Aptfile": "# psycopg2\nlibpq-dev\n",
                "src/requirements.txt": "psycopg2==2.8.6\n",
                "Aptfile": "netcat # not read\n",
            },
            build_dir="src",
        ),
        Example.clean(
            "a correct Aptfile",
            {
                "Aptfile": "# MySQL client headers for mysqlclient\nlibssl-dev\ndefault-libmysqlclient-dev\n"
            },
        ),
        Example.clean(
            "repo lines, deb URLs and several packages per line",
            {
                "Aptfile": ":repo:deb http://archive.example.invalid/ubuntu bionic main\n"
                "https://example.invalid/pool/z-libc-bp-fix.deb\n"
                "libssl-dev libc6-dev default-libmysqlclient-dev\n"
            },
        ),
        Example.clean(
            "tabs between packages and before a package",
            {"Aptfile": "libssl-dev\tlibc6-dev\n\tdefault-libmysqlclient-dev\n"},
        ),
        Example.clean("no final newline, as in the upstream example", {"Aptfile": "netcat"}),
        Example.clean(
            "blank lines and trailing blanks",
            {"Aptfile": "# deps   \n\n   \nlibfoo-dev \n"},
        ),
        Example.clean(
            "an Aptfile outside the build directory is not read",
            {"Aptfile": "netcat # nc\r\n", "src/requirements.txt": "Django==3.2.25\n"},
            build_dir="src",
        ),
        Example.clean("no Aptfile", {"requirements.txt": "Django==3.2.25\r\n"}),
    )


def _rewritten(apt: Aptfile) -> Edit:
    """The Aptfile as the author meant it, in the form the apt build tool reads that way."""
    plain = _plain_text(apt)
    out = [text for line in lines_of(plain) for text in _rewrite(line)]
    text = "\n".join(out) + ("\n" if plain.endswith("\n") else "")
    return Edit(apt.path, text.encode("utf-8"))


def _words(words: Iterable[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


def _plain_text(apt: Aptfile) -> str:
    """The Aptfile's text without a byte-order mark, every line ending a plain ``\\n``."""
    return apt.file.text.replace("\r", "\n")


def _line_problem(line: AptLine) -> str:
    if line.intended == COMMENT:
        return (
            f"the comment is indented, so the apt build tool installs its words as packages "
            f"({_words(line.requested)}); start it in column 1"
        )
    if line.intended == REPO:
        return (
            "the ':repo:' line is indented, so the apt build tool installs its words as "
            "packages instead of adding the apt source; start it in column 1"
        )
    return (
        f"the comment after the package names is installed as packages too "
        f"({_words(line.requested[len(line.packages) :])}); put it on its own line"
    )


def _rewrite(line: AptLine) -> list[str]:
    if not line.misread:
        return [line.text]
    if line.intended in (COMMENT, REPO):
        return [line.text.lstrip(" \t")]
    return [line.code] if line.comment is None else [line.comment, line.code]
