"""PO files: read strictly into polib's objects, write exactly as GNU gettext would, save atomically.

Why: reviewers open these files in Poedit, Weblate or a text editor and run gettext tools
on them. Reading is :mod:`.poparse` (every field GNU writes: plural forms, contexts,
previous source, obsolete entries; file:line errors) plus charset and duplicate checks;
writing is pubkit's own so that ``msgcat`` leaves a file byte-identical and a second
``update`` changes nothing.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import polib

from .. import __version__
from ..errors import InputError, Location
from ..fsio import atomic_write, read_bounded
from .plurals import plural_forms
from .poparse import PoSyntaxError, parse
from .wrap import PAGE_WIDTH, format_field

TRANSLATORS_FIELD = "X-Pubkit-Translators"
NO_TRANSLATOR = "none yet <translators@invalid>"


@dataclass
class PoFile:
    """A loaded PO file: polib's catalog plus what is needed to write it back safely."""

    path: Path
    po: polib.POFile
    mtime_ns: int | None  # None: the file does not exist yet
    text: str = ""  # as read, to tell whether anything changed
    encoding: str = "utf-8"  # the codec of the charset the header declares (written back in it)
    upgraded: bool = False  # save() made it UTF-8: a new character did not fit its charset


def rel(path: Path, root: Path | None) -> Path:
    if root is not None:
        try:
            return Path(path).relative_to(root)
        except ValueError:
            pass
    return Path(path)


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return i
    return 0


def load(path: Path, *, root: Path | None = None) -> PoFile:
    """Read and validate one PO file; raise InputError naming file and line on bad input."""
    path = Path(path)
    shown = rel(path, root)
    try:
        mtime = path.stat().st_mtime_ns
        raw = read_bounded(path, "po", root=root)  # regular file, inside the project, size-limited
    except FileNotFoundError:
        return PoFile(path, polib.POFile(wrapwidth=PAGE_WIDTH), None, "")
    text, encoding = _decode(raw, shown)
    try:
        po = parse(text, wrapwidth=PAGE_WIDTH)
    except PoSyntaxError as err:
        raise InputError(
            f"PO syntax error: {err.what}", location=Location(shown, err.line),
            hint="fix the line by hand (check quotes and keywords) or restore the file from version "
                 "control; nothing was written",
        ) from None
    seen: dict[tuple, int] = {}
    for e in po:
        key = (e.msgctxt, e.msgid)
        if key in seen:
            raise InputError(
                f"duplicate entry for the same source text (first at line {seen[key]})",
                location=Location(shown, e.linenum or 0),
                hint="keep one of the two entries (the one with the reviewed translation) and delete the other",
            )
        seen[key] = e.linenum or 0
    return PoFile(path, po, mtime, text, encoding)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(raw: bytes, shown: Path) -> tuple[str, str]:
    """The file's text and the codec of its declared charset (UTF-8 where none is declared).

    GNU gettext reads any charset iconv knows; pubkit reads those Python knows (ASCII,
    ISO-8859-1, the other ISO and Windows code pages …) and writes a file back in the charset
    it declares, as ``msgcat`` does (:func:`save` upgrades it to UTF-8 only when a new
    character does not fit).
    """
    head = raw[:4000].decode("latin-1")
    m = re.search(r"charset=([A-Za-z0-9_.:-]+)", head)
    declared = m.group(1) if m else "UTF-8"
    if declared.upper() == "CHARSET":  # the template's placeholder: GNU reads such files as UTF-8
        declared = "UTF-8"
    try:
        encoding = codecs.lookup(declared).name
    except LookupError:
        raise InputError(
            f"the header declares charset {declared}, which pubkit does not know",
            location=Location(shown, _line_of(head, "charset=")),
            hint='convert it with `msgconv -t UTF-8`, or change the header line to '
                 '"Content-Type: text/plain; charset=UTF-8\\n" if the text is UTF-8',
        ) from None
    if encoding != "utf-8" and not raw.isascii() and _is_utf8(raw):
        # GNU would read it as the charset declared and garble every non-ASCII character
        raise InputError(
            f"the header declares charset {declared}, but the text is UTF-8",
            location=Location(shown, _line_of(head, "charset=")),
            hint='change the header line to "Content-Type: text/plain; charset=UTF-8\\n"',
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        name = "UTF-8" if encoding == "utf-8" else declared
        raise InputError(
            f"is not {name} text, as its header declares", location=Location(shown, line),
            hint=f"pubkit's PO files are UTF-8; convert it with `msgconv -t UTF-8` or re-save it as {name} "
                 "in your editor",
        ) from None
    return text.removeprefix("\ufeff"), encoding


# ----------------------------------------------------------------- writing


def _comment_lines(prefix: str, text: str) -> list[str]:
    return [f"{prefix} {line}".rstrip() if line else prefix for line in text.split("\n")]


def is_plural(e: polib.POEntry) -> bool:
    return bool(e.msgid_plural or e.msgstr_plural)


def has_translation(e: polib.POEntry) -> bool:
    """Whether the entry holds any translated text (msgstr, or any msgstr[n] of a plural entry)."""
    return bool(e.msgstr.strip() or any(str(v).strip() for v in (e.msgstr_plural or {}).values()))


def translation_text(e: polib.POEntry) -> str:
    """The entry's translation as one passage: msgstr, or msgstr[0] of a plural entry (what
    gettext's ``gettext()`` returns for it)."""
    return str(e.msgstr_plural.get(0, "")) if is_plural(e) else e.msgstr


def _entry_lines(e: polib.POEntry) -> list[str]:
    """An entry as GNU gettext's write-po.c writes it (obsolete ones keep their previous source)."""
    obsolete = bool(e.obsolete)
    p = "#~ " if obsolete else ""
    prev = "#~| " if obsolete else "#| "
    width = 10**9 if "no-wrap" in e.flags else PAGE_WIDTH
    cf = "c-format" in e.flags
    out: list[str] = []
    if e.tcomment:
        out += _comment_lines("#", e.tcomment)
    if e.comment:
        out += _comment_lines("#.", e.comment)
    if e.occurrences:
        out += _references(e.occurrences)
    if e.flags:
        out.append("#, " + ", ".join(e.flags))
    for name, value in (("msgctxt", e.previous_msgctxt), ("msgid", e.previous_msgid),
                        ("msgid_plural", e.previous_msgid_plural)):
        if value is not None:
            out += format_field(name, value, prefix=prev, page_width=width, c_format=cf)
    if e.msgctxt is not None:
        out += format_field("msgctxt", e.msgctxt, prefix=p, page_width=width, c_format=cf)
    out += format_field("msgid", e.msgid, prefix=p, page_width=width, c_format=cf)
    if is_plural(e):
        out += format_field("msgid_plural", e.msgid_plural, prefix=p, page_width=width, c_format=cf)
        for k in sorted(e.msgstr_plural):
            out += format_field(f"msgstr[{k}]", e.msgstr_plural[k], prefix=p, page_width=width, c_format=cf)
    else:
        out += format_field("msgstr", e.msgstr, prefix=p, page_width=width, c_format=cf)
    return out


def _references(occurrences) -> list[str]:
    refs = [f"{f}:{n}" if n else f for f, n in occurrences]
    lines, cur = [], "#:"
    for ref in refs:
        if len(cur) > 2 and len(cur) + 1 + len(ref) > PAGE_WIDTH:
            lines.append(cur)
            cur = "#:"
        cur += " " + ref
    lines.append(cur)
    return lines


def dumps(po: polib.POFile) -> str:
    """The file's text, as GNU ``msgcat`` would write it (so msgcat changes nothing)."""
    blocks: list[list[str]] = []
    head: list[str] = []
    if po.header:
        head += _comment_lines("#", po.header)
    if po.metadata_is_fuzzy:
        head.append("#, fuzzy")
    meta = "".join(f"{k}: {v}\n" for k, v in po.metadata.items())
    head += format_field("msgid", "") + format_field("msgstr", meta)
    blocks.append(head)
    active = [e for e in po if not e.obsolete]
    obsolete = [e for e in po if e.obsolete]
    blocks += [_entry_lines(e) for e in active]
    blocks += [_entry_lines(e) for e in obsolete]
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


def save(pf: PoFile, *, root: Path | None = None) -> bool:
    """Write the file atomically if its text changed; never over a file edited meanwhile.

    Returns whether anything was written. Header fields an editor wrote (``X-Generator``,
    ``Last-Translator`` …) are kept as they are; a new file's header names pubkit.
    """
    text = dumps(pf.po)
    if text == pf.text:
        return False
    try:
        data = text.encode(pf.encoding)
    except UnicodeEncodeError:  # a character the declared charset lacks: the file becomes UTF-8
        ctype = pf.po.metadata.get("Content-Type", "text/plain; charset=UTF-8")
        pf.po.metadata["Content-Type"] = re.sub(r"charset=[A-Za-z0-9_.:-]+", "charset=UTF-8", ctype)
        text, pf.encoding = dumps(pf.po), "utf-8"
        data = text.encode("utf-8")
        pf.upgraded = True
    # a file that did not exist when read but exists now was created meanwhile: refused
    atomic_write(pf.path, data, expect_mtime_ns=pf.mtime_ns, expect_absent=pf.mtime_ns is None, root=root)
    pf.text = text
    pf.mtime_ns = pf.path.stat().st_mtime_ns
    return True


def header_fields(*, slug: str, lang_code: str, lang_name: str, date: str) -> dict[str, str]:
    """A complete header for a new PO file (msgfmt -c accepts it)."""
    return {
        "Project-Id-Version": slug,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": date,
        "PO-Revision-Date": date,
        "Last-Translator": NO_TRANSLATOR,
        "Language-Team": lang_name,
        "Language": lang_code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(lang_code),  # CLDR through Babel (catalog/plurals.py)
        TRANSLATORS_FIELD: "",
        "X-Generator": f"pubkit {__version__}",
    }
