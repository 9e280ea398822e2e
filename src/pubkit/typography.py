"""Per-language typography: one pass over every string an edition prints.

``typeset(doc)`` returns a new :class:`~pubkit.model.Document` whose text follows the
conventions of ``doc.meta.lang``; :func:`typeset_text` does the same for one plain string
(metadata, byline, colophon, interface strings, dates), so nothing an edition prints escapes
the pass. The rules, per language (``STYLES``; ``kk`` follows ``ky``/``ru``):

- quotes by nesting level: en “…‘…’…”, ru/ky/kk «…„…“…», fr «\u202f…\u202f» with “…” inside;
  apostrophes ’ (``workers’``, ``l’État``, ``’90s``);
- ellipsis: ``...`` → ``…``, never a space before it (``Вьетнама…``);
- dashes: a spaced hyphen, en dash or ``--`` between words becomes the language's dash
  (ru/ky/kk/fr —, en –), with a no-break space before it so no line starts with a dash;
  a number range takes an en dash in every language (``1992–2019``, ``2019–…``);
- a hyphen between a number and a word is non-breaking (U+2011): ``5‑январда``,
  ``2019‑жылы``, ``90‑х``, ``81‑year‑old`` stay on one line;
- ru: a no-break space after the one-letter prepositions and conjunctions
  (в к с у о и а я), so none ends a line;
- numbers: ru/ky/kk/fr group thousands with U+202F (``12 000``; four digits stay), a
  no-break space joins a number to its unit or sign (``570 $``, ``75 %``, ``107 млн``) and to
  the word it counts (``30 жылда``, ``27 января 2022 г.``, ``January 27``), ``№ 5``;
- initials and titles stay with the name: ``Dr. A. Seitkali``;
- fr: U+202F before ; : ! ? and inside « ».

Only :class:`~pubkit.model.Text` spans change. Code spans, link targets and anything that
looks like a URL or an e-mail address are never touched; a :class:`~pubkit.model.Span` in
another language is typeset by that language's rules. A rule may look across span
boundaries (a quote just before an emphasis opens), so each passage is processed as one
string whose characters remember the span they came from.

Invariants (tested with Hypothesis): typesetting never changes a letter or a digit, and it
is idempotent (``typeset(typeset(doc)) == typeset(doc)``) for text typed with straight
quotes (in English without a straight single quote, which is also the apostrophe; the
golden cases pin its ordinary uses).
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
    Span,
    Text,
    normalize_inlines,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
THIN = "\u2009"
NBHY = "\u2011"  # NON-BREAKING HYPHEN
OBJ = "\ufffc"  # stands for a code span or a Span: a word-like thing no rule may change

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
_STRONG_SPACE = " \t\u00a0"
_STRONG_OPEN_PREV = "\u0000 \t\u00a0([{<\u2014\u2013/"
_CLOSE_PREV = ".,;:!?…)]"
_SPACES = " \u00a0\u202f\u2009"
_LETTER = r"[^\W\d_]"
_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁӨҮҢҚҒҰҺІ"


@dataclass(frozen=True)
class Style:
    """A language's conventions."""

    outer: tuple[str, str]
    inner: tuple[str, str]
    dash: str = "\u2014"  # the dash a spaced hyphen between words becomes
    group_sep: str = ""  # thousands separator to normalize to ("" = leave numbers alone)
    quote_space: str = ""  # space inside « » (fr)
    punct_space: str = ""  # space before ; : ! ? (fr)
    unit_space: str = NBSP  # no-break space between a number and its unit
    percent_space: str = ""  # space between a number and % (ru, ky, fr); "" = as typed
    one_letter_words: str = ""  # words of one letter that must not end a line (ru)
    number_words: bool = True  # a number stays with the word after it (30 жылда)
    free_words: tuple[str, ...] = ()  # words a number is not bound to (conjunctions: 2008 et 2020)
    months: tuple[str, ...] = ()  # month names a day or year stays with
    titles: tuple[str, ...] = ()  # abbreviations that stay with the name after them
    units: tuple[str, ...] = ()


_COMMON_UNITS = ("%", "‰", "$", "€", "£", "¥", "₽", "₸", "km", "kg", "m", "cm", "mm", "t", "l", "h")
_TITLES = ("Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Gen", "Col", "Sgt", "Mme", "Mlle", "Me")
_CYRILLIC_UNITS = ("км", "кг", "м", "см", "т", "л", "млн", "млрд", "трлн", "тыс.")
_RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря")
_KY = Style(
    outer=("«", "»"), inner=("„", "“"), group_sep=NNBSP, percent_space=NNBSP,
    free_words=("жана", "же", "менен", "бирок", "жә", "және", "мен", "немесе", "бірақ"),
    titles=(*_TITLES, "Др", "проф"),
    units=(*_COMMON_UNITS, *_CYRILLIC_UNITS, "саат", "миң", "миллион", "миллиард", "доллар", "сом",
           "теңге", "пайыз", "жыл", "жылы"),
)

STYLES: dict[str, Style] = {
    "en": Style(
        outer=("“", "”"), inner=("‘", "’"), dash="\u2013", titles=_TITLES, number_words=False,
        months=("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"),
        units=(*_COMMON_UNITS, "million", "billion", "trillion", "thousand", "percent", "per cent",
               "dollars", "euros", "tenge", "som"),
    ),
    "ru": Style(
        outer=("«", "»"), inner=("„", "“"), group_sep=NNBSP, percent_space=NNBSP,
        one_letter_words="вксуоиаяВКСУОИАЯ", months=_RU_MONTHS,
        free_words=("или", "но", "да", "либо", "по", "до", "от", "на", "за", "из", "при", "для", "что", "как"), titles=(*_TITLES, "проф"),
        units=(*_COMMON_UNITS, *_CYRILLIC_UNITS, "ч",
               "миллион", "миллиона", "миллионов", "миллиард", "миллиарда", "миллиардов",
               "доллар", "доллара", "долларов", "долл.", "руб.", "рублей", "тенге", "сом", "процентов",
               "процента", "года", "году", "год", "лет"),
    ),
    "ky": _KY,
    "kk": _KY,  # Kazakh: the same quotes, dashes and number rules as Kyrgyz
    "fr": Style(
        outer=("«", "»"), inner=("“", "”"), group_sep=NNBSP, quote_space=NNBSP, punct_space=NNBSP,
        unit_space=NNBSP, percent_space=NNBSP, titles=_TITLES,
        free_words=("et", "ou", "mais", "ni", "car", "pour", "par", "sur", "dans", "avec", "sans", "qui", "que",
                    "de", "des", "du", "en", "au", "aux", "le", "la", "les", "à"),
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                "octobre", "novembre", "décembre"),
        units=(*_COMMON_UNITS, "millions", "million", "milliards", "milliard", "dollars", "euros",
               "tenges", "soms", "ans"),
    ),
}


def style_for(lang: str) -> Style | None:
    return STYLES.get(lang.split("-")[0].lower()) if lang else None


def _apostrophes(buf: _Buf) -> None:
    # letter'letter (don't, l'homme, workers') → ’ ; '90s → ’90s
    buf.sub(re.compile(r"(?<=\w)'(?=\w)"), "’")
    buf.sub(re.compile(r"(?<![\w'])'(?=\d\ds\b)"), "’")
    buf.sub(re.compile(r"(?<=s)'(?=[\s\u00a0.,;:!?)]|$)"), "’")  # plural possessive: workers'


def _ellipses(buf: _Buf) -> None:
    buf.sub(re.compile(r"(?<!\.)\.\.\.(?!\.)"), "…")
    # no space between a word and the ellipsis after it: "Vietnam …" → "Vietnam…"
    buf.sub(re.compile(r"(?<=[\w»”“’)\]])[ \u00a0\u202f\u2009]+(?=…)"), "")


def _quotes(buf: _Buf, st: Style, english_singles: bool, keep_typed: bool = False) -> None:
    """Pair quotation marks by context and nesting, then write the language's marks.

    Double marks (straight, curly, guillemets) alternate outer/inner by depth. In English,
    single marks are quotes too (‘ ’); a closing single mark with no open single quote is
    an apostrophe. ``keep_typed``: only straight marks change; typographic ones the author
    typed («», „“, “”) stay as written.
    """
    s = buf.text
    marks = _QUOTES + ("'‘’" if english_singles else "")
    if keep_typed:
        marks = "\"'" if english_singles else "\""
    stack: list[tuple[int, bool, int]] = []  # (depth, single, position)
    out: dict[int, str] = {}
    opened: set[int] = set()
    closed: set[int] = set()

    def pair(depth: int, single: bool) -> tuple[str, str]:
        # a typed single quote stays single; double marks alternate with the nesting depth
        return st.inner if single or depth % 2 else st.outer

    own = {st.outer[0]: True, st.outer[1]: False, st.inner[0]: True, st.inner[1]: False}
    for i, ch in enumerate(s):
        if ch not in marks or buf.locked[i]:
            continue
        prev = s[i - 1] if i else "\u0000"
        nxt = s[i + 1] if i + 1 < len(s) else " "
        single = ch in "'‘’"
        if single and prev.isalnum() and nxt.isalnum():
            continue  # an apostrophe, not a quote
        if ch in own:
            opening = own[ch]  # the language's own mark says which way it faces
        elif ch in "«„":
            opening = True
        elif ch == "»":
            opening = False
        elif i - 1 in opened:
            opening = True  # right after an opening mark: "„… or «"…
        elif i - 1 in closed:
            opening = False  # right after a closing mark: …"" or …»"
        else:
            opening = prev in _OPEN_CONTEXT and not nxt.isspace()
            if ch in "”’" and not any(sg == single for _, sg, _ in stack):
                opening = False
        # Where the context is unambiguous it wins (a typed “ before a word opens in Russian
        # too); so the marks written here face the way a second pass reads them.
        if opening and (prev.isalnum() or prev in _CLOSE_PREV) and nxt in _STRONG_SPACE:
            opening = False
        elif not opening and ch != "’" and prev in _STRONG_OPEN_PREV and nxt.isalnum():  # ’90s
            opening = True
        if opening:
            depth = len(stack)
            stack.append((depth, single, i))
            out[i] = pair(depth, single)[0]
            opened.add(i)
            continue
        if single:
            if stack and stack[-1][1]:
                depth, _, _ = stack.pop()
                out[i] = pair(depth, True)[1]
                closed.add(i)
            else:
                out[i] = "’"  # apostrophe (workers’, ’90s)
            continue
        while stack and stack[-1][1]:
            _, _, at = stack.pop()  # an unclosed single mark was an apostrophe after all
            out.pop(at, None)
        if not stack:
            continue  # unmatched closing mark: leave it as typed
        depth, _, _ = stack.pop()
        out[i] = pair(depth, False)[1]
        closed.add(i)
    if out:
        buf.chars = [out.get(i, c) for i, c in enumerate(buf.chars)]


def _dashes(buf: _Buf, st: Style) -> None:
    # a number range: 1992-2019, 1992 - 2019, (2019-…) → en dash, every language
    buf.sub(
        re.compile(r"(?<![\w.,/\-\u2011\u2013])(\d{1,4})\s?[-\u2013]\s?(\d{1,4}|…)(?![\w\u2013]|[.,/]\d|[-\u2011]\d)"),
        lambda m: f"{m.group(1)}\u2013{m.group(2)}",
    )
    # a hyphen between a number and a word never breaks: 5-январда, 2019-жылы, 90-х
    buf.sub(re.compile(rf"(?<=\d)-(?={_LETTER})"), NBHY)
    # a spaced hyphen, en/em dash or -- between words: the language's dash, no break before it
    buf.sub(re.compile(r"(?<=\S)[ \u00a0](?:--?|\u2013|\u2014)(?=[ \u00a0]|$)"), NBSP + st.dash)
    # a passage that opens with a dash (dialogue): the space after it does not break
    buf.sub(re.compile(r"^(?:--?|\u2013|\u2014) (?=\S)"), st.dash + NBSP)


def _one_letter_words(buf: _Buf, st: Style) -> None:
    if st.one_letter_words:
        letters = re.escape(st.one_letter_words)
        buf.sub(re.compile(rf"(?<!\w)(?<![\-\u2011.])([{letters}]) (?=\S)"), lambda m: m.group(1) + NBSP)


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
    # a number and the word it counts: 30 жылда, 27 января, 2022 г., 12 000 человек
    if st.number_words:
        free = "|".join(re.escape(w) for w in st.free_words) or "(?!)"
        buf.sub(re.compile(rf"(?<=\d) (?!(?:{free})(?!\w))(?={_LETTER}{{2}})"), NBSP)  # (not "12 и 13": that chain is long)
        buf.sub(re.compile(rf"(?<=\d) (?={_LETTER}{{1,3}}\.)"), NBSP)  # 2022 г., 5 т.
    buf.sub(re.compile(r"(?<=№) ?(?=\d)"), NBSP)
    if st.months:
        # a month and the day or year beside it: January 27, января 2022
        months = "|".join(re.escape(m) for m in st.months)
        buf.sub(re.compile(rf"(?<![\w])((?:{months})) (?=\d)", re.IGNORECASE), lambda m: m.group(1) + NBSP)


def _initials(buf: _Buf, st: Style) -> None:
    # an initial stays with what follows it: A. Seitkali, A. B. Seitkali
    buf.sub(re.compile(rf"(?<![\w.\-\u2011])([{_UPPER}]\.) (?=[{_UPPER}])"), lambda m: m.group(1) + NBSP)
    if st.titles:
        titles = "|".join(re.escape(t) for t in st.titles)
        buf.sub(re.compile(rf"(?<![\w.])((?:{titles})\.) (?=[{_UPPER}])"), lambda m: m.group(1) + NBSP)


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


# The passes, in order. Each is idempotent, and none undoes another's work.
def _quotes_pass(buf: _Buf, st: Style, keep_typed: bool = False) -> None:
    _quotes(buf, st, english_singles=(st.outer == ("“", "”")), keep_typed=keep_typed)


PASSES: tuple[Callable[[_Buf, Style], None], ...] = (
    lambda buf, st: _apostrophes(buf),
    _quotes_pass,
    lambda buf, st: _ellipses(buf),
    _dashes,
    _numbers,
    _one_letter_words,
    _initials,
    _french_spaces,
)


def typeset_text(text: str, lang: str, keep_typed: bool = False) -> str:
    """One plain string typeset as a passage in ``lang`` (titles, metadata, interface strings)."""
    return typeset_inlines((Text(text),), lang, keep_typed)[0].text if text else text  # type: ignore[union-attr]


def _leaves(spans: tuple[Inline, ...], out: list[Inline]) -> list[Inline]:
    """Text, Code and Span leaves in reading order (a Span is typeset on its own)."""
    for span in spans:
        if isinstance(span, (Text, Code, Span)):
            out.append(span)
        elif isinstance(span, CONTAINER_INLINES):
            _leaves(span.children, out)
    return out


def typeset_inlines(spans: tuple[Inline, ...], lang: str, keep_typed: bool = False) -> tuple[Inline, ...]:
    """Inline spans of one passage in ``lang``, typeset (see the module docstring).

    ``keep_typed``: the passage is the author's own text in its own language, whose
    typographic quotation marks stay as typed (only straight ones are converted)."""
    st = style_for(lang)
    if st is None or not spans:
        return spans
    leaves = _leaves(spans, [])
    chars: list[str] = []
    owner: list[int] = []
    locked: list[bool] = []
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, Text):
            chars += list(leaf.text)
            owner += [i] * len(leaf.text)
            locked += [False] * len(leaf.text)
        else:  # Code or Span: one word-like character no rule may change
            chars.append(OBJ)
            owner.append(-1)
            locked.append(True)
    buf = _Buf(chars, owner, locked)
    buf.lock(_URLISH)
    for rule in PASSES:
        if rule is _quotes_pass:
            _quotes_pass(buf, st, keep_typed)
        else:
            rule(buf, st)
    texts: dict[int, list[str]] = {}
    for ch, own in zip(buf.chars, buf.owner, strict=False):
        if own >= 0:
            texts.setdefault(own, []).append(ch)
    new_text = {i: "".join(texts.get(i, [])) for i, leaf in enumerate(leaves) if isinstance(leaf, Text)}
    counter = iter(range(len(leaves)))

    def rebuild(seq: tuple[Inline, ...]) -> list[Inline]:
        out: list[Inline] = []
        for span in seq:
            if isinstance(span, Text):
                out.append(Text(new_text[next(counter)]))
            elif isinstance(span, Code):
                next(counter)
                out.append(span)
            elif isinstance(span, Span):
                next(counter)
                out.append(replace(span, children=typeset_inlines(span.children, span.lang or lang)))
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
        return b  # other blocks carry no typeset text

    return replace(
        doc,
        meta=replace(doc.meta, title=typeset_text(doc.meta.title, lang), subtitle=typeset_text(doc.meta.subtitle, lang)),
        blocks=tuple(block(b) for b in doc.blocks),
    )
