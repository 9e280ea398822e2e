"""Reading a seed file as text, with its editor's metadata and corrections."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import characters
from ..errors import InputError, Location
from ..model import Author

SIDECAR_SUFFIX = ".yaml"


@dataclass(frozen=True)
class SourceText:
    path: Path  # as shown to users (relative to the project where possible)
    text: str  # decoded, LF line endings, BOM removed, editor's corrections applied
    meta: dict = field(default_factory=dict)  # editor's metadata (sidecar or front matter)


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


def parse_meta(raw: dict, path: Path, line: int = 1) -> dict:
    """Check and normalize editor metadata (sidecar YAML or Markdown front matter)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("metadata must be a mapping of `key: value` lines", location=Location(path, line))
    meta = dict(raw)
    authors = []
    for a in meta.get("authors") or ([meta["author"]] if meta.get("author") else []):
        if isinstance(a, str):
            authors.append(Author(a))
        elif isinstance(a, dict) and "name" in a:
            authors.append(Author(str(a["name"]), tuple(str(c) for c in a.get("countries") or ())))
        else:
            raise InputError(
                f"author entry {a!r} needs a name", location=Location(path, line),
                hint="write `authors: [{name: ..., countries: [...]}]` or `author: Name`",
            )
    meta["authors"] = tuple(authors)
    date = meta.get("date")
    if isinstance(date, (dt.date, dt.datetime)):
        meta["date"] = date.isoformat()[:10]
    elif date is not None:
        date = str(date)
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(
                f"date {date!r} is not an ISO date", location=Location(path, line),
                hint="write the date as YYYY-MM-DD, e.g. 2022-01-27",
            ) from None
        meta["date"] = date
    return meta


def load_source(path: Path, root: Path | None = None) -> SourceText:
    shown = display_path(path, root)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", location=Location(shown)) from None
    text = decode(data, shown)
    meta: dict = {}
    sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if path.suffix != SIDECAR_SUFFIX and sidecar.exists():
        sc_shown = display_path(sidecar, root)
        try:
            raw = yaml.safe_load(decode(sidecar.read_bytes(), sc_shown))
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise InputError(
                f"metadata is not valid YAML: {getattr(err, 'problem', err)}",
                location=Location(sc_shown, mark.line + 1 if mark else 0),
                hint="check indentation and quote values that contain ': '",
            ) from None
        meta = parse_meta(raw, sc_shown)
        text = apply_corrections(text, meta.get("corrections") or [], shown, sc_shown)
    return SourceText(shown, text, meta)


def apply_corrections(text: str, corrections: list, path: Path, meta_path: Path) -> str:
    """Apply the editor's recorded find/replace fixes; each must still match the source."""
    for i, fix in enumerate(corrections, 1):
        if not isinstance(fix, dict) or "find" not in fix or "replace" not in fix:
            raise InputError(
                f"correction #{i} needs `find:` and `replace:`", location=Location(meta_path),
            )
        find, repl = str(fix["find"]), str(fix["replace"])
        if find not in text:
            raise InputError(
                f"correction #{i} ({find!r} → {repl!r}) no longer matches {path}",
                location=Location(meta_path),
                hint="the source was fixed or changed: remove or update this correction",
            )
        text = text.replace(find, repl)
    return text


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
