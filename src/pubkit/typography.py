"""Per-language typography, applied once to the Document so every edition format gets it.

``typeset(doc)`` returns a new :class:`~pubkit.model.Document` whose text spans follow the
conventions of ``doc.meta.lang``:

- en: curly quotes “ ” with ‘ ’ inside, apostrophes ’;
- ru, ky: « » with „ “ inside (straight and English curly quotes are converted);
- fr: « » with a narrow no-break space (U+202F) inside, “ ” inside those, U+202F before
  ; : ! ? (a plain or no-break space the translator typed is replaced), apostrophes ’;
- ru, ky, fr: thousands grouped with a narrow no-break space (U+202F, which justification
  does not stretch) and the same space before %:
  ``12,000`` / ``12000`` / ``12 000`` → ``12 000``; four-digit numbers (years, ``1992-2019``)
  are left alone;
- every language: no line break between a number and its unit or currency sign
  (``570 $``, ``75 %``, ``$ 570``, ``107 million``).

Only :class:`~pubkit.model.Text` spans change. Code spans, link targets and anything
that looks like a URL or an e-mail address inside text are never touched. A rule may look
across span boundaries (a quote just before an emphasis opens), so each passage (title,
heading, paragraph, list item …) is processed as one string whose characters remember the
span they came from; a replacement keeps each character in its span.

Invariant (tested): ``typeset(typeset(doc)) == typeset(doc)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .model import (
    CONTAINER_INLINES,
    BlockQuote,
    Code,
    Dateline,
    Document,
    Heading,
    Inline,
    ListBlock,
    Paragraph,
    Signature,
    Text,
    normalize_inlines,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
THIN = "\u2009"
OBJ = "\ufffc"  # stands for a code span: a word-like thing no rule may change

# ------------------------------------------------------------ the character buffer


@dataclass
class _Buf:
    """A passage as one string; every character knows its span (-1: locked, e.g. code)."""

    chars: list[str]
    owner: list[int]
    locked: list[bool]

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> None:
        """Like ``re.sub``, but never changes a locked character and keeps span ownership."""
        s = self.text
        chars: list[str] = []
        owner: list[int] = []
        locked: list[bool] = []
        pos = 0
        for m in pattern.finditer(s):
            a, b = m.span()
            chars += self.chars[pos:a]
            owner += self.owner[pos:a]
            locked += self.locked[pos:a]
            pos = b
            new = repl(m) if callable(repl) else m.expand(repl)
            if any(self.locked[a:b]) or new == m.group(0):
                chars += self.chars[a:b]
                owner += self.owner[a:b]
                locked += self.locked[a:b]
                continue
            n = b - a
            for i, ch in enumerate(new):
                if n == 0:  # pure insertion: belongs with the following character
                    src = a if a < len(s) else a - 1
                else:
                    src = a + min(i, n - 1)
                own = self.owner[src] if 0 <= src < len(s) else 0
                chars.append(ch)
                owner.append(own)
                locked.append(False)
        chars += self.chars[pos:]
        owner += self.owner[pos:]
        locked += self.locked[pos:]
        self.chars, self.owner, self.locked = chars, owner, locked

    def lock(self, pattern: re.Pattern) -> None:
        for m in pattern.finditer(self.text):
            for i in range(*m.span()):
                self.locked[i] = True


_URLISH = re.compile(r"(?:\b(?:https?|ftp|file|mailto|javascript|data):|\bwww\.)\S+|\S+@\S+\.\w+")

# --------------------------------------------------------------------- the rules

_OPEN_CONTEXT = "\u0000 \t\u00a0\u202f\u2009([{<\u2014\u2013-/«„"
_QUOTES = "\"«»“”„‟"


@dataclass(frozen=True)
class Style:
    """A language's conventions."""

    outer: tuple[str, str]
    inner: tuple[str, str]
    group_sep: str = ""  # thousands separator to normalize to ("" = leave numbers alone)
    quote_space: str = ""  # space inside « » (fr)
    punct_space: str = ""  # space before ; : ! ? (fr)
    unit_space: str = NBSP  # no-break space between a number and its unit
    percent_space: str = ""  # space between a number and % (ru, ky, fr); "" = as typed
    units: tuple[str, ...] = ()


_COMMON_UNITS = ("%", "‰", "$", "€", "£", "¥", "₽", "₸", "km", "kg", "m", "cm", "mm", "t", "l", "h")

STYLES: dict[str, Style] = {
    "en": Style(
        outer=("“", "”"), inner=("‘", "’"),
        units=(*_COMMON_UNITS, "million", "billion", "trillion", "thousand", "percent", "per cent",
               "dollars", "euros", "tenge", "som"),
    ),
    "ru": Style(
        outer=("«", "»"), inner=("„", "“"), group_sep=NNBSP, percent_space=NNBSP,
        units=(*_COMMON_UNITS, "км", "кг", "м", "см", "т", "л", "ч", "млн", "млрд", "трлн", "тыс.",
               "миллион", "миллиона", "миллионов", "миллиард", "миллиарда", "миллиардов",
               "доллар", "доллара", "долларов", "долл.", "руб.", "рублей", "тенге", "сом", "процентов",
               "процента", "года", "году", "год", "лет"),
    ),
    "ky": Style(
        outer=("«", "»"), inner=("„", "“"), group_sep=NNBSP, percent_space=NNBSP,
        units=(*_COMMON_UNITS, "км", "кг", "м", "см", "т", "л", "саат", "млн", "млрд", "миң",
               "миллион", "миллиард", "доллар", "сом", "теңге", "пайыз", "жыл", "жылы"),
    ),
    "fr": Style(
        outer=("«", "»"), inner=("“", "”"), group_sep=NNBSP, quote_space=NNBSP, punct_space=NNBSP,
        unit_space=NNBSP, percent_space=NNBSP,
        units=(*_COMMON_UNITS, "millions", "million", "milliards", "milliard", "dollars", "euros",
               "tenges", "soms", "ans"),
    ),
}


def style_for(lang: str) -> Style | None:
    return STYLES.get(lang.split("-")[0].lower())


def _apostrophes(buf: _Buf) -> None:
    # letter'letter (don't, l'homme, workers') → ’ ; '90s → ’90s
    buf.sub(re.compile(r"(?<=\w)'(?=\w)"), "’")
    buf.sub(re.compile(r"(?<![\w'])'(?=\d\ds\b)"), "’")
    buf.sub(re.compile(r"(?<=s)'(?=[\s\u00a0.,;:!?)]|$)"), "’")  # plural possessive: workers'


def _quotes(buf: _Buf, st: Style, english_singles: bool) -> None:
    """Pair quotation marks by context and nesting, then write the language's marks.

    Double marks (straight, curly, guillemets) alternate outer/inner by depth. In English,
    single marks are quotes too (‘ ’); a closing single mark with no open single quote is
    an apostrophe.
    """
    s = buf.text
    marks = _QUOTES + ("'‘’" if english_singles else "")
    stack: list[tuple[int, bool]] = []  # (depth, single)
    out: dict[int, str] = {}
    opened: set[int] = set()
    closed: set[int] = set()

    def pair(depth: int, single: bool) -> tuple[str, str]:
        if single:
            return st.inner
        return st.outer if depth % 2 == 0 else st.inner

    for i, ch in enumerate(s):
        if ch not in marks or buf.locked[i]:
            continue
        prev = s[i - 1] if i else "\u0000"
        nxt = s[i + 1] if i + 1 < len(s) else " "
        single = ch in "'‘’"
        if ch in "«„":
            opening = True
        elif ch == "»":
            opening = False
        elif single and prev.isalnum() and nxt.isalnum():
            continue  # an apostrophe, not a quote
        elif i - 1 in opened:
            opening = True  # right after an opening mark: "„… or «"…
        elif i - 1 in closed:
            opening = False  # right after a closing mark: …"" or …»"
        else:
            opening = prev in _OPEN_CONTEXT and not nxt.isspace()
            if ch in "”’" and not any(sg == single for _, sg in stack):
                opening = False
        if opening:
            depth = sum(1 for _, sg in stack if not sg)
            stack.append((depth, single))
            out[i] = pair(depth, single)[0]
            opened.add(i)
            continue
        if single:
            if stack and stack[-1][1]:
                depth, _ = stack.pop()
                out[i] = pair(depth, True)[1]
                closed.add(i)
            else:
                out[i] = "’"  # apostrophe (workers’, ’90s)
            continue
        while stack and stack[-1][1]:
            stack.pop()  # an unclosed single mark was an apostrophe after all
        if not stack:
            continue  # unmatched closing mark: leave it as typed
        depth, _ = stack.pop()
        out[i] = pair(depth, False)[1]
        closed.add(i)
    if out:
        buf.chars = [out.get(i, c) for i, c in enumerate(buf.chars)]


def _group_digits(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def _numbers(buf: _Buf, st: Style) -> None:
    if st.group_sep:
        sep = st.group_sep
        # 12,000 / 12 000 / 12 000 (any space) → grouped with the language's separator
        buf.sub(
            re.compile(r"(?<![\w.,\u00a0\u202f])\d{1,3}(?:[,\u0020\u00a0\u202f\u2009]\d{3})+(?![\w]|[.,]\d)"),
            lambda m: _group_digits(re.sub(r"\D", "", m.group(0)), sep),
        )
        # 12000 and longer (not four digits: years) → 12 000
        buf.sub(re.compile(r"(?<![\w.,\-/:])\d{5,}(?![\w]|[.,/:\-]\d)"), lambda m: _group_digits(m.group(0), sep))
    # a number and its unit or currency sign stay together
    units = sorted(st.units, key=len, reverse=True)
    alt = "|".join(re.escape(u) for u in units)
    sp = st.unit_space
    if st.percent_space:
        buf.sub(re.compile(r"(?<=\d)[ \u00a0\u202f\u2009]?(?=[%‰])"), st.percent_space)
    # (a narrow no-break space already there is kept: it does not break either)
    buf.sub(re.compile(rf"(?<=\d)[ \u2009](?=(?:{alt})(?!\w))"), sp)
    buf.sub(re.compile(r"(?<=[$€£¥₽₸])[ \u2009](?=\d)"), sp)


def _french_spaces(buf: _Buf, st: Style) -> None:
    q = st.quote_space
    if q:
        buf.sub(re.compile(r"«[ \u00a0\u202f\u2009]*"), "«" + q)
        buf.sub(re.compile(r"[ \u00a0\u202f\u2009]*»"), q + "»")
    p = st.punct_space
    if p:
        def before(m: re.Match) -> str:
            s, a = m.string, m.start()
            mark = m.group(1)
            if mark == ":" and a > 0 and s[a - 1].isdigit() and m.end() < len(s) and s[m.end()].isdigit():
                return m.group(0)  # 10:30
            return p + mark

        buf.sub(re.compile(r"(?<=[^\s;:!?(\[«\u202f\u00a0\u2009])[ \u00a0\u2009]?([;:!?])"), before)


def typeset_text(text: str, lang: str) -> str:
    """One string typeset as a passage in ``lang`` (for titles and other plain strings)."""
    return typeset_inlines((Text(text),), lang)[0].text if text else text


def _leaves(spans, out: list):
    for span in spans:
        if isinstance(span, Text):
            out.append(span)
        elif isinstance(span, Code):
            out.append(span)
        elif isinstance(span, CONTAINER_INLINES):
            _leaves(span.children, out)
    return out


def typeset_inlines(spans: tuple[Inline, ...], lang: str) -> tuple[Inline, ...]:
    st = style_for(lang)
    if st is None or not spans:
        return spans
    leaves = _leaves(spans, [])
    chars: list[str] = []
    owner: list[int] = []
    locked: list[bool] = []
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, Code):
            chars.append(OBJ)
            owner.append(-1)
            locked.append(True)
        else:
            chars += list(leaf.text)
            owner += [i] * len(leaf.text)
            locked += [False] * len(leaf.text)
    buf = _Buf(chars, owner, locked)
    buf.lock(_URLISH)
    _apostrophes(buf)
    _quotes(buf, st, english_singles=(st.outer == ("“", "”")))
    _numbers(buf, st)
    _french_spaces(buf, st)
    texts: dict[int, list[str]] = {}
    for ch, own in zip(buf.chars, buf.owner):
        if own >= 0:
            texts.setdefault(own, []).append(ch)
    new_text = {i: "".join(texts.get(i, [])) for i, leaf in enumerate(leaves) if isinstance(leaf, Text)}
    counter = iter(range(len(leaves)))

    def rebuild(seq):
        out = []
        for span in seq:
            if isinstance(span, Text):
                out.append(Text(new_text[next(counter)]))
            elif isinstance(span, Code):
                next(counter)
                out.append(span)
            elif isinstance(span, CONTAINER_INLINES):
                out.append(replace(span, children=tuple(rebuild(span.children))))
            else:  # pragma: no cover
                out.append(span)
        return out

    return normalize_inlines(rebuild(spans))


def typeset(doc: Document) -> Document:
    """The document with the typography of its language (``doc.meta.lang``); pure."""
    lang = doc.meta.lang
    if style_for(lang) is None:
        return doc

    def block(b):
        if isinstance(b, (Heading, Paragraph, Dateline, Signature)):
            return replace(b, content=typeset_inlines(b.content, lang))
        if isinstance(b, ListBlock):
            return replace(b, items=tuple(replace(i, content=typeset_inlines(i.content, lang)) for i in b.items))
        if isinstance(b, BlockQuote):
            return replace(b, blocks=tuple(block(x) for x in b.blocks))
        return b  # pragma: no cover

    return replace(
        doc,
        meta=replace(doc.meta, title=typeset_text(doc.meta.title, lang), subtitle=typeset_text(doc.meta.subtitle, lang)),
        blocks=tuple(block(b) for b in doc.blocks),
    )
