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


# ------------------------------------------------------------ a web page's clutter

# What a browser's copy of a web page brings along above (and around) the article: navigation,
# labels, bylines, timestamps, reading times, category words, contact lines, image captions.
# Each is recognised on a short line of its own; the reader drops it and shows a guess.
NAVIGATION = re.compile(
    r"^\s*(?:Skip to (?:main |primary )?(?:content|navigation|menu)|Skip navigation|Jump to (?:navigation|content"
    r"|search)|(?:Main |Open |Close |Toggle )?(?:menu|navigation)|Search(?: for)?:?|Home|Sign (?:in|up)|Log ?in"
    r"|Subscribe(?: now)?|Donate(?: now)?|Menu|Error|Error 404|404|Page not found|Back to top|Print(?: this)?"
    r"|Advertisement|Share(?: this)?|You are here:?.*)\s*$", re.I)
NAV_SEPARATORS = re.compile(r"\s(?:\||•|·|»|›|>|/)\s")
LABEL = re.compile(
    r"^\s*(?:(?:Tag|Category|Author|Monthly|Daily|Yearly|Date) Archives?:.*|Archives?(?: for .*)?|Posts tagged .*"
    r"|Press (?:Statement|Release|Briefing)s?|(?:News|Media) (?:Release|Advisory)|Statement|Editorial|Op-?Ed"
    r"|Opinion|Analysis|Commentary|Breaking(?: News)?|Exclusive|Live(?: updates)?|Explainer|Interview"
    r"|Feature|Features|Blog|Newsletter|Latest(?: news)?|Top stories|Most read|For immediate release"
    r"|Embargoed(?: until.*)?)\s*:?\s*$", re.I)
READING_TIME = re.compile(r"^\s*(?:\d+|an?|one)[\s-]*min(?:ute)?s?\.?(?:\s+read(?:ing time)?)?\s*$", re.I)
_CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5}|\s*(?:UTC|GMT)[+-]?\d*)?"
_DAY = (r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}"
        r"|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})")
TIMESTAMP = re.compile(
    rf"^\s*(?:(?:Published|Posted|Updated|Last updated|Last modified|Modified|Date)(?:\s+on)?:?\s+)?"
    rf"(?:{_DAY}(?:\s*(?:at|,|-|–|·|\|)?\s*{_CLOCK})?|{_CLOCK}(?:\s*(?:,|-|–|·|\|)?\s*{_DAY})?"
    rf"|\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago|(?:Yesterday|Today)(?:\s+at\s+{_CLOCK})?)\s*$", re.I)
AGENCY_BYLINE = re.compile(
    r"^\s*(?:(?:Reuters|AP|AFP|Bloomberg|Guardian|BBC|Al Jazeera|News) (?:Staff|staff|Desk|desk|Reporter)"
    r"|Staff (?:Reporter|Writer)|(?:By|BY|by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}){0,3}(?:,?\s+(?:Reuters|AP|AFP))?)\s*$")
CONTACT = re.compile(
    r"^\s*(?:(?:Press |Media )?(?:contact|e-?mail|tel(?:ephone)?\.?|phone|fax|mobile)s?\s*:?\s*.{0,80}"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d ()./-]{7,}\d)\s*$", re.I)
CAPTION = re.compile(
    r"^\s*(?:\(?(?:Photo(?:graph)?|Image|Picture|Illustration|Credit|Caption|Video)s?(?: credit)?\s*:.{1,200}"
    r"|.{1,200}(?:/\s*(?:Reuters|AP|AFP|Getty Images|EPA|Shutterstock)|\((?:AP|AFP|Reuters) Photo.{0,80}\))\.?"
    r"|.{1,200}\b(?:REUTERS|AP Photo|AFP|EPA)/\s?\w.{0,60}"
    r"|.{1,200}\((?:Photo|Image|Picture)(?: by)?[: ].{1,80}\))\s*$", re.I)
CATEGORY_WORDS = frozenset("""
world politics business economy markets europe asia africa americas middle-east opinion sport sports
culture science technology tech health environment climate society international national local news
labour labor unions education media us uk law justice elections
""".split())
HEAD_LINE = 80  # a line of clutter is short


@dataclass(frozen=True)
class Clutter:
    kind: str  # navigation, label, byline, timestamp, reading time, category, contact, caption
    author: str = ""  # a byline's name, offered as the author
    date: str = ""  # a timestamp's date (ISO), offered as the date


def clutter(line: str) -> Clutter | None:
    """What web-page clutter a short line is, or None for a line of the article."""
    text = line.strip()
    if not text or len(text) > 200:
        return None
    if CAPTION.match(text):
        return Clutter("caption")
    if len(text) > HEAD_LINE:
        return None
    if READING_TIME.match(text):
        return Clutter("reading time")
    if NAVIGATION.match(text) or (len(NAV_SEPARATORS.findall(text)) >= 2
                                  and all(len(p.split()) <= 3 for p in NAV_SEPARATORS.split(text))):
        return Clutter("navigation")
    if LABEL.match(text):
        return Clutter("label")
    if TIMESTAMP.match(text):
        return Clutter("timestamp", date=_timestamp_date(text))
    if m := AGENCY_BYLINE.match(text):
        return Clutter("byline", author=re.sub(r"^(?:By|BY|by)\s+", "", m.group(0).strip()))
    if CONTACT.match(text) and ("@" in text or sum(c.isdigit() for c in text) >= 7
                                or text.split()[0].rstrip(":").lower() in ("contact", "press", "media")):
        return Clutter("contact")
    if text.lower().replace(" ", "-") in CATEGORY_WORDS:
        return Clutter("category")
    place = text.split(",", 1)[0] if "," in text and not TIMESTAMP.match(text) else ""
    if len(place.split()) <= 3 and (date := parse_dateline(text)):  # "January 27, 2022", "Paris, 27 January 2022"
        return Clutter("timestamp", date=date)
    return None


def _timestamp_date(text: str) -> str:
    """The ISO date inside a timestamp line, or ""."""
    m = re.search(_DAY, text)
    if not m:
        return ""
    day = re.sub(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+", "", m.group(0))
    return parse_dateline(day) or ""
