"""Inline tags around machine translation: strip before, restore after, always well-nested.

Why strip: MT models (Argos ones included) drop, duplicate or reorder markup they were not
trained on. The model sees plain sentences; every tag remembers the sentence it was in and
its relative word position there, and is put back at the same relative position of the
translated sentence. The result has every input tag, in input order (so nesting is kept),
deterministically, whatever the model does; a tag pair that held words keeps at least one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sentences import split_spans

_TAG = re.compile(r"<(/?)(\d+)(/?)>")
_NEEDS_ESCAPE = re.compile(r"<(?=/?\d)")
_TRAIL = re.compile(r"[.,;:!?…)\]»\"'”’]+$")
_LEAD = re.compile(r"^[(\[«\"'“‘¿¡]+")


@dataclass
class Tag:
    text: str  # "<1>", "</1>", "<2/>"
    kind: str  # "open", "close", "void"
    offset: int  # in the plain text
    sentence: int = 0
    frac: float = 0.0
    gap: int = 0
    attach: str = "alone"  # void tags: "alone" between spaces, "left" or "right" to a word


@dataclass
class Prepared:
    """A unit text ready for the model: its plain sentences and where its tags go."""

    sentences: list[str]
    tags: list[Tag]
    words_inside: dict[int, int]  # index of an open tag → words it enclosed in the source
    verbatim: str | None = None  # nothing to translate: give this back as is


def escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(r"\\<", text.replace("\\", "\\\\"))


def strip(text: str) -> tuple[str, list[Tag]]:
    """Unit text → plain text (escapes resolved) and its tags with plain-text offsets."""
    out: list[str] = []
    tags: list[Tag] = []
    i, n = 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "\\<":
            out.append(text[i + 1])
            n += 1
            i += 2
            continue
        if ch == "<":
            m = _TAG.match(text, i)
            if m and not (m.group(1) and m.group(3)):
                kind = "close" if m.group(1) else "void" if m.group(3) else "open"
                tag = Tag(m.group(0), kind, n)
                if kind == "void":
                    before = out[-1] if out else ""
                    after = text[m.end():m.end() + 1]
                    if before and not before.isspace():
                        tag.attach = "left"
                    elif after and not after.isspace():
                        tag.attach = "right"
                tags.append(tag)
                i = m.end()
                continue
        out.append(ch)
        n += 1
        i += 1
    return "".join(out), tags


def prepare(text: str) -> Prepared:
    plain, tags = strip(text)
    spans = split_spans(plain)
    if not spans:
        return Prepared([], tags, {}, verbatim=text)
    for tag in tags:
        if tag.kind == "close":
            idx = max([i for i, (s, _) in enumerate(spans) if s < tag.offset] or [0])
        else:
            idx = min([i for i, (_, e) in enumerate(spans) if tag.offset < e] or [len(spans) - 1])
        s, e = spans[idx]
        total = len(plain[s:e].split()) or 1
        before = len(plain[s:min(max(tag.offset, s), e)].split())
        inside_word = not plain[tag.offset - 1:tag.offset].isspace()
        if tag.kind == "open" and tag.offset < e and before and inside_word:
            before -= 1  # inside a word: "un<1>usual</1>" opens before that word
        tag.sentence, tag.frac = idx, before / total
    # keep input order even where sentence edges are ambiguous
    for prev, tag in zip(tags, tags[1:], strict=False):
        if tag.sentence < prev.sentence:
            tag.sentence, tag.frac = prev.sentence, prev.frac
        elif tag.sentence == prev.sentence:
            tag.frac = max(tag.frac, prev.frac)
    inside = {}
    for a, tag in enumerate(tags):
        if tag.kind == "open":
            b = _partner(tags, a)
            if b is not None:
                inside[a] = len(plain[tag.offset:tags[b].offset].split())
    return Prepared([plain[s:e] for s, e in spans], tags, inside)


def _partner(tags: list[Tag], a: int) -> int | None:
    close = "</" + tags[a].text[1:]
    for b in range(a + 1, len(tags)):
        if tags[b].text == close:
            return b
    return None


def restore(prep: Prepared, translated: list[str]) -> str:
    """Translated plain sentences → unit text with every tag back in place (escaped)."""
    if prep.verbatim is not None:
        return prep.verbatim
    words = [s.split() for s in translated]
    for tag in prep.tags:
        tag.gap = int(tag.frac * len(words[tag.sentence]) + 0.5)
    _keep_words_inside(prep, words)
    pieces = []
    for i, sent in enumerate(words):
        pieces.append(_render(sent, [t for t in prep.tags if t.sentence == i]))
    return " ".join(p for p in pieces if p)


def _keep_words_inside(prep: Prepared, words: list[list[str]]) -> None:
    tags = prep.tags
    for a, count in prep.words_inside.items():
        b = _partner(tags, a)
        if not count or b is None or tags[a].sentence != tags[b].sentence:
            continue
        n = len(words[tags[a].sentence])
        if n == 0 or tags[b].gap > tags[a].gap:
            continue
        if tags[a].gap >= n:  # opened at the very end: move it (and earlier tags) one word back
            for t in tags[:a + 1]:
                if t.sentence == tags[a].sentence and t.gap > n - 1:
                    t.gap = n - 1
        new = tags[a].gap + 1
        for t in tags[b:]:
            if t.sentence == tags[b].sentence and t.gap < new:
                t.gap = new


def _render(words: list[str], tags: list[Tag]) -> str:
    """Words with tags at gaps: closers hug the previous word, openers the next one."""
    words = [escape(w) for w in words]
    at: dict[int, list[Tag]] = {}
    for t in tags:
        at.setdefault(t.gap, []).append(t)
    out: list[str] = []
    for g in range(len(words) + 1):
        group = at.get(g, [])
        left = []
        while group and (group[0].kind == "close" or (group[0].kind == "void" and group[0].attach == "left")):
            left.append(group.pop(0).text)
        if left:
            if out:
                m = _TRAIL.search(out[-1])
                cut = m.start() if m and m.start() > 0 else len(out[-1])
                out[-1] = out[-1][:cut] + "".join(left) + out[-1][cut:]
            else:
                out.append("".join(left))
        glued = ""
        for t in group:
            if t.kind == "void" and t.attach == "alone":
                if glued:
                    out.append(glued)
                    glued = ""
                out.append(t.text)
            else:
                glued += t.text
        if g < len(words):
            w = words[g]
            m = _LEAD.match(w)
            cut = m.end() if m and m.end() < len(w) else 0
            out.append(w[:cut] + glued + w[cut:])
        elif glued:
            if out:
                out[-1] += glued
            else:
                out.append(glued)
    return " ".join(out)
