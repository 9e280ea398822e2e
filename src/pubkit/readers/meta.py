"""The editor's metadata: one validated schema for ``.yaml`` sidecars and Markdown front matter.

Why: metadata decides file names (the slug), what the title page prints and which fixes are
applied to a source, so it is read in exactly one place, strictly: YAML through a safe loader
that refuses aliases (no "billion laughs"), deep nesting, duplicate keys and tags, with dates
kept as text until they are checked; then a typed schema (pydantic, strict: a list is never
turned into a title, a string never into eight one-letter authors). Every error is an
:class:`~pubkit.errors.InputError` (exit 65) naming the file and the line of the key or value.

Keys (the same in a sidecar and in front matter): ``title``, ``subtitle`` (text, or the word
``none``), ``slug``, ``lang``, ``date``, ``author``/``authors``, ``source``, ``corrections``,
``structure`` and ``languages`` (passages in another language: ``{kk: ["Шал, кет!"]}``).
Invariant (tested as a property): a slug that passes :data:`SLUG_RE` is one path component
that cannot leave its folder.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..errors import InputError, Location
from ..fsio import printable
from ..model import SLUG_RE, Author

LANG_RE = re.compile(r"\A[a-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
# a date with a time and perhaps an offset, as generators write it: Jekyll's `2019-12-25 00:00:00 +0000`,
# ISO 8601's `2024-03-12T10:00:00-07:00` or `…Z`, TOML's datetimes
DATETIME_RE = re.compile(
    r"\A(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})?\Z", re.I)
LINES_RE = re.compile(r"\A([1-9][0-9]*)(?:-([1-9][0-9]*))?\Z")
MAX_LINE = 9_999_999  # a source line number (a 20 MB seed of short lines has fewer)
STRUCTURE_KINDS = ("heading", "paragraph", "list", "quote", "subtitle", "attribution", "drop", "title", "date")
NO_SUBTITLE = "none"
MAX_DEPTH = 8  # metadata is at most a list of mappings of lists
MAX_NODES = 2_000  # values; the seed article's sidecar has 25
MAX_TEXT = 1024 * 1024  # characters of YAML, as for a sidecar file (fsio.READ_LIMITS)
MAX_SCALAR = 100_000  # characters in one value

StructureKind = Literal["heading", "paragraph", "list", "quote", "subtitle", "attribution", "drop", "title", "date"]


def _lines_key(value: Any) -> str:
    m = LINES_RE.match(value) if isinstance(value, str) else None
    if not m:
        raise _err(f"{value!r} is not a source line (`12`) or range (`20-24`)")
    if any(len(g) > len(str(MAX_LINE)) or int(g) > MAX_LINE for g in m.groups() if g):
        raise _err(f"{value[:40]}{'…' * (len(value) > 40)}: source line numbers go up to {MAX_LINE:,} "
                   "(no article is that long)")
    if m.group(2) and int(m.group(2)) < int(m.group(1)):
        raise _err(f"the range {value} ends before it starts")
    return str(value)


LinesKey = Annotated[str, BeforeValidator(_lines_key)]


def _err(msg: str) -> PydanticCustomError:
    return PydanticCustomError("pubkit", msg)


def _text(value: Any, what: str, *, empty_ok: bool = False) -> str:
    if isinstance(value, str):
        if not empty_ok and not value.strip():
            raise _err(f"{what} is empty")
        return value
    kind = {list: "a list", dict: "a mapping", bool: "true/false", type(None): "nothing"}.get(
        type(value), f"a number ({value})"
    )
    raise _err(f"{what} must be text, not {kind}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthorEntry(_Strict):
    """One author: a name, and optionally the countries the author speaks for."""

    name: str
    countries: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _one_name(cls, value: Any) -> Any:
        if isinstance(value, str):  # "- Jane Doe"
            return {"name": value}
        if not isinstance(value, dict):
            raise _err("an author is a name or `{name: ..., countries: [...]}`")
        if isinstance(value.get("countries"), str):  # "countries: France" = one country
            return {**value, "countries": [value["countries"]]}
        return value

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> str:
        return " ".join(_text(v, "an author's name").split())  # a folded `author: >` ends in a newline

    @field_validator("countries", mode="before")
    @classmethod
    def _countries(cls, v: Any) -> Any:
        if not isinstance(v, list):
            raise _err("countries must be a list of names, e.g. `[France, Spain]`")
        return tuple(_text(c, "a country") for c in v)


class Correction(_Strict):
    """A fix the editor made to the source as received: replace ``find`` by ``replace``."""

    find: str
    replace: str
    why: str = ""

    @field_validator("find", mode="before")
    @classmethod
    def _find(cls, v: Any) -> str:
        return _text(v, "`find`")

    @field_validator("replace", "why", mode="before")
    @classmethod
    def _replace(cls, v: Any) -> str:
        return _text(v, "this value", empty_ok=True)

    @model_validator(mode="after")
    def _changes_something(self) -> Correction:
        if self.find == self.replace:
            raise _err("`find` and `replace` are the same, so this correction changes nothing")
        return self


@dataclass(frozen=True)
class StructureHint:
    """The editor's word on what source lines ``first``–``last`` are (semantics: the readers)."""

    first: int
    last: int
    kind: str
    line: int = field(default=0, compare=False)  # where the hint is written


class ArticleMeta(_Strict):
    """Validated metadata. ``None``/empty means "not given": the reader decides."""

    title: str | None = None
    subtitle: str | None = None
    slug: str | None = None
    lang: str | None = None
    date: str | None = None
    author: tuple[AuthorEntry, ...] = ()
    authors: tuple[AuthorEntry, ...] = ()
    source: str | None = None
    corrections: tuple[Correction, ...] = ()
    structure: dict[LinesKey, StructureKind] = {}
    languages: dict[str, tuple[str, ...]] = {}
    description: str | None = None  # the EPUB's dc:description (front matter: `summary` too)
    subjects: tuple[str, ...] = ()  # dc:subject (front matter: `tags`, `categories`, `keywords`)
    draft: bool = False  # not published (front matter: `published: false` too)

    @field_validator("title", "source", mode="before")
    @classmethod
    def _plain(cls, v: Any) -> str:
        return _text(v, "the value")

    @field_validator("subtitle", mode="before")
    @classmethod
    def _subtitle(cls, v: Any) -> str:
        if isinstance(v, str) and not v.strip():
            raise _err(
                f"an empty subtitle is ambiguous: write `subtitle: {NO_SUBTITLE}` if the article has none"
            )
        return _text(v, "the subtitle")

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, v: Any) -> str:
        v = _text(v, "the slug")
        if not SLUG_RE.match(v):
            raise _err(
                f"slug {v!r} is not 1-80 lowercase letters, digits and '-' starting with a letter or digit"
            )
        return v

    @field_validator("lang", mode="before")
    @classmethod
    def _lang(cls, v: Any) -> str:
        v = _text(v, "lang")
        if not LANG_RE.match(v):
            raise _err(f"lang {v!r} is not a language code such as `en` or `pt-BR`")
        return v

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str:
        """A day (``2022-01-27``), or a day with a time and offset, kept in ISO 8601 with its
        offset: the day is the one written, never moved to another time zone."""
        v = _text(v, "the date").strip()
        m = DATETIME_RE.match(v)
        if not DATE_RE.match(v) and not m:
            raise _err(f"date {v!r} is not written YYYY-MM-DD (or YYYY-MM-DD HH:MM:SS +HH:MM)")
        try:
            if m is None:
                return dt.date.fromisoformat(v).isoformat()
            day, time, zone = m.groups()
            zone = "" if zone is None else "+00:00" if zone.upper() == "Z" else zone
            if zone and ":" not in zone:
                zone = zone[:3] + ":" + zone[3:]
            return dt.datetime.fromisoformat(f"{day}T{time}{zone}").isoformat()
        except ValueError as err:
            raise _err(f"date {v!r} does not exist ({err})") from None

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, v: Any) -> str:
        return " ".join(_text(v, "the description").split())

    @field_validator("subjects", mode="before")
    @classmethod
    def _subjects(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            raise _err("subjects must be a list of words, e.g. `tags: [labour, Kazakhstan]`")
        out: list[str] = []
        for s in v:
            s = " ".join(_text(s, "a subject").split())
            if s not in out:
                out.append(s)
        return tuple(out)

    @field_validator("draft", mode="before")
    @classmethod
    def _draft(cls, v: Any) -> bool:
        if not isinstance(v, bool):
            raise _err(f"draft must be true or false, not {v!r}")
        return v

    @field_validator("author", "authors", mode="before")
    @classmethod
    def _authors(cls, v: Any) -> Any:
        if isinstance(v, (str, dict)):  # `authors: Jane Doe` is one author, never eight letters
            return [v]
        if not isinstance(v, list):
            raise _err("authors must be a name or a list of names")
        return v

    @field_validator("corrections", mode="before")
    @classmethod
    def _corrections(cls, v: Any) -> Any:
        if not isinstance(v, list):
            raise _err("corrections must be a list of `- find: ...` / `replace: ...` entries")
        return v

    @field_validator("structure", mode="before")
    @classmethod
    def _structure(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            raise _err("structure must map source lines to kinds, e.g. `12: heading` or `20-24: list`")
        return {
            str(k) if isinstance(k, int) and not isinstance(k, bool) else k: kind for k, kind in v.items()
        }

    @field_validator("languages", mode="before")
    @classmethod
    def _languages(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            raise _err('languages must map a language code to passages, e.g. `kk: ["Шал, кет!"]`')
        out = {}
        for lang, passages in v.items():
            if not isinstance(lang, str) or not LANG_RE.match(lang):
                raise _err(f"{lang!r} is not a language code such as `kk` or `ru`")
            if isinstance(passages, str):
                passages = [passages]
            if not isinstance(passages, list):
                raise _err(f"the passages in {lang} must be a list of texts")
            out[lang] = tuple(_text(p, "a passage") for p in passages)
        return out

    @model_validator(mode="after")
    def _one_author_key(self) -> ArticleMeta:
        if self.author and self.authors:
            raise _err("both `author` and `authors` are given; keep one")
        return self

    # ------------------------------------------------------------------ views

    @property
    def author_list(self) -> tuple[Author, ...]:
        return tuple(Author(a.name, a.countries) for a in (self.authors or self.author))

    @property
    def day(self) -> str:
        """The date's day, ``YYYY-MM-DD`` ("" when no date is given)."""
        return (self.date or "")[:10]

    @property
    def date_time(self) -> str:
        """The date with its time and offset as written (ISO 8601), "" for a plain day."""
        return self.date if self.date and len(self.date) > 10 else ""

    @property
    def no_subtitle(self) -> bool:
        """The editor wrote ``subtitle: none``: the article has no subtitle."""
        return self.subtitle is not None and self.subtitle.strip().lower() == NO_SUBTITLE

    def structure_hints(self, lines: dict[tuple, int] | None = None) -> tuple[StructureHint, ...]:
        out = []
        for k, kind in self.structure.items():
            first, _, last = k.partition("-")
            line = (lines or {}).get(("structure", k), 0)
            out.append(StructureHint(int(first), int(last or first), kind, line))
        return tuple(sorted(out, key=lambda h: (h.first, h.last)))


KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "": tuple(ArticleMeta.model_fields),
    "author": tuple(AuthorEntry.model_fields),
    "authors": tuple(AuthorEntry.model_fields),
    "corrections": tuple(Correction.model_fields),
}

_HINTS = {
    "title": "write the title as one line of text, in quotes if it holds ': ' or starts with a special "
             "character",
    "subtitle": f"write the subtitle as one line of text, or `subtitle: {NO_SUBTITLE}`",
    "slug": "a slug names the output files: e.g. `slug: kazakh-workers-revolt-2022`",
    "lang": "use a BCP 47 code, e.g. `lang: en`",
    "date": "write a real date as YYYY-MM-DD, e.g. `date: 2022-01-27`, or with its time and offset, "
            "`date: 2022-01-27 10:00:00 +06:00`",
    "description": "write the description as text, e.g. `description: \"What the strike won\"`",
    "subjects": "write the subjects as a list of words, e.g. `tags: [labour, Kazakhstan]`",
    "draft": "write `draft: true` (not published) or `draft: false`",
    "author": "write `authors: [Jane Doe]` or `authors: [{name: Jane Doe, countries: [France]}]`",
    "authors": "write `authors: [Jane Doe]` or `authors: [{name: Jane Doe, countries: [France]}]`",
    "source": "write where the article came from as text (a URL or a publication)",
    "corrections": "each correction is `- find: \"text as received\"` with "
                   "`replace: \"fixed text\"` below it",
    "structure": "e.g. `structure: {12: heading, 20-24: list}`; kinds: " + ", ".join(STRUCTURE_KINDS),
    "languages": 'passages in another language, e.g. `languages: {kk: ["Шал, кет!"]}`',
}


# ---------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, deep nesting, or implicit timestamps."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null")}


class MetaLines:
    """Where each key and value was written: path tuple (``("authors", 0, "name")``) → line."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.lines: dict[tuple, int] = {}

    def at(self, loc: tuple) -> int:
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), self.offset + 1)


def _yaml_error(path: Path, line: int, message: str, hint: str) -> InputError:
    return InputError(message, location=Location(path, line), hint=hint)


def _to_python(
    node: yaml.Node, loader: _Loader, where: MetaLines, loc: tuple, path: Path, count: list[int],
) -> Any:
    line = node.start_mark.line + 1 + where.offset
    where.lines.setdefault(loc, line)
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _yaml_error(path, line, f"metadata has more than {MAX_NODES} values", "metadata is a few keys; "
                          "keep long text in the article")
    if len(loc) > MAX_DEPTH:
        raise _yaml_error(path, line, f"metadata is nested more than {MAX_DEPTH} levels deep",
                          "metadata is keys with text, lists and small mappings")
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _SCALAR_TAGS:
            raise _yaml_error(path, line, f"the YAML tag {node.tag!r} is not allowed in metadata",
                              "remove the `!tag`; write plain text, numbers, lists and mappings")
        if len(node.value) > MAX_SCALAR:
            raise _yaml_error(path, line, f"a value of {len(node.value)} characters is too long for metadata",
                              "keep long text in the article")
        return loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _yaml_error(path, line, f"the YAML tag {node.tag!r} is not allowed in metadata",
                              "remove the `!tag`")
        return [_to_python(item, loader, where, (*loc, i), path, count) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.MappingNode)
    if node.tag != "tag:yaml.org,2002:map":
        raise _yaml_error(path, line, f"the YAML tag {node.tag!r} is not allowed in metadata",
                          "remove the `!tag`")
    out: dict = {}
    for k_node, v_node in node.value:
        k_line = k_node.start_mark.line + 1 + where.offset
        if not isinstance(k_node, yaml.ScalarNode) or k_node.tag == "tag:yaml.org,2002:merge":
            raise _yaml_error(path, k_line, "a metadata key must be a plain word",
                              "write `key: value`, one key per line")
        key = loader.construct_object(k_node)
        if key in out:
            first = where.lines[(*loc, key)]
            raise _yaml_error(path, k_line, f"the key {key!r} is given twice (first at line {first})",
                              "keep one of the two")
        where.lines[(*loc, key)] = k_line
        if not isinstance(key, str):  # `12: heading` (structure); pydantic names other keys as text too
            where.lines[(*loc, str(key))] = k_line
        out[key] = _to_python(v_node, loader, where, (*loc, key), path, count)
    return out


def load_yaml(
    text: str, path: Path, *, line_offset: int = 0, what: str = "metadata",
) -> tuple[Any, MetaLines]:
    """Parse ``text`` as one YAML document of plain values, refusing aliases, tags and depth.

    ``line_offset``: lines before ``text`` in its file (front matter starts on line 2).
    """
    where = MetaLines(line_offset)
    try:
        loader = _Loader(text)
    except yaml.YAMLError as err:  # a character YAML does not allow
        line = text.count("\n", 0, getattr(err, "position", 0)) + 1 + line_offset
        raise _yaml_error(path, line, f"{what} is not valid YAML: {err}".split("\n")[0],
                          "remove the control character") from None
    try:
        if loader.check_event(yaml.StreamStartEvent):
            loader.get_event()
        if loader.check_event(yaml.StreamEndEvent):
            return None, where
        events = []  # the event stream is checked for aliases before anything is built
        loader.get_event()  # DocumentStart
        depth = 0
        while not loader.check_event(yaml.DocumentEndEvent):
            ev = loader.get_event()
            line = ev.start_mark.line + 1 + line_offset
            if isinstance(ev, yaml.AliasEvent):
                raise _yaml_error(path, line, f"YAML aliases (*{ev.anchor}) are not allowed in metadata",
                                  "write the value out where it is needed; metadata is small")
            if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _yaml_error(path, line, f"metadata is nested more than {MAX_DEPTH} levels deep",
                                      "metadata is keys with text, lists and small mappings")
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            events.append(ev)
            if len(events) > 3 * MAX_NODES:
                raise _yaml_error(path, line, f"metadata has more than {MAX_NODES} values",
                                  "metadata is a few keys; keep long text in the article")
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            ev = loader.peek_event()
            raise _yaml_error(path, ev.start_mark.line + 1 + line_offset,
                              "metadata holds more than one YAML document",
                              "remove the extra `---` line")
        node = _compose(events, loader)
        return _to_python(node, loader, where, (), path, [0]), where
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        problem = getattr(err, "problem", None) or str(err)
        raise _yaml_error(
            path, (mark.line + 1 + line_offset) if mark else line_offset + 1,
            f"{what} is not valid YAML: {problem}",
            "check indentation, and quote values that contain ': ' or start with a special character",
        ) from None
    finally:
        loader.dispose()


def _compose(events: list, resolver: _Loader) -> yaml.Node:
    """Build the node tree from checked events (no aliases), without recursion."""
    root: list[yaml.Node] = []
    stack: list[tuple[yaml.Node, list]] = []
    for ev in events:
        if isinstance(ev, yaml.ScalarEvent):
            tag = ev.tag
            if tag is None or tag == "!":
                tag = resolver.resolve(yaml.ScalarNode, ev.value, ev.implicit)
            # types-PyYAML types an event's marks as either Mark class, a node's as yaml.error.Mark
            # only; nodes just store them (and the pure-Python SafeLoader made these events).
            node: yaml.Node = yaml.ScalarNode(
                tag, ev.value, ev.start_mark, ev.end_mark, style=ev.style)  # type: ignore[arg-type]
        elif isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            kind = yaml.SequenceNode if isinstance(ev, yaml.SequenceStartEvent) else yaml.MappingNode
            tag = ev.tag
            if tag is None or tag == "!":
                tag = resolver.resolve(kind, None, ev.implicit)
            # the same types-PyYAML mismatch of Mark classes as above
            opened = kind(tag, [], ev.start_mark, None, flow_style=ev.flow_style)  # type: ignore[arg-type]
            stack.append((opened, []))
            continue
        else:  # a collection ends
            node, items = stack.pop()
            node.end_mark = ev.end_mark
            node.value = items if isinstance(node, yaml.SequenceNode) else list(zip(items[::2], items[1::2], strict=False))
        (stack[-1][1] if stack else root).append(node)
    return root[0]


# -------------------------------------------------------------------- schema


@dataclass(frozen=True)
class MetaSource:
    """Validated metadata and where it came from (for file:line in later errors)."""

    meta: ArticleMeta
    path: Path | None = None  # None: no metadata at all
    lines: MetaLines = field(default_factory=lambda: MetaLines(0), compare=False)
    ignored: tuple[tuple[str, int], ...] = field(default=(), compare=False)  # front matter keys for a site

    def line_of(self, *loc: Any) -> int:
        return self.lines.at(tuple(loc))


EMPTY = MetaSource(ArticleMeta())


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a metadata file: its line, what, and what to do."""

    line: int
    message: str
    hint: str


def _describe(loc: tuple) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problem(e: Any, lines: MetaLines) -> Problem:
    """A pydantic error as a :class:`Problem` with the line of its key or value."""
    loc = tuple(e["loc"])
    line = lines.at(loc)
    top = next((p for p in loc if isinstance(p, str)), "")
    if e["type"] == "extra_forbidden":
        parent = tuple(p for p in loc[:-1] if isinstance(p, str))
        known = KNOWN_KEYS.get(parent[0] if parent else "", ())
        from .frontmatter import GENERATOR_KEYS  # (imported here: frontmatter builds on this module)

        near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean `{near[0]}`?" if near else "known keys: " + ", ".join(known)
        if not parent and str(loc[-1]).lower() in GENERATOR_KEYS:  # `Section`, `layout`: not a misspelling
            hint = (f"`{loc[-1]}` steers a site generator; a sidecar takes pubkit's keys only ("
                    + ", ".join(known) + "): remove it")
        return Problem(line, f"unknown key `{_describe(loc)}`", hint)
    msg = e["msg"]
    if e["type"] == "invalid_key":
        return Problem(line, f"{e['input']!r} is not a key name",
                       "keys are words such as `title` or `authors`; quote a key that is a number or yes/no")
    if e["type"] == "missing":
        msg = "is missing"
    elif e["type"] == "literal_error":
        msg = f"{e['input']!r} is not one of " + ", ".join(STRUCTURE_KINDS)
    elif e["type"] in ("string_type", "tuple_type", "list_type", "dict_type", "model_type"):
        msg = f"has the wrong type: {msg.lower()}"
    return Problem(line, f"`{_describe(loc)}`: {msg}", _HINTS.get(top, "see the README's section on article "
                                                               "metadata"))


def raise_problems(problems: list[Problem], path: Path) -> None:
    """Every problem of one file in one error, by line, a misspelt key first (it explains a
    "missing" one): an editor fixes them all in one go, not one per run."""
    if not problems:
        return
    problems = sorted(problems, key=lambda p: (not p.message.startswith("unknown key"), p.line))
    first, rest = problems[0], problems[1:]
    message = first.message
    if rest:
        message += f"; and {len(rest)} more problem{'s' * (len(rest) > 1)}:" + "".join(
            f"\n  {path}:{p.line}: {p.message} ({p.hint})" for p in rest)
    raise InputError(message, location=Location(path, first.line), hint=first.hint)


def validate(raw: Any, path: Path, lines: MetaLines, *, problems: list[Problem] | None = None,
             ignored: tuple[tuple[str, int], ...] = ()) -> MetaSource:
    """Check ``raw`` (parsed YAML) against the schema; every problem (``problems`` found before it
    included) is reported in one :class:`InputError`."""
    found = list(problems or ())
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("metadata must be `key: value` lines", location=Location(path, lines.at(())),
                         hint="e.g. `title: ...` and `date: 2022-01-27`, one per line")
    try:
        meta = ArticleMeta.model_validate(raw)
    except ValidationError as err:
        found.extend(_problem(e, lines) for e in err.errors())
        raise_problems(found, path)
        raise AssertionError("unreachable") from None
    raise_problems(found, path)
    return MetaSource(meta, path, lines, ignored)


def parse(text: str, path: Path, *, line_offset: int = 0, what: str = "metadata") -> MetaSource:
    """YAML text (a sidecar, or front matter ``line_offset`` lines into its file) → validated metadata."""
    if len(text) > MAX_TEXT:
        raise _yaml_error(path, line_offset + 1, f"{what} is longer than {MAX_TEXT // 1024} KB",
                          "metadata is a few keys; keep long text in the article")
    raw, lines = load_yaml(text, path, line_offset=line_offset, what=what)
    return validate(raw, path, lines)


def merge(base: MetaSource, over: MetaSource) -> MetaSource:
    """``over``'s keys win (front matter over a sidecar). Each file's corrections are applied by the
    reader of that file; the result's lines are ``over``'s (its file), 0 for keys from ``base``."""
    if base.path is None:
        return over
    if over.path is None:
        return base
    merged = base.meta.model_copy(update={k: getattr(over.meta, k) for k in over.meta.model_fields_set})
    lines = MetaLines(over.lines.offset)
    lines.lines = {loc: line for loc, line in over.lines.lines.items()}
    lines.lines.update({(key,): 0 for key in base.meta.model_fields_set - over.meta.model_fields_set})
    return MetaSource(merged, over.path, lines, over.ignored)


def slug_for(meta: ArticleMeta, source: Path, shown: Path) -> str:
    """The article's slug: ``slug:`` from its metadata, else its file name if that is a valid slug."""
    if meta.slug:
        return meta.slug
    stem = source.name.rsplit(".", 1)[0] if "." in source.name else source.name
    what = "file"
    if stem == "index" and source.parent.name:  # a page bundle: seeds/<slug>/index.md
        stem, shown, what = source.parent.name, shown.parent, "folder"
    if SLUG_RE.match(stem):
        return stem
    raise InputError(
        f"the {what} name '{printable(stem)}' cannot name the output files (a slug is 1-80 lowercase letters, "
        "digits and '-', starting with a letter or digit)",
        location=Location(printable(shown)),
        hint=f"rename the {what}, e.g. `my-article{'.txt' if what == 'file' else ''}`, or give it "
             "`slug: my-article` in its metadata",
    )
