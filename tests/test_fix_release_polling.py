"""fix-release-polling-timeout: what the platform logs, and files that stay exactly readable."""

from __future__ import annotations

import re

import pytest
import yaml

from paasfix.config import Config
from paasfix.fixer import MANUAL
from paasfix.fixers.release_polling import FixReleasePollingTimeout
from paasfix.runner import Runner
from paasfix.tree import DirTree

from helpers import make_tree

SITE = {"requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\ncelery==5.2.7\n",
        "mysite/__init__.py": "", "mysite/wsgi.py": "application = None\n"}


@pytest.mark.parametrize("log", [
    "Timeout: polling release's status taking too long to complete",
    "Release aborted, reason: instance restarted more than 3 times",
    "Release aborted, reason: release took too long to complete",
])
def test_log_patterns_match_the_platform_messages(log):
    assert any(re.search(p, log, re.IGNORECASE) for p in FixReleasePollingTimeout.log_patterns)


def fix(tmp_path, files):
    tree = make_tree(tmp_path / "repo", {**SITE, **files})
    result = Runner([FixReleasePollingTimeout], Config()).fix(DirTree(str(tree)))
    assert result.errors == []
    return {change.path: change.new for change in result.changes}, result


@pytest.mark.parametrize("procfile, expected", [
    ('web: "gunicorn -D mysite.wsgi"\n', "gunicorn mysite.wsgi"),
    ("web: 'gunicorn mysite.wsgi --daemon' # old VM habit\n", "gunicorn mysite.wsgi"),
    ("web: bash -c 'exec gunicorn mysite.wsgi &'\n", "bash -c 'exec gunicorn mysite.wsgi'"),
    ("web: celery -A mysite worker --detach -l info\n", "celery -A mysite worker -l info"),
    ("{web: gunicorn mysite.wsgi -D}\n", "gunicorn mysite.wsgi"),
])
def test_every_edited_procfile_loads_to_the_command_without_the_option(tmp_path, procfile,
                                                                       expected):
    changes, _ = fix(tmp_path, {"Procfile": procfile})
    assert yaml.safe_load(changes["Procfile"]) == {"web": expected}


@pytest.mark.parametrize("command, expected", [
    ('"gunicorn -D mysite.wsgi"', "gunicorn mysite.wsgi"),
    ("|-\n        gunicorn -D mysite.wsgi", "gunicorn mysite.wsgi"),
    ("'celery -A mysite worker --detach'  # queue", "celery -A mysite worker"),
])
def test_every_edited_app_desc_loads_to_the_command_without_the_option(tmp_path, command,
                                                                       expected):
    text = ("spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            f"    web:\n      command: {command}\n")
    changes, _ = fix(tmp_path, {"app_desc.yaml": text})
    loaded = yaml.safe_load(changes["app_desc.yaml"])
    assert loaded["module"]["processes"]["web"]["command"] == expected


def test_a_command_it_cannot_edit_exactly_is_reported_by_hand(tmp_path):
    procfile = "web: >-\n  gunicorn -D\n  mysite.wsgi\n"
    changes, result = fix(tmp_path, {"Procfile": procfile})
    assert changes == {}
    [finding] = result.findings
    assert finding.safety == MANUAL and "remove `-D`" in finding.message


def test_the_missing_file_is_named(tmp_path):
    tree = make_tree(tmp_path / "repo", {
        **SITE, "Procfile": "web: gunicorn --chdir src mysite.wsgi:application -b :$PORT\n"})
    [finding] = Runner([FixReleasePollingTimeout], Config()).check(DirTree(str(tree))).findings
    assert finding.safety == MANUAL
    assert "src/mysite/wsgi.py" in finding.message
