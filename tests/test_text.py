"""Decoding repository files and encoding edits back byte for byte (paasfix.core.text)."""

from __future__ import annotations

import codecs

import pytest

from paasfix.core.errors import FileProblem
from paasfix.core.text import decode, new_text_file, split_lines, yaml_lines


def roundtrip(raw: bytes, edit=lambda text: text) -> bytes:
    file = decode("f.txt", raw)
    return file.encode(edit(file.text))


def test_unchanged_text_gives_back_the_same_bytes():
    raw = b"a\r\nb\nc\r\n\xef\xbb\xbf?"
    assert roundtrip(raw) == raw


def test_crlf_lines_stay_crlf_when_another_line_changes():
    raw = b"one\r\ntwo\r\nthree\r\n"
    file = decode("f.txt", raw)
    assert file.text == "one\ntwo\nthree\n"
    assert file.newline == "\r\n"
    assert file.encode("one\nTWO\nthree\n") == b"one\r\nTWO\r\nthree\r\n"


def test_line_inserted_into_crlf_file_gets_crlf():
    raw = b"a\r\nb\r\n"
    assert roundtrip(raw, lambda t: t.replace("a\n", "a\nnew\n")) == b"a\r\nnew\r\nb\r\n"


def test_mixed_endings_are_kept_line_by_line():
    raw = b"lf\ncrlf\r\nlf again\nlast crlf\r\n"
    edited = roundtrip(raw, lambda t: t + "added\n")
    assert edited == b"lf\ncrlf\r\nlf again\nlast crlf\r\nadded\n"
    edited = roundtrip(raw, lambda t: t.replace("lf again", "changed"))
    assert edited == b"lf\ncrlf\r\nchanged\nlast crlf\r\n"


def test_a_changed_line_keeps_its_own_ending_in_a_mixed_file():
    raw = b"a\nb\r\nc\nd\n"
    assert roundtrip(raw, lambda t: t.replace("b", "B")) == b"a\nB\r\nc\nd\n"
    assert roundtrip(raw, lambda t: t.replace("b\n", "B\nB2\n")) == b"a\nB\r\nB2\nc\nd\n"


def test_dominant_newline_is_the_more_frequent_one():
    assert decode("f", b"a\r\nb\r\nc\n").newline == "\r\n"
    assert decode("f", b"a\nb\nc\r\n").newline == "\n"
    assert decode("f", b"no newline at all").newline == "\n"


def test_utf8_bom_is_kept():
    raw = codecs.BOM_UTF8 + "名前: 値\n".encode("utf-8")
    file = decode("f.yaml", raw)
    assert file.bom == codecs.BOM_UTF8
    assert file.text == "名前: 値\n"
    assert file.encode(file.text + "追加: 1\n") == codecs.BOM_UTF8 + "名前: 値\n追加: 1\n".encode()


@pytest.mark.parametrize(
    "bom,codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_utf16_with_bom_is_decoded_and_encoded_back_in_utf16(bom, codec):
    raw = bom + "web: gunicorn app\r\nworker: celery\r\n".encode(codec)
    file = decode("Procfile", raw)
    assert file.encoding == codec
    assert file.text == "web: gunicorn app\nworker: celery\n"
    edited = file.encode("web: gunicorn app\nworker: celery worker\n")
    assert edited == bom + "web: gunicorn app\r\nworker: celery worker\r\n".encode(codec)


def test_missing_final_newline_stays_missing():
    raw = b"first\nsecond"
    assert roundtrip(raw, lambda t: t.replace("first", "FIRST")) == b"FIRST\nsecond"
    assert roundtrip(raw, lambda t: t.replace("second", "SECOND")) == b"first\nSECOND"
    crlf = b"first\r\nsecond"
    assert roundtrip(crlf, lambda t: "zero\n" + t) == b"zero\r\nfirst\r\nsecond"


def test_final_newline_added_by_the_edit_uses_the_file_newline():
    raw = b"a\r\nb"
    assert roundtrip(raw, lambda t: t + "\nc") == b"a\r\nb\r\nc"


def test_deleting_lines_keeps_the_others_exactly():
    raw = b"keep 1\r\ndrop\nkeep 2\n"
    assert roundtrip(raw, lambda t: t.replace("drop\n", "")) == b"keep 1\r\nkeep 2\n"


def test_lone_carriage_return_is_a_line_ending_as_pip_and_yaml_read_it():
    raw = b"a\rb\r\nc\n"
    file = decode("f", raw)
    assert file.text == "a\nb\nc\n"
    assert file.encode(file.text + "d\n") == raw + b"d\n"


def test_cr_only_file_stays_cr_only():
    raw = b"flask\rgunicorn\reventlet==0.31.0\r"
    file = decode("requirements.txt", raw)
    assert file.lines == ["flask\n", "gunicorn\n", "eventlet==0.31.0\n"]
    assert file.newline == "\r"
    edited = file.encode(file.text.replace("flask\n", "flask==2.0\n") + "greenlet==1.1.3\n")
    assert edited == b"flask==2.0\rgunicorn\reventlet==0.31.0\rgreenlet==1.1.3\r"


def test_cr_lf_and_crlf_mixed_keep_each_line_ending():
    raw = b"a\rb\r\nc\nd\r\r\ne"
    file = decode("f", raw)
    assert file.text == "a\nb\nc\nd\n\ne"
    edited = file.encode("a\nB\nc\nd\n\nE")
    assert edited == b"a\rB\r\nc\nd\r\r\nE"


def test_separate_edits_keep_the_endings_of_the_lines_between_them():
    raw = b"".join(f"line {n}".encode() + (b"\r" if n % 3 == 0 else b"\n") for n in range(40))
    file = decode("f", raw)
    new = file.text.replace("line 3\n", "inserted\nline 3\n").replace("line 30\n", "")
    expected = raw.replace(b"line 3\r", b"inserted\nline 3\r").replace(b"line 30\r", b"")
    assert file.encode(new) == expected


def test_repeated_lines_around_edits_keep_their_bytes():
    raw = b"x\r\n\n" * 3 + b"first\r\nsecond\rthird\n" + b"x\r\n\n" * 3
    file = decode("f", raw)
    new = file.text.replace("first\n", "").replace("third\n", "3rd\nx\n")
    assert file.encode(new) == b"x\r\n\n" * 3 + b"second\r3rd\nx\n" + b"x\r\n\n" * 3


def test_a_large_file_with_one_changed_line_keeps_every_other_line():
    lines = [f"package-{n}=={n}.0" for n in range(10000)]
    raw = "\r\n".join(lines).encode() + b"\n"
    file = decode("requirements.txt", raw)
    new = file.text.replace("package-5000==5000.0\n", "package-5000==5000.1\nadded\n")
    assert file.encode(new) == raw.replace(
        b"package-5000==5000.0\r\n", b"package-5000==5000.1\r\nadded\r\n"
    )


def test_non_ascii_text_round_trips():
    raw = "# 蓝鲸\r\nDjango==3.2  # café\r\n".encode("utf-8")
    assert roundtrip(raw, lambda t: t + "ünïcode\n") == raw + "ünïcode\r\n".encode("utf-8")


def test_binary_content_is_a_file_problem():
    with pytest.raises(FileProblem) as info:
        decode("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert info.value.path == "logo.png"
    assert str(info.value) == (
        "logo.png: cannot be read: it is a binary file (a NUL byte at byte 9), not text"
    )


def test_a_nul_byte_after_the_first_kibibytes_makes_a_file_binary():
    raw = b"flask\n" * 1600 + b"\x00\n"
    with pytest.raises(FileProblem) as info:
        decode("requirements.txt", raw)
    assert str(info.value) == (
        "requirements.txt: cannot be read: it is a binary file (a NUL byte at byte 9601), not text"
    )


def test_a_nul_in_utf16_text_makes_it_binary():
    with pytest.raises(FileProblem, match="cannot be read: it is a binary file"):
        decode("Procfile", codecs.BOM_UTF16_LE + "web: a\x00b\n".encode("utf-16-le"))


def test_utf16_without_bom_is_reported_as_binary():
    with pytest.raises(FileProblem, match="binary"):
        decode("requirements.txt", "django\n".encode("utf-16-le"))


def test_non_utf8_text_is_a_file_problem_that_says_what_to_do():
    with pytest.raises(FileProblem) as info:
        decode("settings.py", "x = 1\nn = 'café'\n".encode("latin-1"))
    message = str(info.value)
    assert message.startswith("settings.py: cannot be read: it is not valid UTF-8 text")
    assert "(line 2, byte 15 of the file)" in message
    assert "save it as UTF-8" in message


def test_mode_is_carried_on_the_decoded_file():
    assert decode("bin/post_compile", b"#!/bin/sh\n", 0o100755).mode == 0o100755
    assert decode("a", b"").mode == 0o100644


def test_empty_file():
    file = decode("Procfile", b"")
    assert file.text == "" and file.lines == []
    assert file.encode("web: x\n") == b"web: x\n"


def test_split_lines_keeps_endings_and_a_last_partial_line():
    assert split_lines("a\nb\n") == ["a\n", "b\n"]
    assert split_lines("a\nb") == ["a\n", "b"]
    assert split_lines("") == []
    assert split_lines("a\r\n") == ["a\r\n"]


def test_new_text_file_uses_the_requested_newline():
    assert new_text_file("a\nb\n") == b"a\nb\n"
    assert new_text_file("a\nb\n", "\r\n") == b"a\r\nb\r\n"
    assert new_text_file("é") == "é".encode("utf-8")


def test_undecodable_bytes_late_in_a_cr_only_file_name_their_line():
    raw = b"a\r" * 5000 + b"\xff\r"
    with pytest.raises(FileProblem) as info:
        decode("requirements.txt", raw)
    assert str(info.value) == (
        "requirements.txt: cannot be read: it is not valid UTF-8 text "
        "(line 5001, byte 10001 of the file); save it as UTF-8"
    )


def test_yaml_lines_break_where_yaml_does():
    assert yaml_lines("a\rb\r\nc\x85d\u2028e\nf") == ["a", "b", "c", "d", "e", "f"]
