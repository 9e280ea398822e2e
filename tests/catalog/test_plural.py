"""Every PO feature GNU gettext writes survives load, merge and save (issue 10).

Plural entries (``msgid_plural``/``msgstr[n]``), contexts, previous source (``#|`` and, on
obsolete entries, ``#~|``), flags (``no-wrap`` included), references, translator and
extracted comments and the header: checked against real ``msgcat`` and ``msgmerge``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

from pubkit.catalog import dumps, load, merge, po_path, template
from pubkit.catalog.memory import Memory
from pubkit.catalog.poparse import parse
from pubkit.commands import update
from pubkit.config import load_config
from pubkit.errors import InputError

from .helpers import doc, gettext_tool, msgcat_roundtrip, msgfmt_check

DATA = Path(__file__).parent / "data"
SLUG = "kazakh-workers-revolt-2022"
HEAD = ('msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "\n'
        '"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n')
OBSOLETE_PLURAL = '''# a reviewer's note on an old plural entry
#. extracted
#, fuzzy
#~| msgctxt "old"
#~| msgid "One old file"
#~| msgid_plural "%d old files"
#~ msgctxt "c2"
#~ msgid "An old file"
#~ msgid_plural "%d old files"
#~ msgstr[0] "%d старый файл"
#~ msgstr[1] "%d старых файла"
#~ msgstr[2] "%d старых файлов"
'''


def test_a_file_gnu_wrote_with_every_feature_loads_and_dumps_byte_identically(tmp_path):
    path = DATA / "gnu-features.po"  # written by msgcat 0.21 (see the test below)
    text = path.read_text(encoding="utf-8")
    po = load(path).po
    assert dumps(po) == text
    plural = next(e for e in po if e.msgctxt == "ctx")
    assert plural.msgid_plural == "%d files." and plural.msgstr_plural == {
        0: "%d файл.", 1: "%d файла.", 2: "%d файлов."}
    assert (plural.previous_msgctxt, plural.previous_msgid, plural.previous_msgid_plural) == (
        "old", "One file", "%d files")
    assert plural.flags == ["fuzzy", "c-format"] and plural.tcomment == "translator"
    assert plural.comment == "extracted"
    assert plural.occurrences == [("seeds/a.txt", "3"), ("seeds/b.txt", "")]
    gone = next(e for e in po if e.obsolete)
    assert (gone.previous_msgctxt, gone.previous_msgid) == ("old2", "Old")
    assert gone.msgstr_plural[2] == "Ушло" and gone.occurrences == [("seeds/x", "1")]
    assert po.metadata_is_fuzzy and po.header == "Header comment."
    msgcat_roundtrip(path, tmp_path)


def _plural_catalog(seed: int) -> polib.POFile:
    """Plural entries of every shape, active and obsolete, some no-wrap, some with contexts."""
    import random

    r = random.Random(seed)
    words = "файл strike забастовка «Жанаозен» 12,000 — workers' \"quoted\" \\ back\tslash".split(" ")
    po = polib.POFile()
    po.metadata = {"Language": "ru", "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 1);"}

    def text(k: int) -> str:
        return " ".join(r.choice(words) for _ in range(r.randint(1, 30))) + f" {k}"

    for k in range(60):
        plural = k % 2 == 0
        e = polib.POEntry(msgid=text(k), msgctxt=f"meta:c{k}" if k % 3 == 0 else None)
        if plural:
            e.msgid_plural = text(k) + " (plural)"
            e.msgstr_plural = {i: text(k)[::-1] if k % 5 else "" for i in range(3)}
        else:
            e.msgstr = text(k)
        translated = bool(e.msgstr or any(e.msgstr_plural.values()))
        # as GNU normalizes: only a translated entry is fuzzy or obsolete
        e.flags = (["fuzzy"] if k % 4 == 0 and translated else []) + (["no-wrap"] if k % 7 == 0 else [])
        if "fuzzy" in e.flags:
            e.previous_msgid = text(k)
            e.previous_msgctxt = "old" if k % 8 == 0 else None
            e.previous_msgid_plural = text(k) if plural and k % 3 else None
        e.tcomment = "note\nsecond line" if k % 6 == 0 else ""
        e.comment = "Heading" if k % 5 == 0 else ""
        e.obsolete = k % 3 == 1 and translated
        e.occurrences = [] if e.obsolete else [("seeds/x.txt", str(k + 1))]
        po.append(e)
    return po


@pytest.mark.validator
@pytest.mark.parametrize("seed", range(3))
def test_plural_catalogs_are_msgcat_stable_and_reload_identically(tmp_path, seed):
    path = tmp_path / "x.po"
    text = dumps(_plural_catalog(seed))
    path.write_text(text, encoding="utf-8")
    msgcat_roundtrip(path, tmp_path)
    msgfmt_check(path)
    assert dumps(load(path).po) == text


def test_raw_line_separators_in_a_msgstr_load_and_stay(tmp_path):
    """U+2028 and U+0085 are legal raw inside a GNU string; no misleading syntax error."""
    path = tmp_path / "a.po"
    text = HEAD + 'msgid "x"\nmsgstr "a\u2028b\u0085c\u2029d"\n'
    path.write_text(text, encoding="utf-8")
    pf = load(path)
    assert pf.po[0].msgstr == "a\u2028b\u0085c\u2029d"
    assert dumps(pf.po) == text
    msgcat_roundtrip(path, tmp_path)


@pytest.mark.parametrize("body, line, what", [
    ('msgid "a"\nmsgstr "b\\q"\n', 9, "escape"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', 10, "msgstr[0]"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\n', 10, "msgstr[0]"),
    ('msgid "a"\nmsgstr[0] "b"\n', 9, "msgid_plural"),
    ('#~ msgid "a"\nmsgstr "b"\n', 9, "#~"),
    ('msgid "a"\n# note\nmsgstr "b"\n', 9, "comment"),
    ('msgid "a"\nmsgstr "b"\n\n# a note with no entry\n', 11, "no entry"),
    ('#| msgstr "a"\nmsgid "a"\nmsgstr "b"\n', 8, "#|"),
    ('msgid "a"\n', 8, "without msgstr"),
    ('msgid "a"\nmsgstr "b"\n"c\n', 10, "closing quote"),
])
def test_malformed_entries_are_clean_errors_with_the_line(tmp_path, body, line, what):
    path = tmp_path / "a.po"
    path.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(path, root=tmp_path)
    assert err.value.location.line == line and what in err.value.message
    assert err.value.exit_code == 65 and err.value.hint


def _merge(text: str, *paras: str) -> str:
    return dumps(merge(parse(text), template(doc(*paras)), Memory())[0])


def test_merge_obsoletes_plural_entries_exactly_as_msgmerge_previous(tmp_path):
    """A vanished plural entry goes to #~ with all its forms; an obsolete one stays as it is."""
    old = HEAD + '''#: seeds/a.txt:1
msgid "Title"
msgstr "Заголовок"

#: seeds/a.txt:3
msgid "Prices doubled."
msgstr "Цены удвоились."

#: seeds/a.txt:9
msgctxt "meta:unit"
msgid "A gone file."
msgid_plural "%d gone files."
msgstr[0] "%d файл."
msgstr[1] "%d файла."
msgstr[2] "%d файлов."

''' + OBSOLETE_PLURAL.replace("#. extracted\n", "")  # msgmerge drops #. of obsolete entries
    paras = ("Prices doubled.", "The army came.")
    pot = polib.POFile()
    pot.metadata = parse(old).metadata
    for t in template(doc(*paras)):
        e = polib.POEntry(msgid=t.msgid, msgctxt=t.msgctxt, msgstr="", comment="\n".join(t.notes))
        e.occurrences = [(t.file, str(t.line))]
        pot.append(e)
    (tmp_path / "old.po").write_text(old, encoding="utf-8")
    (tmp_path / "new.pot").write_text(dumps(pot), encoding="utf-8")
    subprocess.run([gettext_tool("msgmerge"), "-q", "--previous", str(tmp_path / "old.po"),
                    str(tmp_path / "new.pot"), "-o", str(tmp_path / "gnu.po")], check=True)
    ours = _merge(old, *paras)
    assert ours == (tmp_path / "gnu.po").read_text(encoding="utf-8")
    assert '#~ msgid_plural "%d gone files."' in ours and '#~ msgstr[2] "%d файлов."' in ours
    assert OBSOLETE_PLURAL.replace("#. extracted\n", "") in ours


def test_an_active_plural_entry_keeps_every_form_where_msgmerge_would_drop_them():
    """msgmerge turns it into a fuzzy singular with msgstr[0] only; pubkit loses nothing."""
    old = HEAD + '''# reviewer note
#: seeds/a.txt:3
msgid "One strike began."
msgid_plural "%d strikes began."
msgstr[0] "%d забастовка началась."
msgstr[1] "%d забастовки начались."
msgstr[2] "%d забастовок началось."
'''
    merged = parse(_merge(old, "One strike began."))
    e = next(e for e in merged if e.msgid == "One strike began.")
    assert e.msgstr_plural == {0: "%d забастовка началась.", 1: "%d забастовки начались.",
                               2: "%d забастовок началось."}
    assert e.msgid_plural == "%d strikes began." and not e.fuzzy and e.tcomment == "reviewer note"
    edited = parse(_merge(old, "One strike began in Janaozen."))  # the source changed: stale
    e = next(e for e in edited if e.msgid == "One strike began in Janaozen.")
    assert e.fuzzy and e.previous_msgid == "One strike began."
    assert e.msgstr_plural[2].startswith("%d забастовок")


def test_a_plural_po_file_round_trips_byte_identically_through_update(project, tmp_path):
    update.run(root=project, langs=["ru"], verbose=False)
    path = po_path(load_config(project), "ru", SLUG)
    pf = load(path)
    title = pf.po[0]
    title.msgid_plural = title.msgid + " (plural)"
    title.msgstr_plural = {0: "Восстание", 1: "Восстания", 2: "Восстаний"}
    title.tcomment = "a reviewer's plural forms"
    title.previous_msgctxt = None
    second = pf.po[1]
    second.msgstr = "Перевод рецензента"
    second.flags = ["fuzzy"]
    second.previous_msgctxt, second.previous_msgid = "old context", "An older source text"
    text = dumps(pf.po) + "\n" + OBSOLETE_PLURAL
    path.write_text(text, encoding="utf-8")
    msgcat_roundtrip(path, tmp_path)
    msgfmt_check(path)
    update.run(root=project, langs=["ru"], verbose=False)
    assert path.read_text(encoding="utf-8") == text
    with (tmp_path / "ru.po").open("w", encoding="utf-8") as out:  # msgcat-stable afterwards too
        out.write(text)
    msgcat_roundtrip(tmp_path / "ru.po", tmp_path)
