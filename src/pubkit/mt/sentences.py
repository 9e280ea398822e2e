"""An offline, rule-based sentence splitter that knows abbreviations.

Why not Stanza/spaCy/MiniSBD (what argostranslate uses): they download models at first use
and pull torch or onnxruntime. A missed split only makes one sentence longer; a wrong split
cuts a sentence in half and ruins its translation, so every doubtful case does not split.
"""

from __future__ import annotations

import re

# Never the end of a sentence when followed by a capital ("Mr. Smith", "e.g. The").
ABBREVIATIONS = frozenset("""
mr mrs ms mssrs messrs dr prof sr jr st mt ft gen col lt maj sgt capt cmdr adm gov sen rep rev hon pres
supt insp det fr sra sr srta mme mlle mm
vs v cf al approx ca esp dept univ assn bros
jan feb mar apr jun jul aug sep sept oct nov dec
e.g i.e a.m p.m
""".split())
# Abbreviations that stand before a number: "No. 5", "p. 12", "Art. 3", "vol. 2".
NUMBER_ABBREVIATIONS = frozenset(
    "no nos nr vol vols p pp fig figs art arts sec ch chap para ed eq op".split())

# French sets a (narrow) space inside guillemets: « Partez ! »
_BOUNDARY = re.compile(r"([.!?…]+)((?:[ \u00a0\u202f]?»)?[\"'”’»)\]]*)(\s+)")
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")  # U.S, e.g, U.S.S.R (final dot stripped)
_OPENERS = "\"'“‘«([¿¡"
_QUOTES = "\"'”’»"
_LIST_NUMBER = re.compile(r"^(?:\d{1,3}|[IVXivx]{1,5}|[a-zA-Z])$")  # "1.", "12.", "IV.", "a."


def split_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, without surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for m in _BOUNDARY.finditer(text):
        end = m.end(2)
        nxt = m.end()
        if nxt >= len(text) or not _splits(text, m, start):
            continue
        if end > start:
            spans.append((start, end))
        start = nxt
    tail_end = len(text.rstrip())
    if tail_end > start:
        spans.append((start, tail_end))
    return spans


def split(text: str) -> list[str]:
    """The sentences of ``text``."""
    return [text[a:b] for a, b in split_spans(text)]


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _splits(text: str, m: re.Match[str], start: int) -> bool:
    after = text[m.end():]
    first = after.lstrip(_OPENERS)[:1] or after[:1]
    if not first or first.islower():
        return False  # "etc. and", "U.S. officials": a sentence starts with a capital
    if after[:1] in "—–-":
        return False  # «Уходи!» — крикнул он: the quote's speaker follows
    if after[:1] in "([" and any(q in m.group(2) for q in _QUOTES):
        return False  # «Шал, кет!» ("Old man, go!"): a gloss of the quote, same sentence
    sofar = text[start:m.start(1)].strip()
    if m.group(1) != ".":
        return True  # "!", "?", "...", "…"
    word = sofar.rsplit(None, 1)[-1] if sofar else ""
    listed = word == sofar or sofar[:-len(word)].rstrip()[-1:] in ":;"
    if not m.group(2) and _LIST_NUMBER.match(word) and listed:
        return False  # "1. Open the box", "Steps: 1. Open": a list number is no sentence
    word = word.lstrip(_OPENERS)
    low = word.lower()
    if not word:
        return True
    if low in ABBREVIATIONS or _DOTTED.match(word):
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "J. Smith"
    if low in NUMBER_ABBREVIATIONS and first.isdigit():
        return False
    return True
