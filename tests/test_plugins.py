"""Third-party fixers registered under the ``paasfix.fixers`` entry-point group: found wherever
``importlib.metadata`` finds them, while a run with no plugin installed never imports it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import SAMPLES, paasfix

from paasfix import registry

PLUGIN = '''\
from paasfix.fixer import MANUAL, WARNING, Example, Fixer


class CompanyReadme(Fixer):
    """Every repository of the company has a README.

    ## What goes wrong

    Nothing on the platform; reviewers cannot find out what the service does.

    ## The fix

    Write a README.md.

    ## Safety

    Manual: only people know what to write.
    """

    id = "fix-company-readme"
    title = "A repository without a README.md."
    safety = MANUAL
    severity = WARNING
    examples = (Example.manual("no readme", {"app.py": ""}),)

    def detect(self, project):
        if not project.is_file("README.md"):
            yield self.manual("there is no README.md; write one")
'''

ENTRY_POINTS = "[paasfix.fixers]\ncompany = company_rules\n"


def _dist_info(
    root: Path, directory: str = "company_rules-1.0.dist-info", entry_points: str = ENTRY_POINTS
) -> None:
    info = root / directory
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: company-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)


def _package(root: Path, source: str = PLUGIN) -> None:
    (root / "company_rules").mkdir(parents=True)
    (root / "company_rules" / "__init__.py").write_text(source)


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """A directory on the PYTHONPATH of the paasfix commands the test runs."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.setenv("PYTHONPATH", str(root))
    return root


@pytest.mark.parametrize(
    "directory",
    ["company_rules-1.0.dist-info", "company_rules.egg-info", "Company_Rules-1.0.DIST-INFO"],
)
def test_a_plugin_installed_in_a_directory_is_listed_and_run(site, directory):
    _package(site)
    _dist_info(site, directory)
    listed = paasfix("fixers")
    assert listed.returncode == 0, listed.stderr
    assert "fix-company-readme" in listed.stdout
    check = paasfix("check", "--select", "fix-company-readme", str(SAMPLES / "django-mysql"))
    assert "there is no README.md" in check.stdout


def test_a_plugin_in_a_zip_on_the_path_is_found(tmp_path, monkeypatch):
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("company_rules/__init__.py", PLUGIN)
        out.writestr(
            "company_rules-1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: company-rules\nVersion: 1.0\n",
        )
        out.writestr("company_rules-1.0.dist-info/entry_points.txt", ENTRY_POINTS)
    monkeypatch.setenv("PYTHONPATH", str(archive))
    listed = paasfix("fixers")
    assert listed.returncode == 0, listed.stderr
    assert "fix-company-readme" in listed.stdout


def test_a_broken_plugin_is_an_error_that_names_it(site):
    _package(site, "raise RuntimeError('the plugin is broken')\n")
    _dist_info(site)
    result = paasfix("check", str(SAMPLES / "django-mysql"))
    assert result.returncode == 2
    assert "the fixer plugin 'company'" in result.stderr
    assert "the plugin is broken" in result.stderr


def test_other_entry_points_do_not_make_a_plugin(site):
    _dist_info(site, entry_points="[console_scripts]\ncompany = company_rules:main\n")
    listed = paasfix("fixers")
    assert listed.returncode == 0, listed.stderr
    assert "fix-company-readme" not in listed.stdout


def _loaded_by_check(env_path: str) -> set[str]:
    code = (
        "import sys\nfrom paasfix.cli import main\n"
        f"sys.argv = ['paasfix', 'check', {str(SAMPLES / 'django-mysql')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    return set(run.stderr.split())


def test_without_plugins_check_does_not_import_importlib_metadata(tmp_path):
    loaded = _loaded_by_check(str(tmp_path))
    assert "paasfix.runner" in loaded
    assert "importlib.metadata" not in loaded


def test_with_a_plugin_installed_importlib_metadata_loads_it(site):
    _package(site)
    _dist_info(site)
    loaded = _loaded_by_check(str(site))
    assert "importlib.metadata" in loaded
    assert "company_rules" in loaded


def test_the_quick_look_defers_to_importlib_metadata_where_it_cannot_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert registry._may_have_plugins() is False
    archive = tmp_path / "some.zip"
    archive.write_bytes(b"")
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(archive)])
    assert registry._may_have_plugins() is True
    egg = tmp_path / "old.egg"
    egg.mkdir()
    monkeypatch.setattr(sys, "path", [str(egg)])
    assert registry._may_have_plugins() is True

    class OwnFinder:
        @staticmethod
        def find_distributions(context=None):
            return iter(())

    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, OwnFinder])
    assert registry._may_have_plugins() is True
