"""MySQL client libraries that compile against the MySQL C client get their system packages
from the Aptfile, and the apt build tool has to run before Python."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from paasfix.buildpack.aptfile import APTFILE_NAME
from paasfix.buildpack.mysql_client import (
    BUILD_ERRORS,
    built_on_linux,
    compiled_name,
    compiles_against_client,
    missing_apt_packages,
    runtime_python,
)
from paasfix.buildpack.requirements import RequirementLine
from paasfix.core.text import new_text_file, split_lines
from paasfix.fixer import ERROR, INFO, MANUAL, SAFE, Edit, Example, Finding, Fixer
from paasfix.project import Project


class FixPkgInstallMysqlPython(Fixer["AptPackages"]):
    """
    ## What goes wrong

    `mysqlclient` (and its predecessor `MySQL-python`, and `Flask-MySQLdb`, which depends on
    it) is a C extension. PyPI has no Linux wheels for it, so pip compiles it during the build,
    and the compiler needs the MySQL client headers and libraries plus `mysql_config` (or its
    pkg-config file). The platform's build image does not have them, so the build stops with
    `OSError: mysql_config not found` (or `Can not find valid pkg-config name` from newer
    releases).

    The platform installs system packages with its apt build tool, which reads the `Aptfile`
    in the build directory. The packages the MySQL client needs are `libssl-dev` and
    `default-libmysqlclient-dev`.

    Pure-Python drivers such as `PyMySQL` and `mysql-connector-python` compile nothing and are
    left alone, as are requirement files the build does not install, wheels, and requirements
    whose environment marker excludes Linux.

    ## The fix

    Creates the `Aptfile` in the build directory with those two packages, one per line, or
    adds the ones that are missing after the last line of an existing Aptfile. Existing lines,
    comments and line endings are kept, nothing is added twice, and no comment is put after a
    package name (the apt build tool would read it as more packages). A package already listed
    under another name that provides it (`libmysqlclient-dev`, `libmariadb-dev-compat`,
    `libssl1.0-dev`, or a `.deb` URL of one of them) counts as present.

    The Aptfile only helps when the apt build tool is bound to the module and runs before the
    Python one; `fix-apt-buildpack-order` reminds you of that setting.

    ## Safety

    Safe: these are the packages the platform's own guide prescribes for this error. They
    add the client library and its headers, which the compiled extension links against; the
    application's code and its other dependencies are untouched.
    """

    id = "fix-pkg-install-mysql-python"
    title = "A MySQL client library compiles against system packages the Aptfile does not list"
    after = ("fix-aptfile-format", "fix-unable-select-buildpack")
    safety = SAFE
    severity = ERROR
    log_patterns = (
        *BUILD_ERRORS,
        r"Failed building wheel for (mysqlclient|MySQL-python)",
        r"Running setup\.py install for (mysqlclient|MySQL-python) \.\.\. error",
        (
            r"Failed to build( installable wheels for some pyproject\.toml based projects)?"
            r".*\b(mysqlclient|MySQL-python)\b"
        ),
    )

    def detect(self, project: Project) -> Iterator[Finding[AptPackages]]:
        libraries = c_client_requirements(project)
        if not libraries:
            return
        apt = project.aptfile
        missing = missing_apt_packages(apt)
        if not missing:
            return
        line = libraries[0]
        reason = (
            f"{apt.path} does not list {', '.join(missing)}"
            if apt
            else f"there is no {project.path(APTFILE_NAME)} to install {' and '.join(missing)}"
        )
        yield self.finding(
            f"{compiled_name(line)} compiles against the MySQL C client, but {reason}; "
            f"the build fails with 'mysql_config not found'",
            line.path,
            line.first,
            plan=AptPackages(compiled_name(line), tuple(missing)),
        )

    def fix(self, project: Project, finding: Finding[AptPackages]) -> list[Edit]:
        plan = finding.planned
        apt = project.aptfile
        if apt is None:
            text = f"# Headers and libraries that {plan.compiled} compiles against\n" + "".join(
                package + "\n" for package in plan.missing
            )
            return [Edit(project.path(APTFILE_NAME), new_text_file(text))]
        return [Edit(apt.path, apt.file.encode(_extended(apt.file.text, plan.missing)))]

    examples = (
        Example.fixed(
            "no Aptfile: one is created",
            {"requirements.txt": "Django==3.2.25\nmysqlclient==2.1.1\n"},
            {
                "requirements.txt": "Django==3.2.25\nmysqlclient==2.1.1\n",
                "Aptfile": "# Headers and libraries that mysqlclient compiles against\n"
                "libssl-dev\ndefault-libmysqlclient-dev\n",
            },
            message="there is no Aptfile to install libssl-dev and default-libmysqlclient-dev",
            path="requirements.txt",
            line=2,
        ),
        Example.fixed(
            "MySQL-python, name written in any case",
            {"requirements.txt": "MySQL-Python==1.2.5\n"},
            {
                "requirements.txt": "MySQL-Python==1.2.5\n",
                "Aptfile": "# Headers and libraries that MySQL-Python compiles against\n"
                "libssl-dev\ndefault-libmysqlclient-dev\n",
            },
        ),
        Example.fixed(
            "an existing Aptfile is extended, its comments and lines kept",
            {
                "requirements.txt": "mysqlclient>=2.0\n",
                "Aptfile": "# image processing\nlibjpeg-dev libpng-dev\n",
            },
            {
                "requirements.txt": "mysqlclient>=2.0\n",
                "Aptfile": "# image processing\nlibjpeg-dev libpng-dev\nlibssl-dev\n"
                "default-libmysqlclient-dev\n",
            },
        ),
        Example.fixed(
            "only the missing package is added, before trailing blank lines",
            {"requirements.txt": "mysqlclient\n", "Aptfile": "libssl-dev\n\n"},
            {
                "requirements.txt": "mysqlclient\n",
                "Aptfile": "libssl-dev\ndefault-libmysqlclient-dev\n\n",
            },
        ),
        Example.fixed(
            "an Aptfile without a final newline keeps it missing",
            {"requirements.txt": "mysqlclient\n", "Aptfile": "netcat"},
            {
                "requirements.txt": "mysqlclient\n",
                "Aptfile": "netcat\nlibssl-dev\ndefault-libmysqlclient-dev",
            },
        ),
        Example.fixed(
            "a CRLF Aptfile keeps CRLF",
            {"requirements.txt": "mysqlclient\n", "Aptfile": "netcat\r\n"},
            {
                "requirements.txt": "mysqlclient\n",
                "Aptfile": "netcat\r\nlibssl-dev\r\ndefault-libmysqlclient-dev\r\n",
            },
        ),
        Example.fixed(
            "in an included requirement file, with a marker and a comment",
            {
                "requirements.txt": "-r requirements/prod.txt\n",
                "requirements/prod.txt": "mysqlclient == 2.1.1 ; sys_platform == 'linux'  # MySQL\n",
            },
            {
                "requirements.txt": "-r requirements/prod.txt\n",
                "requirements/prod.txt": "mysqlclient == 2.1.1 ; sys_platform == 'linux'  # MySQL\n",
                "Aptfile": "# Headers and libraries that mysqlclient compiles against\n"
                "libssl-dev\ndefault-libmysqlclient-dev\n",
            },
        ),
        Example.fixed(
            "Flask-MySQLdb pulls in mysqlclient",
            {"requirements.txt": "Flask==2.2.5\nFlask_MySQLdb==1.0.1\n"},
            {
                "requirements.txt": "Flask==2.2.5\nFlask_MySQLdb==1.0.1\n",
                "Aptfile": "# Headers and libraries that mysqlclient (required by Flask_MySQLdb) "
                "compiles against\n"
                "libssl-dev\ndefault-libmysqlclient-dev\n",
            },
        ),
        Example.fixed(
            "a source URL of mysqlclient",
            {
                "requirements.txt": "mysqlclient @ https://files.example.invalid/mysqlclient-2.1.1.tar.gz\n"
            },
            {
                "requirements.txt": "mysqlclient @ https://files.example.invalid/mysqlclient-2.1.1.tar.gz\n",
                "Aptfile": "# Headers and libraries that mysqlclient compiles against\n"
                "libssl-dev\ndefault-libmysqlclient-dev\n",
            },
        ),
        Example.fixed(
            "the Aptfile goes into the build directory",
            {"src/requirements.txt": "mysqlclient==2.1.1\n", "Aptfile": "libssl-dev\n"},
            {
                "src/requirements.txt": "mysqlclient==2.1.1\n",
                "Aptfile": "libssl-dev\n",
                "src/Aptfile": "# Headers and libraries that mysqlclient compiles against\n"
                "libssl-dev\ndefault-libmysqlclient-dev\n",
            },
            build_dir="src",
        ),
        Example.fixed(
            "an inline comment in the Aptfile still names its package",
            {"requirements.txt": "mysqlclient\n", "Aptfile": "libssl-dev  # TLS\n"},
            {
                "requirements.txt": "mysqlclient\n",
                "Aptfile": "libssl-dev  # TLS\ndefault-libmysqlclient-dev\n",
            },
        ),
        Example.clean("PyMySQL is pure Python", {"requirements.txt": "PyMySQL==1.0.2\n"}),
        Example.clean(
            "pure-Python drivers and a look-alike name",
            {
                "requirements.txt": "mysql-connector-python==8.0.33\naiomysql==0.1.1\n"
                "django-mysql==4.9.0\n# mysqlclient is not needed\n"
            },
        ),
        Example.clean(
            "an already correct Aptfile",
            {
                "requirements.txt": "mysqlclient==2.1.1\n",
                "Aptfile": "libssl-dev\ndefault-libmysqlclient-dev\n",
            },
        ),
        Example.clean(
            "packages that provide the same files, one as a .deb URL",
            {
                "requirements.txt": "mysqlclient==2.1.1\n",
                "Aptfile": "https://example.invalid/pool/z-libc-bp-fix.deb\nlibssl-dev libc6-dev\n"
                "https://example.invalid/pool/libmysqlclient-dev_5.7.42_amd64.deb\n",
            },
        ),
        Example.clean(
            "mysqlclient only in a requirement file the build does not install",
            {
                "requirements.txt": "Django==3.2.25\nPyMySQL==1.0.2\n",
                "requirements-dev.txt": "mysqlclient==2.1.1\n",
            },
        ),
        Example.clean(
            "mysqlclient only for Windows, or as a wheel",
            {
                "requirements.txt": "mysqlclient==2.1.1; sys_platform == 'win32'\n"
                "mysqlclient @ https://example.invalid/mysqlclient-2.1.1-cp310-"
                "cp310-linux_x86_64.whl\n"
            },
        ),
        Example.clean(
            "mysqlclient only for a Python the runtime is not",
            {
                "requirements.txt": "mysqlclient; python_version < '3'\n",
                "runtime.txt": "python-3.6.12\n",
            },
        ),
    )


@dataclass(frozen=True)
class AptPackages:
    """The apt packages to add for a library that compiles against the MySQL C client."""

    compiled: str
    """What compiles, as the new Aptfile's comment names it."""
    missing: tuple[str, ...]


class FixAptBuildpackOrder(Fixer[None]):
    """
    ## What goes wrong

    An `Aptfile` does nothing by itself. The platform installs its packages only when the
    module's build config binds the apt build tool ("安装系统包", Install System Packages) next
    to the Python one, on a build image that offers it (Ubuntu18 BlueKing edition). The build
    tools run one after another in the order they are bound, and only the ones that run later
    see what apt installed: with apt after Python, pip compiles before the headers exist and
    the build still fails with `mysql_config not found`.

    This setting lives in the platform, not in the repository, so paasfix cannot see it.

    ## The fix

    None in the repository. In the developer center open the application, then
    App Settings → Module Settings → Build Config, bind the apt build tool, and move it before
    Python. The note appears whenever the build directory has an Aptfile, or when
    `fix-pkg-install-mysql-python` is about to create one.

    ## Safety

    Manual: a setting of the platform. It is reported as information, so that it does not make
    `paasfix check` fail for an application that is already set up correctly.
    """

    id = "fix-apt-buildpack-order"
    title = "The apt build tool must be bound before Python"
    after = ("fix-aptfile-format", "fix-pkg-install-mysql-python")
    safety = MANUAL
    severity = INFO
    log_patterns = BUILD_ERRORS

    def detect(self, project: Project) -> Iterator[Finding[None]]:
        apt = project.aptfile
        if apt is None and not c_client_requirements(project):
            return
        path = apt.path if apt else project.path(APTFILE_NAME)
        language = "Python" if project.is_python else "the language's build tool"
        yield self.manual(
            f"the packages in {path} are installed only when the module's build config binds "
            f"the apt build tool {APT_TOOL} and puts it before {language}: check "
            f"{BUILD_CONFIG}",
            path,
        )

    def fix(self, project: Project, finding: Finding[None]) -> list[Edit]:
        return []

    examples = (
        Example.manual("an Aptfile", {"requirements.txt": "Django==3.2.25\n", "Aptfile": "netcat"}),
        Example.manual(
            "mysqlclient, whose Aptfile is still to be written",
            {"requirements.txt": "mysqlclient==2.1.1\n"},
        ),
        Example.manual(
            "an Aptfile for another language", {"package.json": "{}\n", "Aptfile": "libvips-dev\n"}
        ),
        Example.clean("no Aptfile and no MySQL C client", {"requirements.txt": "PyMySQL==1.0.2\n"}),
        Example.clean(
            "an Aptfile outside the build directory",
            {"Aptfile": "netcat\n", "api/requirements.txt": "Flask==2.2.5\n"},
            build_dir="api",
        ),
    )


BUILD_CONFIG = "App Settings → Module Settings → Build Config"
APT_TOOL = "“安装系统包” (Install System Packages)"


def c_client_requirements(project: Project) -> list[RequirementLine]:
    """Requirement lines the build installs that compile against the MySQL C client."""
    file = project.runtime_txt
    python = runtime_python(file.text if file else None)
    return [
        line
        for line in project.requirements.lines()
        if compiles_against_client(line) and built_on_linux(line, python)
    ]


def _extended(text: str, packages: tuple[str, ...]) -> str:
    """``text`` with one package per line after its last non-blank line."""
    lines = split_lines(text)
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    added = [package + "\n" for package in packages]
    if last >= 0 and not lines[last].endswith("\n"):
        lines[last] += "\n"
        added[-1] = added[-1][:-1]
    return "".join(lines[: last + 1] + added + lines[last + 1 :])
