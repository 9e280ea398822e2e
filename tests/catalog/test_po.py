"""PO files: GNU-identical writing, strict reading with file:line errors, safe saving."""

from __future__ import annotations

import random
import subprocess

import polib
import pytest

from pubkit.catalog import dumps, load, save
from pubkit.catalog.po import header_fields
from pubkit.errors import EnvironmentProblem, InputError

from .helpers import gettext_tool, msgcat_roundtrip, msgfmt_check

ALPHABET = (list("abcdefghij  KLMNO     0123456789,.;:!?-/()[]\"'«»“”…—–$%€#+\\<>&*")
            + list("абвгдежзийклмнөүң") + ["\u00a0", "\u202f", "\t", "é", "<1>", "</1>", "<2/>",
                                         "https://example.org/a?b=c", "12,000", "1992-2019", "well-known"])


def _catalog(seed: int, n: int = 150) -> polib.POFile:
    r = random.Random(seed)
    po = polib.POFile()
    po.metadata = header_fields(slug="x", lang_code="ru", lang_name="Russian", date="2022-01-27 00:00+0000")
    po.header = "Russian translation.\nSecond line."
    for k in range(n):
        text = "".join(r.choice(ALPHABET) + (" " if r.random() < 0.3 else "") for _ in range(r.randint(1, 70))).strip() + f" {k}"
        e = polib.POEntry(msgid=text, msgstr=text[::-1] if k % 3 else "", msgctxt=f"p-{k}" if k % 7 == 0 else None)
        e.occurrences = [("seeds/x.txt", str(k + 1))]
        e.comment = "Heading\npubkit-mt: fake | m 1 | score -0.100" if k % 5 == 0 else ""
        e.tcomment = "reviewer note" if k % 11 == 0 else ""
        if k % 4 == 0 and e.msgstr:
            e.flags = ["fuzzy"]
            e.previous_msgid = text + " and an older ending"
        e.obsolete = k % 13 == 0 and bool(e.msgstr)
        po.append(e)
    return po


@pytest.mark.validator
@pytest.mark.parametrize("seed", range(4))
def test_msgcat_leaves_generated_files_byte_identical(tmp_path, seed):
    path = tmp_path / "x.po"
    path.write_text(dumps(_catalog(seed)), encoding="utf-8")
    msgcat_roundtrip(path, tmp_path)
    msgfmt_check(path)


def test_load_then_dump_is_identity(tmp_path):
    path = tmp_path / "x.po"
    text = dumps(_catalog(7))
    path.write_text(text, encoding="utf-8")
    assert dumps(load(path).po) == text


def _write(tmp_path, body: str):
    path = tmp_path / "ru" / "a.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    path.write_text(head + body, encoding="utf-8")
    return path


def test_syntax_error_names_file_and_line(tmp_path):
    path = _write(tmp_path, 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "unterminated\n')
    with pytest.raises(InputError) as err:
        load(path, root=tmp_path)
    assert err.value.location.path.as_posix() == "ru/a.po"
    assert err.value.location.line == 9
    assert "syntax" in err.value.message and err.value.hint


LATIN1 = ('msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset={cs}\\n"\n'
          '"Content-Transfer-Encoding: 8bit\\n"\n\n#. a note\n#: seeds/a.txt:3\n#, fuzzy\n'
          'msgid "The strike began in January, and the workers of the oil fields were the first to leave '
          'work."\nmsgstr "{fr}"\n')


@pytest.mark.validator
@pytest.mark.parametrize("charset, text", [
    ("ISO-8859-1", "La grève a commencé en janvier, et les ouvriers des champs pétrolifères ont été "
                   "les premiers à cesser le travail."),
    ("ASCII", "La greve a commence en janvier, et les ouvriers des champs petroliferes ont ete les "
              "premiers a cesser le travail."),
])
def test_a_file_in_its_declared_charset_is_read_and_written_as_msgcat_would(tmp_path, charset, text):
    from .helpers import gettext_tool

    raw = tmp_path / "raw.po"
    raw.write_bytes(LATIN1.format(cs=charset, fr=text).encode("latin-1"))
    path = tmp_path / "a.po"
    subprocess.run([gettext_tool("msgcat"), str(raw), "-o", str(path)], check=True)
    gnu = path.read_bytes()
    pf = load(path)
    assert pf.po[0].msgstr == text and pf.encoding in ("iso8859-1", "ascii")
    assert dumps(pf.po).encode(pf.encoding) == gnu  # msgcat's bytes, in the declared charset
    pf.po[0].msgstr = text.replace("janvier", "février" if charset == "ISO-8859-1" else "fevrier")
    save(pf)
    assert load(path).po[0].msgstr == pf.po[0].msgstr and f"charset={charset}" in path.read_bytes().decode("latin-1")
    pf.po[0].msgstr = "Забастовка началась в январе."  # does not fit: the file becomes UTF-8
    save(pf)
    assert pf.upgraded and '"Content-Type: text/plain; charset=UTF-8\\n"' in path.read_text(encoding="utf-8")
    assert load(path).po[0].msgstr == "Забастовка началась в январе."
    msgcat_roundtrip(path, tmp_path)


def test_utf8_text_under_another_charset_is_refused_not_garbled(tmp_path):
    path = tmp_path / "a.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
                    'msgid "a"\nmsgstr "Забастовка"\n', encoding="utf-8")
    with pytest.raises(InputError, match="ISO-8859-1, but the text is UTF-8") as err:
        load(path)
    assert err.value.location.line == 3


def test_an_unknown_charset_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "a.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=KOI-9\\n"\n', encoding="utf-8")
    with pytest.raises(InputError, match="KOI-9") as err:
        load(path)
    assert err.value.location.line == 3 and "msgconv" in err.value.hint


def test_ascii_declared_with_other_bytes_is_refused(tmp_path):
    path = tmp_path / "a.po"
    path.write_bytes(b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ASCII\\n"\n\n'
                     b'msgid "a"\nmsgstr "\xe9"\n')
    with pytest.raises(InputError, match="not ASCII") as err:
        load(path)
    assert err.value.location.line == 6


def test_not_utf8(tmp_path):
    path = tmp_path / "a.po"
    path.write_bytes(b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "\xcf\xf0\xe8"\n')
    with pytest.raises(InputError, match="UTF-8") as err:
        load(path)
    assert err.value.location.line == 5


def test_duplicate_entries(tmp_path):
    path = _write(tmp_path, 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n')
    with pytest.raises(InputError, match="duplicate") as err:
        load(path)
    assert err.value.location.line == 8


def test_save_refuses_a_file_changed_on_disk(tmp_path):
    path = _write(tmp_path, 'msgid "a"\nmsgstr "b"\n')
    pf = load(path)
    pf.po[0].msgstr = "pubkit's version"
    path.write_text(path.read_text() + '\nmsgid "x"\nmsgstr "reviewer"\n', encoding="utf-8")
    import os
    os.utime(path, ns=(pf.mtime_ns + 10**9, pf.mtime_ns + 10**9))
    with pytest.raises(EnvironmentProblem, match="changed on disk"):
        save(pf)
    assert "reviewer" in path.read_text()


def test_save_writes_nothing_when_unchanged(tmp_path):
    path = tmp_path / "a.po"
    path.write_text(dumps(_catalog(1, 10)), encoding="utf-8")
    before = path.stat().st_mtime_ns
    assert save(load(path)) is False
    assert path.stat().st_mtime_ns == before
