"""What single lines of a pasted plain-text article are: CMS leftovers, bylines, list
markers, headings by shape, attributions; and the inline parts of a line (URLs, footnote
markers). Pure functions on strings; :mod:`.plaintext` puts blocks together from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Inline, Link, NoteRef, Text, tidy_inlines
from .source import parse_dateline

# Lines a CMS adds around an article (WordPress, Blogger, Medium, newsletters). Dropped.
LEFTOVER = re.compile(
    r"^\s*(?:Comments? (?:Off|Closed)(?: on\b.*)?|Leave a (?:comment|reply)\b.*"
    r"|Share this(?: article| post)?:?"
    r"|Share on \w+.*|Click to (?:share|print|email)\b.*|Like this:?|Like Loading\W*|Loading\W*"
    r"|(?:Tags?|Categories|Category|Filed under|Tagged(?: with)?):.*|(?:Twitter|Facebook|Email|Print|LinkedIn"
    r"|WhatsApp|Telegram|Reddit|Tumblr|Pinterest|Pocket|More)(?: \(Opens in new window\))?"
    r"|\d+ (?:comments?|responses?|replies)|No comments(?: yet)?\.?|Read more\W*|Continue reading\W*"
    r"|(?:Related(?: posts| articles| stories)?|You may also like|Previous post|Next post)\b:?.*"
    r"|Unsubscribe\b.*|View this email in your browser\W*|Forward to a friend\W*|#{3}|-30-)\s*$",
    re.I,
)
# Leftovers that take the rest of their block with them (a list of related links).
LEFTOVER_BLOCK = re.compile(r"^\s*(?:Related(?: posts| articles| stories)?|You may also like):?\s*$", re.I)

_NAME = r"(?P<author>[^|•·\d][^|•·]{1,60}?)"
_DATE = r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|\d{4}-\d{2}-\d{2})"
BYLINES = (
    re.compile(rf"^\s*Posted (?:by|By) {_NAME} on {_DATE}(?:\s*[|•·].*)?$"),
    re.compile(rf"^\s*Posted on {_DATE} by {_NAME}(?:\s*[|•·].*)?$"),
    re.compile(rf"^\s*(?:Posted|Published) on {_DATE}(?:\s*[|•·].*)?$"),
    re.compile(rf"^\s*(?:By|by|Posted by) {_NAME}\s*[|•·]\s*{_DATE}(?:\s*[|•·].*)?$"),
    re.compile(rf"^\s*(?:By|Posted by) {_NAME}(?:\s*[|•·]\s*\d+ comments?)?$"),
)

# A thematic break on a line of its own: `* * *`, `***`, `---`, `___`, `⁂`, `~ ~ ~` (never `--`, an
# e-mail's signature separator). A list item always has text after its marker, so `* * *` is not one.
BREAK = re.compile(r"^\s*(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|(?:~\s*){3,}|(?:·\s*){3,}|⁂)\s*$")
BULLET = re.compile(r"^(?P<marker>[•◦▪‣·●○■□–\-*+]|o(?=\t))\s+(?=\S)")  # Word writes "o<tab>" at level 2
ENUM = re.compile(
    r"^(?P<marker>\(?(?P<num>\d{1,3}|[a-zA-Z]|[ivxlcdm]{1,6}|[IVXLCDM]{1,6})(?P<delim>[.)]))\s+(?=\S)"
)
SECTION = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)")  # 2.1 Wages
ATTRIBUTION = re.compile(r"^\s*(?:—|―|–|--)\s*(?P<who>\S.{0,100})$")
SPEAKER = re.compile(  # "Q: …", "Dana Nurlanova: …"
    r"^\s*(?:Q|A|Question|Answer|Interviewer|[A-Z][\w.\-]{0,20}(?: [A-Z][\w.\-]{0,20})?)\s*:\s+\S"
)
FINAL_PUNCT = ".,;:…"
HEADING_MAX = 100
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def leftover(line: str) -> bool:
    return bool(LEFTOVER.match(line))


@dataclass(frozen=True)
class Byline:
    author: str
    date: str  # ISO, or ""


def byline(line: str) -> Byline | None:
    """A CMS byline ("Posted by X on DATE | 3 comments"): its author and date, else None."""
    if len(line) > 160:
        return None
    for pat in BYLINES:
        m = pat.match(line)
        if m:
            groups = m.groupdict()
            author = (groups.get("author") or "").strip()
            date = parse_dateline(groups["date"]) if groups.get("date") else ""
            return Byline(author, date or "")
    return None


@dataclass(frozen=True)
class Marker:
    """A list marker: ``kind`` is bullet or the ordered style (1, a, A, i, I)."""

    kind: str
    value: int  # the item's number (1 for bullets)
    delim: str  # "." or ")" (")" also for "(a)")
    length: int  # characters the marker and its space take
    symbol: str = ""  # the bullet character


def roman(text: str) -> int:
    total, prev = 0, 0
    for ch in reversed(text.lower()):
        v = ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def marker(line: str, prefer_roman: bool = False) -> Marker | None:
    """The list marker a line starts with (after its indentation), else None.

    One letter that is also a Roman numeral (i, v, x …) counts as a letter unless
    ``prefer_roman`` (the list already counts in Roman numerals).
    """
    text = line.lstrip()
    m = BULLET.match(text)
    if m:
        return Marker("bullet", 1, "", m.end(), m.group("marker"))
    m = ENUM.match(text)
    if not m:
        return None
    num, delim = m.group("num"), m.group("delim")
    if m.group("marker").startswith("(") and delim != ")":
        return None
    if num.isdigit():
        return Marker("1", int(num), delim, m.end())
    is_roman = all(c in ROMAN for c in num.lower()) and (len(num) > 1 or prefer_roman or num in "iI")
    if is_roman:
        return Marker("i" if num.islower() else "I", roman(num), delim, m.end())
    if len(num) == 1:
        return Marker("a" if num.islower() else "A", ord(num.lower()) - 96, delim, m.end())
    return None


def section_level(text: str) -> int:
    """1 for "2) …"/"II. …"/"2.", 2 for "2.1 …", 3 for "2.1.3 …"."""
    m = SECTION.match(text.strip())
    return min(3, m.group("num").count(".") + 1) if m else 1


def heading_shape(text: str) -> str:
    """Why a one-line block looks like a heading ("numbered", "caps", "question",
    "unpunctuated"), or "" when it reads as a sentence."""
    text = text.strip()
    if not text or len(text) > HEADING_MAX or SPEAKER.match(text):
        return ""
    m = marker(text)
    if (SECTION.match(text) or (m and m.kind != "bullet")) and text[-1] not in FINAL_PUNCT + "!":
        return "numbered"
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        return "caps"
    if text[-1] in "?!" and len(text) <= 80:
        return "question"
    if text[-1] not in FINAL_PUNCT + "?!\"”»’)" and not ATTRIBUTION.match(text):
        return "unpunctuated"
    return ""


# ---------------------------------------------------------------------- inline

URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"«»“”]+[^\s<>\"«»“”.,;:!?)\]’']")
NOTE_MARK = re.compile(r"(?<=\S)(?:\[(\d{1,3})\]|([¹²³⁴⁵⁶⁷⁸⁹⁰]+))")
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
NOTE_LINE = re.compile(r"^\s*(?:\[(\d{1,3})\]|([¹²³⁴⁵⁶⁷⁸⁹⁰]+))\s*(?=\S)")


def note_id(bracketed: str | None, superscript: str | None) -> str:
    return bracketed if bracketed else (superscript or "").translate(SUPERSCRIPT)


def inlines(text: str, notes: frozenset[str] = frozenset()) -> tuple[Inline, ...]:
    """A line's text as inline spans: URLs become links, ``[1]``/``¹`` markers whose note
    exists (``notes``) become note references."""
    spans: list[Inline] = []
    pos = 0
    pieces = sorted(
        [(m.start(), m.end(), "url", m) for m in URL.finditer(text)]
        + [(m.start(), m.end(), "note", m) for m in NOTE_MARK.finditer(text) if notes]
    )
    for start, end, kind, m in pieces:
        if start < pos:
            continue
        if kind == "note":
            ident = note_id(m.group(1), m.group(2))
            if ident not in notes:
                continue
            spans.append(Text(text[pos:start]))
            spans.append(NoteRef(ident))
        else:
            url = m.group(0)
            spans.append(Text(text[pos:start]))
            spans.append(Link((Text(url),), url if "://" in url else "https://" + url))
        pos = end
    spans.append(Text(text[pos:]))
    return tidy_inlines(spans)
