"""`check` reports invisible and bidi control characters in translations and PO headers exactly
as the source reader refuses them in seeds (one shared table, :mod:`pubkit.characters`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit import characters
from pubkit.catalog import dumps, load, po_path
from pubkit.catalog.wrap import escape
from pubkit.commands import check
from pubkit.config import load_config
from pubkit.errors import InputError, Severity
from pubkit.readers.source import check_characters

SLUG = "kazakh-workers-revolt-2022"
HOSTILE = {
    "\u202e": "bidi-control",  # RIGHT-TO-LEFT OVERRIDE
    "\u202d": "bidi-control",  # LEFT-TO-RIGHT OVERRIDE
    "\u2067": "bidi-control",  # RIGHT-TO-LEFT ISOLATE
    "\u061c": "bidi-control",  # ARABIC LETTER MARK
    "\u200f": "bidi-control",  # RIGHT-TO-LEFT MARK
    "\u200b": "zero-width",  # ZERO WIDTH SPACE
    "\ufeff": "zero-width",  # BOM inside the text
    "\u2060": "zero-width",  # WORD JOINER
    "\u200d": "joiner",  # ZWJ between Cyrillic letters
    "\x07": "control-character",
}


def _findings(project: Path, edit) -> tuple[list, list[str]]:
    cfg = load_config(project)
    path = po_path(cfg, "ru", SLUG)
    pf = load(path)
    edit(pf.po)
    text = dumps(pf.po)
    path.write_text(text, encoding="utf-8")
    found = [d for d in check.collect(cfg, langs=["ru"]) if d.code in {r.code for r in characters.RULES}]
    return found, text.split("\n")


@pytest.mark.parametrize("char, code", sorted(HOSTILE.items()))
def test_a_hidden_character_in_a_msgstr_is_an_error_at_its_line(project, char, code):
    def edit(po):
        e = next(e for e in po if not e.obsolete and len(e.msgstr) > 120)
        e.msgstr = e.msgstr[:100] + "ж" + char + "ж" + e.msgstr[100:]

    found, lines = _findings(project, edit)
    assert len(found) == 1, [d.format() for d in found]
    d = found[0]
    assert d.code == code and d.severity is Severity.ERROR and d.hint
    assert f"U+{ord(char):04X}" in d.message
    assert str(d.location.path) == f"translations/ru/{SLUG}.po"
    line = lines[d.location.line - 1]
    assert escape(char) in line and not line.startswith("msgid"), line


@pytest.mark.parametrize("field", ["Last-Translator", "Language-Team", "X-Pubkit-Translators"])
def test_a_hidden_character_in_a_header_field_is_an_error_at_its_line(project, field):
    def edit(po):
        po.metadata[field] = "Анна \u202eавонаМ <anna@example.org>"

    found, lines = _findings(project, edit)
    assert [d.code for d in found] == ["bidi-control"]
    assert field in found[0].message and found[0].severity is Severity.ERROR
    assert "\u202e" in lines[found[0].location.line - 1]


def test_a_plural_form_is_checked_too(project):
    def edit(po):
        e = next(e for e in po if not e.obsolete)
        e.msgid_plural = e.msgid + " (%d)"
        e.msgstr_plural = {0: e.msgstr, 1: e.msgstr, 2: "два\u200bслова"}
        e.msgstr = ""

    found, lines = _findings(project, edit)
    assert [d.code for d in found] == ["zero-width"]
    assert lines[found[0].location.line - 1].startswith("msgstr[2]")


@pytest.mark.parametrize("text", [
    "می\u200cخواهم",  # Persian: ZWNJ inside a word
    "क्\u200dष",  # Devanagari: ZWJ in a conjunct
    "👩\u200d💻",  # an emoji ZWJ sequence
    "\u2764\ufe0f\u200d\U0001f525",  # heart on fire (variation selector before the ZWJ)
])
def test_joiners_inside_words_of_scripts_that_need_them_are_fine(project, text):
    def edit(po):
        e = next(e for e in po if not e.obsolete)
        e.msgstr += " " + text

    found, _ = _findings(project, edit)
    assert found == []
    check_characters(text, Path("seed.txt"))  # the source reader accepts them too


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    list(HOSTILE) + ["a", "ж", " ", "\n", "ب", "क", "्", "👩", "\u200c", "\u00ad", "\u00a0", "\u2028"]),
    max_size=12))
def test_seeds_and_check_agree_on_every_text(text):
    """Exactly the texts the source reader refuses are the texts `check` reports."""
    try:
        check_characters(text, Path("seed.txt"))
        refused = False
    except InputError:
        refused = True
    assert refused == any(True for _ in characters.findings(text))
