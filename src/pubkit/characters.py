"""Characters no published text may hold: XML-forbidden controls, bidi controls, invisibles.

Why: bidi controls (RLO, LRI …) can reorder what a reader sees ("Trojan source"),
zero-width characters from web pages break search and checks, and XML forbids C0/C1
controls. The same table is used where text enters pubkit: the source reader refuses them
in seeds (:func:`pubkit.readers.source.check_characters`) and ``check`` reports them in
translations and PO headers (:mod:`pubkit.checks`), so the two can never disagree.

ZWJ/ZWNJ (U+200D/U+200C) are legitimate inside words of scripts that need them (Arabic,
Persian, Indic scripts, emoji sequences); they are reported only next to Latin, Cyrillic
or Greek letters, digits, spaces or punctuation, or at the start or end of a text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class CharacterRule:
    code: str
    pattern: re.Pattern[str]
    what: str
    hint: str


RULES: tuple[CharacterRule, ...] = (
    CharacterRule(
        "control-character", re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"),
        "a control character that XML does not allow",
        "delete it; it usually comes from a copy from a word processor or a binary file"),
    CharacterRule(
        "bidi-control", re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"),
        "an invisible right-to-left/left-to-right control character",
        "delete it: it can reorder the text a reader sees; write right-to-left words as plain letters"),
    CharacterRule(
        "zero-width", re.compile("[\u200b\u2060-\u2064\ufeff\u180e]"),
        "an invisible zero-width character",
        "delete it (web pages leave them): e.g. `sed -i 's/\\xe2\\x80\\x8b//g' FILE` for U+200B"),
    CharacterRule(
        "joiner", re.compile("[\u200c\u200d]"),
        "an invisible joiner outside a word of a script that uses joiners",
        "delete it: zero-width joiners belong only inside Arabic, Indic or emoji sequences"),
)

_PLAIN_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def _joins(ch: str) -> bool:
    """Whether a ZWJ/ZWNJ next to ``ch`` can be legitimate (a letter/mark/emoji of another script)."""
    if not ch or unicodedata.category(ch)[0] not in "LMS" or unicodedata.category(ch) == "Sm":
        return False
    return not ch.isascii() and not unicodedata.name(ch, "").startswith(_PLAIN_SCRIPTS)


@dataclass(frozen=True)
class Finding:
    index: int  # in the text
    char: str
    rule: CharacterRule

    def describe(self, text: str) -> str:
        """``U+202E at line 3, column 7 is …`` (line and column 1-based, within ``text``)."""
        line = text.count("\n", 0, self.index) + 1
        col = self.index - (text.rfind("\n", 0, self.index) + 1) + 1
        return f"U+{ord(self.char):04X} at line {line}, column {col} is {self.rule.what}"


def findings(text: str) -> Iterator[Finding]:
    """Every forbidden or invisible character of ``text``, rule by rule, in text order."""
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            i = m.start()
            if rule.code == "joiner" and _joins(text[i - 1:i]) and _joins(text[i + 1:i + 2]):
                continue
            yield Finding(i, m.group(), rule)


def first(text: str) -> Finding | None:
    return next(findings(text), None)
