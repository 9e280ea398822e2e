"""Reading a seed file as text, with its editor's metadata and corrections."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path


from .. import characters
from ..errors import InputError, Location
from ..fsio import READ_LIMITS, read_bounded
from ..model import Meta
from . import meta as meta_schema
from .meta import MetaSource

SIDECAR_SUFFIX = ".yaml"


@dataclass(frozen=True)
class SourceText:
    path: Path  # as shown to users (relative to the project where possible)
    text: str  # decoded, LF line endings, BOM removed, the sidecar's corrections applied
    meta: MetaSource = field(default_factory=lambda: meta_schema.EMPTY)  # the validated sidecar
    data: bytes = b""  # a binary format's bytes (``text`` is then empty)


def display_path(path: Path, root: Path | None) -> Path:
    try:
        return path.resolve().relative_to(root.resolve()) if root else path
    except ValueError:
        return path


def decode(data: bytes, path: Path) -> str:
    """Bytes → text: UTF-8 (a BOM is fine); anything else is an error naming a likely encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[err.start]:02x} at line {line}){_guess_encoding(data)}",
            location=Location(path, line),
            hint="save the file as UTF-8, e.g. `iconv -f cp1251 -t utf-8 in.txt > out.txt`",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_characters(text, path)
    return text


def check_characters(text: str, path: Path) -> None:
    """Refuse characters that XML forbids and invisible controls (:mod:`pubkit.characters`),
    naming line and column."""
    found = characters.first(text)
    if found:
        raise InputError(
            found.describe(text),
            location=Location(path, text.count("\n", 0, found.index) + 1),
            hint=found.rule.hint,
        )


def _guess_encoding(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        return "; it looks like binary data, not text"
    for enc, letters in (("cp1251", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"), ("latin-1", "éèàçùâêîôûëï")):
        try:
            sample = data.decode(enc)
        except UnicodeDecodeError:
            continue
        share = sum(ch.lower() in letters for ch in sample) / max(1, sum(ch.isalpha() for ch in sample))
        if share > 0.3:
            return f"; it seems to be {enc} ({'Cyrillic' if enc == 'cp1251' else 'Western European'})"
    return ""


def load_source(path: Path, root: Path | None = None, *, binary: bool = False) -> SourceText:
    """Read a seed (bounded, regular file, inside the project) and its sidecar, corrections applied.
    ``binary``: the bytes as they are (a ``.docx``; its reader applies the corrections)."""
    shown = display_path(path, root)
    if binary:
        return SourceText(shown, "", read_sidecar(path, root), _read(path, "seed", root, shown))
    text = decode(_read(path, "seed", root, shown), shown)
    meta = read_sidecar(path, root)
    text = apply_corrections(text, meta, shown)
    return SourceText(shown, text, meta)


def read_sidecar(path: Path, root: Path | None = None) -> MetaSource:
    """The validated ``.yaml`` beside ``path`` (empty metadata when there is none)."""
    sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if path.suffix == SIDECAR_SUFFIX or not os.path.lexists(sidecar):
        return meta_schema.EMPTY
    sc_shown = display_path(sidecar, root)
    return meta_schema.parse(decode(_read(sidecar, "sidecar", root, sc_shown), sc_shown), sc_shown)


def _read(path: Path, kind: str, root: Path | None, shown: Path) -> bytes:
    """The file's bytes within its kind's bound; an OS error becomes an InputError naming it."""
    try:
        return read_bounded(path, kind, root=root)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", location=Location(shown),
                         hint="check that the file exists and is readable") from None


def corrections_bound(source_chars: int) -> int:
    """How long the corrected text may grow: twice the source (at least :data:`MIN_GROWTH_BOUND`
    characters, for a short article), never past the seed limit."""
    return min(max(2 * source_chars, MIN_GROWTH_BOUND), READ_LIMITS["seed"])


MIN_GROWTH_BOUND = 64 * 1024


def apply_corrections(text: str, meta: MetaSource, path: Path) -> str:
    """Apply the editor's recorded find/replace fixes; each must still match the source.

    The text may not grow past :func:`corrections_bound`: each fix's result length is computed
    (count × growth) *before* it is applied, so 40 fixes that each double the text are refused
    at the first one that would pass the bound, without building it."""
    bound = corrections_bound(len(text))
    for i, fix in enumerate(meta.meta.corrections):
        where = Location(meta.path or path, meta.line_of("corrections", i))
        count = text.count(fix.find)
        if not count:
            raise InputError(
                f"correction #{i + 1} ({_short(fix.find)} → {_short(fix.replace)}) no longer matches {path}",
                location=where,
                hint="the source was fixed or changed: remove or update this correction",
            )
        grown = len(text) + count * (len(fix.replace) - len(fix.find))
        if grown > bound:
            raise InputError(
                f"correction #{i + 1} ({_short(fix.find)} → {_short(fix.replace)}, {count} matches) would make "
                f"the text {grown:,} characters long, more than {bound:,} (twice the source, at most the seed "
                "limit)",
                location=where,
                hint="corrections fix typos: make `find` longer so that it matches only what needs fixing",
            )
        text = text.replace(fix.find, fix.replace)
    return text


def _short(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def to_meta(
    ms: MetaSource, src: SourceText, *, title: str, subtitle: str = "", date: str = "",
    title_line: int = 0, subtitle_line: int = 0,
) -> Meta:
    """The document's :class:`Meta`: the editor's validated metadata over what the reader found.

    The slug always comes from here (``slug:``, else a file name that is a valid slug), so every
    module that names a file for an article uses the same, validated value.
    """
    m = ms.meta
    here = ms.path == Path(src.path)  # front matter: its lines are lines of the source file
    return Meta(
        title=" ".join((m.title or title).split()),
        subtitle="" if m.no_subtitle else " ".join((m.subtitle or subtitle).split()),
        slug=meta_schema.slug_for(m, Path(src.path), Path(src.path)),
        lang=m.lang or "en",
        authors=m.author_list,
        date=m.day or date,
        date_time=m.date_time,
        description=m.description or "",
        subjects=m.subjects,
        draft=_draft_reason(ms) if m.draft else "",
        ignored=tuple(f"{key} (line {line})" for key, line in ms.ignored),
        source=m.source or "",
        source_file=str(src.path),
        title_line=ms.lines.lines.get(("title",), 0) if m.title and here else title_line,
        subtitle_line=ms.lines.lines.get(("subtitle",), 0) if m.subtitle and here else subtitle_line,
    )


def _draft_reason(ms: MetaSource) -> str:
    """Which key made the article a draft, as the editor wrote it (for the line that skips it)."""
    for key in ("draft", "published", "status"):
        if ms.lines.lines.get((key,)):
            return f"{key} at line {ms.lines.lines[(key,)]} of {ms.path}"
    return f"draft: true in {ms.path}"


_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_DATE_PATTERNS = [
    re.compile(r"^(?P<month>[A-Za-z]+)\.? (?P<day>\d{1,2}),? (?P<year>\d{4})$"),
    re.compile(r"^(?P<day>\d{1,2}) (?P<month>[A-Za-z]+)\.? (?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$"),
]


def parse_dateline(text: str) -> str | None:
    """An ISO date if ``text`` (possibly after "Place, ") is a date line, else None."""
    candidate = text.strip().rstrip(".")
    if "," in candidate and not _DATE_PATTERNS[0].match(candidate):
        candidate = candidate.split(",", 1)[1].strip()  # "Paris, 27 January 2022"
    for pat in _DATE_PATTERNS:
        m = pat.match(candidate)
        if not m:
            continue
        month = m.group("month")
        if month.isdigit():
            mnum = int(month)
        else:
            names = [n for n in _MONTHS if n.startswith(month.lower()[:3])]
            if not names:
                continue
            mnum = _MONTHS.index(names[0]) + 1
        try:
            return dt.date(int(m.group("year")), mnum, int(m.group("day"))).isoformat()
        except ValueError:
            return None
    return None
