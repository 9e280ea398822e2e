"""A strict reader for the PO format as GNU gettext writes and reads it, into polib's objects.

Why: polib 1.2 (pubkit's PO object model) drops obsolete previous fields (``#~| msgid``),
splits lines at U+2028/U+0085 (which GNU accepts raw inside a string and which a
reviewer may paste), and keeps invalid escapes such as ``\\q`` as text. Octal and hex
escapes, which GNU reads as bytes and never writes, are refused. A reviewer's file
must either load completely, every field GNU writes included (plural forms, contexts,
previous source, obsolete entries, flags, references, comments, header), or be refused
with the file and line; so reading is done here, line by line, and the result is an
ordinary :class:`polib.POFile` that the rest of pubkit and :mod:`.po`'s writer use.

Invariant (tested on every file :func:`pubkit.catalog.po.dumps` writes and on gettext's own
output): ``dumps(parse(text)) == text`` for a file that ``msgcat`` leaves unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polib

_WS = " \t\r"
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?(?=[\s\"])\s*(.*)$")
_ESCAPE = re.compile(r"\\(?:([ntbrfva\\\"'?])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.?))")
_SIMPLE = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a",
           "\\": "\\", '"': '"', "'": "'", "?": "?"}


class PoSyntaxError(ValueError):
    """A line GNU gettext would refuse too; ``line`` is 1-based."""

    def __init__(self, line: int, what: str) -> None:
        super().__init__(what)
        self.line = line
        self.what = what


def _unescape(body: str, line: int) -> str:
    def one(m: re.Match[str]) -> str:
        simple, octal, hexa, _bad = m.groups()
        if simple is not None:
            return _SIMPLE[simple]
        if octal is not None or hexa is not None:  # GNU reads these as bytes, never writes them
            raise PoSyntaxError(line, f"the escape {m.group(0)} (a byte in octal or hex) is not "
                                      "supported; write the character itself")
        raise PoSyntaxError(line, f"invalid escape sequence {m.group(0)} in a quoted string")
    return _ESCAPE.sub(one, body)


def _string(token: str, line: int) -> str:
    token = token.strip(_WS)
    m = _STRING.fullmatch(token)
    if not m:
        if token.startswith('"') and not token.endswith('"'):
            raise PoSyntaxError(line, "a quoted string without its closing quote")
        raise PoSyntaxError(line, 'expected one quoted string (a " inside the text is written \\")')
    return _unescape(m.group(1), line)


@dataclass
class _Entry:
    line: int = 0  # of msgid
    first: int = 0  # first line of the entry
    tcomment: list[str] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)  # msgctxt, msgid, msgid_plural, msgstr
    plural: dict[int, str] = field(default_factory=dict)
    obsolete: bool | None = None  # None: no keyword seen yet
    phase: int = 0  # 0 comments, 1 msgctxt, 2 msgid, 3 msgid_plural, 4 msgstr

    def empty(self) -> bool:
        return not (self.tcomment or self.comment or self.occurrences or self.flags or self.previous
                    or self.fields)


_PHASE = {"msgctxt": 1, "msgid": 2, "msgid_plural": 3}


class _Parser:
    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.cur = _Entry()
        self.target: tuple[dict, object] | None = None  # where a continuation line goes
        self.target_kind = ""  # the line prefix of its field: "", "#~", "#|" or "#~|"

    def finish(self, n: int) -> None:
        cur = self.cur
        if cur.empty():
            return
        if cur.phase < 4:
            if "msgid" not in cur.fields:
                raise PoSyntaxError(cur.first or n, "comments that belong to no entry (no msgid follows)")
            raise PoSyntaxError(cur.line, "an entry without msgstr")
        self.entries.append(cur)
        self.cur = _Entry()
        self.target = None

    def _line_before_keywords(self, n: int, what: str) -> _Entry:
        """The entry that line ``n`` (a comment or previous-source line) starts or continues: after
        a msgstr it starts the next entry; between an entry's keywords it is an error."""
        if self.cur.phase == 4:
            self.finish(n)
        cur = self.cur
        if cur.phase:
            raise PoSyntaxError(n, f"{what} between the keywords of an entry")
        cur.first = cur.first or n
        return cur

    def comment(self, n: int, line: str) -> None:
        cur = self._line_before_keywords(n, "a comment")
        self.target = None
        kind, rest = line[:2], line[2:]
        rest = rest[1:] if rest.startswith(" ") else rest
        if kind == "#.":
            cur.comment.append(rest)
        elif kind == "#:":
            for ref in line[2:].split():
                name, _, num = ref.rpartition(":")
                cur.occurrences.append((name, num) if name and num.isdigit() else (ref, ""))
        elif kind == "#,":
            cur.flags += [f.strip(_WS) for f in line[2:].split(",") if f.strip(_WS)]
        else:
            rest = line[1:]
            cur.tcomment.append(rest[1:] if rest.startswith(" ") else rest)

    def previous(self, n: int, body: str, obsolete: bool) -> None:
        cur = self._line_before_keywords(n, "a previous-source line (#|)")
        kind = "#~|" if obsolete else "#|"
        if body.startswith('"'):
            self.continuation(n, body, kind)
            return
        m = _KEYWORD.match(body)
        if not m or m.group(1) == "msgstr" or m.group(2) is not None:
            raise PoSyntaxError(n, "expected msgctxt, msgid or msgid_plural after #|")
        key = m.group(1)
        order = [k for k in ("msgctxt", "msgid", "msgid_plural") if k in cur.previous]
        if key in cur.previous or (order and _PHASE[order[-1]] > _PHASE[key]):
            raise PoSyntaxError(n, f"#| {key} is repeated or out of order")
        cur.previous[key] = _string(m.group(3), n)
        self.target, self.target_kind = (cur.previous, key), kind

    def keyword(self, n: int, body: str, obsolete: bool) -> None:
        m = _KEYWORD.match(body)
        if not m:
            raise PoSyntaxError(n, "expected a keyword (msgctxt, msgid, msgid_plural, msgstr) "
                                   "and a quoted string, or a quoted continuation line")
        key, index, rest = m.group(1), m.group(2), m.group(3)
        if key in ("msgctxt", "msgid") and self.cur.phase == 4:
            self.finish(n)
        cur = self.cur
        if cur.obsolete is not None and cur.obsolete != obsolete:
            raise PoSyntaxError(n, "inconsistent use of #~ (part of the entry is obsolete, part is not)")
        cur.obsolete = obsolete
        cur.first = cur.first or n
        value = _string(rest, n)
        if key == "msgstr" and index is None:
            if cur.phase == 3:
                raise PoSyntaxError(n, "an entry with msgid_plural needs msgstr[0], msgstr[1] … "
                                       "instead of msgstr")
            if cur.phase != 2:
                raise PoSyntaxError(n, "msgstr without a msgid before it")
            cur.fields["msgstr"] = value
            cur.phase = 4
            self.target = (cur.fields, "msgstr")
        elif key == "msgstr":
            if cur.phase == 2:
                raise PoSyntaxError(n, "msgstr[…] needs a msgid_plural before it")
            if cur.phase not in (3, 4) or "msgstr" in cur.fields:
                raise PoSyntaxError(n, "msgstr[…] without a msgid and msgid_plural before it")
            k = int(index)
            if k != len(cur.plural):
                raise PoSyntaxError(n, f"plural form msgstr[{k}] where msgstr[{len(cur.plural)}] is expected")
            cur.plural[k] = value
            cur.phase = 4
            self.target = (cur.plural, k)
        else:
            need = {"msgctxt": (0,), "msgid": (0, 1), "msgid_plural": (2,)}[key]
            if cur.phase not in need:
                raise PoSyntaxError(n, f"{key} is out of place (msgctxt, msgid, msgid_plural, "
                                       "then msgstr is the order)")
            cur.fields[key] = value
            cur.phase = _PHASE[key]
            if key == "msgid":
                cur.line = n
            self.target = (cur.fields, key)
        self.target_kind = "#~" if obsolete else ""

    def continuation(self, n: int, body: str, kind: str) -> None:
        if self.target is None:
            raise PoSyntaxError(n, "a quoted continuation line with no keyword before it")
        if kind != self.target_kind:
            raise PoSyntaxError(n, f"a continuation line must start like its keyword's line "
                                   f"({self.target_kind or 'no prefix'}, not {kind or 'no prefix'})")
        where, key = self.target
        where[key] += _string(body, n)


def parse(text: str, *, wrapwidth: int = 79) -> polib.POFile:
    """The catalog in ``text`` (already decoded, BOM removed); :class:`PoSyntaxError` if invalid."""
    p = _Parser()
    n = 0
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(_WS)
        if not line:
            continue
        if "\x00" in line:
            raise PoSyntaxError(n, "a NUL character")
        if line.startswith("#~|"):
            p.previous(n, line[3:].lstrip(_WS), True)
        elif line.startswith("#~"):
            body = line[2:].lstrip(_WS)
            if body.startswith('"'):
                p.continuation(n, body, "#~")
            else:
                p.keyword(n, body, True)
        elif line.startswith("#|"):
            p.previous(n, line[2:].lstrip(_WS), False)
        elif line.startswith("#"):
            p.comment(n, line)
        elif line.startswith('"'):
            p.continuation(n, line, "")
        else:
            p.keyword(n, line, False)
    p.finish(n)
    return _build(p.entries, wrapwidth)


def _build(entries: list[_Entry], wrapwidth: int) -> polib.POFile:
    po = polib.POFile(wrapwidth=wrapwidth)
    header_done = False
    for e in entries:
        f = e.fields
        if not header_done and not e.obsolete and f["msgid"] == "" and "msgctxt" not in f and not e.plural:
            header_done = True
            po.header = "\n".join(e.tcomment)
            po.metadata_is_fuzzy = ["fuzzy"] if "fuzzy" in e.flags else []
            po.metadata = parse_metadata(f["msgstr"])
            continue
        po.append(polib.POEntry(
            msgid=f["msgid"], msgstr=f.get("msgstr", ""), msgctxt=f.get("msgctxt"),
            msgid_plural=f.get("msgid_plural", ""), msgstr_plural=dict(e.plural),
            occurrences=e.occurrences, comment="\n".join(e.comment), tcomment="\n".join(e.tcomment),
            flags=e.flags, previous_msgctxt=e.previous.get("msgctxt"),
            previous_msgid=e.previous.get("msgid"), previous_msgid_plural=e.previous.get("msgid_plural"),
            obsolete=bool(e.obsolete), linenum=e.line,
        ))
    return po


def parse_metadata(msgstr: str) -> dict[str, str]:
    """``Key: value`` lines of a header; a line without a colon continues the previous value."""
    meta: dict[str, str] = {}
    key = None
    for line in msgstr.split("\n"):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if colon and name.strip() and " " not in name.strip():
            key = name.strip()
            meta[key] = value[1:] if value.startswith(" ") else value
        elif key is not None:
            meta[key] += "\n" + line
        else:
            key = line
            meta[key] = ""
    return meta
