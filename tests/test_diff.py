"""The unified diff of a changeset (sinks.diff): real ``git apply`` in a real repository must
turn the old files into exactly the new bytes and modes."""

from __future__ import annotations

import codecs

import git as gitpython
import pytest
from helpers import git, git_repo, snapshot

from paasfix.core.tree import EXEC_MODE, FILE_MODE, GitTree
from paasfix.fixer import Edit
from paasfix.runner import Change, Changeset
from paasfix.sinks.diff import file_diff, unified_diff

pytestmark = pytest.mark.usefixtures("umask_022")
"""git apply creates files with the umask's modes, and the comparison includes every mode bit."""

LONG = "".join(f"line {i}\n" for i in range(1, 41))


def apply_and_compare(tmp_path, files, edits, executable=()):
    """Diff ``edits`` against a commit of ``files``, apply it with git, compare with the edits."""
    root = git_repo(tmp_path / "repo", files, executable)
    changeset = Changeset(GitTree(gitpython.Repo(root)))
    changeset.apply("fix-t", edits)
    patch = unified_diff(changeset.changes())
    patch_file = tmp_path / "fix.patch"
    patch_file.write_bytes(patch.encode("utf-8", "surrogateescape"))
    expected = snapshot(root)
    for change in changeset.changes():
        if change.new is None:
            expected.pop(change.path)
        else:
            expected[change.path] = (change.new_mode, change.new)
    git(root, "apply", "--check", str(patch_file))
    git(root, "apply", str(patch_file))
    assert snapshot(root) == expected
    return patch


def test_modified_file(tmp_path):
    patch = apply_and_compare(
        tmp_path,
        {"requirements.txt": "Django==3.2\nflask\n"},
        [Edit("requirements.txt", b"Django==3.2\ngreenlet==1.1.3\nflask\n")],
    )
    assert patch == (
        "diff --git a/requirements.txt b/requirements.txt\n"
        "--- a/requirements.txt\n+++ b/requirements.txt\n"
        "@@ -1,2 +1,3 @@\n Django==3.2\n+greenlet==1.1.3\n flask\n"
    )


def test_new_file(tmp_path):
    patch = apply_and_compare(
        tmp_path, {"a.txt": "a\n"}, [Edit("Procfile", b"web: gunicorn app\n")]
    )
    assert "new file mode 100644\n--- /dev/null\n+++ b/Procfile\n@@ -0,0 +1 @@\n" in patch


def test_new_file_in_new_directories(tmp_path):
    apply_and_compare(tmp_path, {"a.txt": "a\n"}, [Edit("deep/er/x.txt", b"x\ny\n")])


def test_new_executable_file(tmp_path):
    patch = apply_and_compare(
        tmp_path, {"a.txt": "a\n"}, [Edit("bin/pre-compile", b"#!/bin/bash\nset -e\n", EXEC_MODE)]
    )
    assert "new file mode 100755\n" in patch


def test_deleted_file(tmp_path):
    patch = apply_and_compare(
        tmp_path, {"app.yml": "a: 1\nb: 2\n", "keep.txt": "k\n"}, [Edit("app.yml", None)]
    )
    assert "deleted file mode 100644\n--- a/app.yml\n+++ /dev/null\n@@ -1,2 +0,0 @@\n" in patch


def test_deleted_executable_file(tmp_path):
    apply_and_compare(
        tmp_path,
        {"bin/post_compile": "#!/bin/sh\n", "k": "k\n"},
        [Edit("bin/post_compile", None)],
        executable=["bin/post_compile"],
    )


def test_mode_change_only(tmp_path):
    patch = apply_and_compare(
        tmp_path,
        {"bin/post_compile": "#!/bin/sh\necho hi\n"},
        [Edit("bin/post_compile", b"#!/bin/sh\necho hi\n", EXEC_MODE)],
    )
    assert patch == (
        "diff --git a/bin/post_compile b/bin/post_compile\nold mode 100644\nnew mode 100755\n"
    )


def test_mode_removed(tmp_path):
    apply_and_compare(
        tmp_path, {"run.sh": "x\n"}, [Edit("run.sh", b"x\n", FILE_MODE)], executable=["run.sh"]
    )


def test_mode_and_content_change(tmp_path):
    patch = apply_and_compare(
        tmp_path,
        {"bin/post_compile": "#!/bin/sh\n"},
        [Edit("bin/post_compile", b"#!/bin/sh\nset -e\n", EXEC_MODE)],
    )
    assert patch.startswith(
        "diff --git a/bin/post_compile b/bin/post_compile\n"
        "old mode 100644\nnew mode 100755\n--- a/bin/post_compile\n"
    )


def test_executable_file_keeps_its_mode_when_edited(tmp_path):
    patch = apply_and_compare(
        tmp_path,
        {"bin/post_compile": "#!/bin/sh\n"},
        [Edit("bin/post_compile", b"#!/bin/sh\nexit 0\n")],
        executable=["bin/post_compile"],
    )
    assert "mode" not in patch


def test_crlf_file(tmp_path):
    apply_and_compare(
        tmp_path,
        {"requirements.txt": b"a==1\r\nb==2\r\nc==3\r\n"},
        [Edit("requirements.txt", b"a==1\r\nb==2\r\nb2==1\r\nc==3\r\n")],
    )


def test_crlf_line_turned_into_lf(tmp_path):
    apply_and_compare(tmp_path, {"x.txt": b"a\r\nb\r\n"}, [Edit("x.txt", b"a\nb\r\n")])


@pytest.mark.parametrize(
    "old,new",
    [
        (b"a\nb", b"a\nB"),
        (b"a\nb", b"a\nb\nc"),
        (b"a\nb", b"a\nb\n"),
        (b"a\nb\n", b"a\nb"),
        (b"a", b"b"),
        (b"one\r\ntwo", b"zero\r\none\r\ntwo"),
        (b"x\n", b""),
        (b"", b"x"),
    ],
)
def test_files_without_a_final_newline(tmp_path, old, new):
    patch = apply_and_compare(tmp_path, {"f.txt": old, "other": "o\n"}, [Edit("f.txt", new)])
    if not old.endswith(b"\n") or not new.endswith(b"\n"):
        if old and new:
            assert "\\ No newline at end of file\n" in patch


def test_new_file_without_a_final_newline(tmp_path):
    apply_and_compare(tmp_path, {"a": "a\n"}, [Edit("runtime.txt", b"python-3.11.9")])


def test_new_and_deleted_empty_files(tmp_path):
    apply_and_compare(
        tmp_path, {"empty": "", "a": "a\n"}, [Edit("empty", None), Edit("pkg/__init__.py", b"")]
    )


def test_non_ascii_text(tmp_path):
    apply_and_compare(
        tmp_path,
        {"app_desc.yaml": "# 蓝鲸应用\nspec_version: 2\n"},
        [Edit("app_desc.yaml", "# 蓝鲸应用 — café\nspec_version: 2\n".encode())],
    )


def test_utf8_bom_file(tmp_path):
    apply_and_compare(
        tmp_path,
        {"Procfile": codecs.BOM_UTF8 + b"web: a\n"},
        [Edit("Procfile", codecs.BOM_UTF8 + b"web: a\nworker: b\n")],
    )


def test_non_ascii_and_spaced_paths(tmp_path):
    apply_and_compare(
        tmp_path,
        {"docs/café.md": "a\n", "my dir/a b.txt": "x\n"},
        [
            Edit("docs/café.md", b"b\n"),
            Edit("my dir/a b.txt", b"y\n"),
            Edit("my dir/new file.txt", b"z\n"),
        ],
    )


def test_several_hunks_in_one_file(tmp_path):
    new = LONG.replace("line 2\n", "line two\n").replace("line 38\n", "line 38\nline 38.5\n")
    patch = apply_and_compare(tmp_path, {"long.txt": LONG}, [Edit("long.txt", new.encode())])
    assert patch.count("@@ -") == 2


def test_many_changes_in_one_patch(tmp_path):
    apply_and_compare(
        tmp_path,
        {
            "Procfile": "web: a\n",
            "old.txt": "gone\n",
            "bin/hook": "#!/bin/sh\n",
            "crlf.txt": b"1\r\n2\r\n",
            "nonl.txt": b"x",
        },
        [
            Edit("Procfile", b"web: b\n"),
            Edit("old.txt", None),
            Edit("bin/hook", b"#!/bin/sh\n", EXEC_MODE),
            Edit("crlf.txt", b"1\r\n2\r\n3\r\n"),
            Edit("nonl.txt", b"y"),
            Edit("bin/pre-compile", b"#!/bin/sh\n", EXEC_MODE),
        ],
    )


def test_file_diff_of_a_hand_made_change():
    change = Change("a.txt", b"1\n2\n3\n", b"1\n3\n", FILE_MODE, FILE_MODE)
    assert file_diff(change) == (
        "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,2 @@\n 1\n-2\n 3\n"
    )
    assert unified_diff([]) == ""


def test_utf16_file(tmp_path):
    bom = codecs.BOM_UTF16_LE
    apply_and_compare(
        tmp_path,
        {"Procfile": bom + "web: a\r\n".encode("utf-16-le")},
        [Edit("Procfile", bom + "web: a\r\nworker: b\r\n".encode("utf-16-le"))],
    )


def test_a_file_moved_unchanged_is_a_rename(tmp_path):
    patch = apply_and_compare(
        tmp_path,
        {"Requirements.txt": "flask\n", "app.py": "x = 1\n"},
        [Edit("Requirements.txt", None), Edit("requirements.txt", b"flask\n")],
    )
    assert patch == (
        "diff --git a/Requirements.txt b/requirements.txt\n"
        "similarity index 100%\n"
        "rename from Requirements.txt\nrename to requirements.txt\n"
    )


def test_a_moved_file_keeps_its_mode_change(tmp_path):
    patch = apply_and_compare(
        tmp_path,
        {"bin/pre_compile": "echo\n"},
        [Edit("bin/pre_compile", None), Edit("bin/pre-compile", b"echo\n", EXEC_MODE)],
    )
    assert "old mode 100644\nnew mode 100755\n" in patch
    assert "rename to bin/pre-compile" in patch
