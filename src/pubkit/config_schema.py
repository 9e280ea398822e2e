"""The schema of ``pubkit.toml``: every table and key pubkit reads, strictly typed (pydantic).

An unknown table or key is an error naming the nearest known one (``[publishr]`` → did you
mean ``[publisher]``?), a value of the wrong type says what is expected, each with the file and
line (exit 78), exactly as ``readers/meta.py`` checks article metadata. Adding a key is one
line: a field on its table's model below (a new table is a model and one field of
:class:`PubkitToml`). ``config.load_config`` validates the file before anything else reads it;
``Config.raw`` stays the parsed TOML for the modules that read their own table.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, StrictBool, StrictStr,
                      ValidationError)

from .errors import ConfigError, Location


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Project(Table):
    source_lang: StrictStr = "en"  # the language of the articles in seeds/
    targets: list[StrictStr] = []  # the languages an edition is built for besides the source


class LanguageSpec(Table):
    name: StrictStr  # English name: "Kyrgyz"
    native: StrictStr | None = None  # the language's own name: "Кыргызча" (default: name)
    dir: Literal["ltr", "rtl"] = "ltr"  # text direction


class Paths(Table):
    seeds: StrictStr = "seeds"
    translations: StrictStr = "translations"
    templates: StrictStr | None = None  # the project's own templates (default: templates/ if present)
    dist: StrictStr = "dist"


class Pdf(Table):
    page_size: StrictStr = "A5"


class Engines(Table):
    """``default`` and one choice per target language ("argos", "multilingual" or a model's name)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    default: StrictStr = "argos"


class Models(Table):
    dir: StrictStr | None = None  # Argos packages
    multilingual_dir: StrictStr | None = None
    allow_noncommercial: StrictBool = False
    max_mb: PositiveInt = 4096
    index: StrictStr | None = None  # the Argos package index (URL or file)
    # network deadlines (mt/deadline.py): seconds for the whole index fetch or download, and the
    # slowest transfer accepted (bytes per second)
    index_deadline_s: PositiveFloat | None = None
    download_deadline_s: PositiveFloat | None = None
    min_bytes_per_s: PositiveFloat | None = None


Text = StrictStr | dict[StrictStr, StrictStr]  # text, or a table of texts per language


class Publisher(Table):
    name: Text = ""
    rights: Text = ""


class Typography(Table):
    hyphenation: dict[StrictStr, StrictStr] = {}  # language → Pyphen patterns (en = "en_GB")
    variant: dict[StrictStr, StrictStr] = {}  # language → the variant it is written in (en = "en-GB")


class Site(Table):
    dir: StrictStr | None = None  # the download site's folder (default: dist/site)
    base_url: StrictStr | None = None  # the address at which dist/ is served: absolute links


class PubkitToml(Table):
    project: Project = Field(default_factory=Project)
    languages: dict[StrictStr, LanguageSpec] = {}
    paths: Paths = Field(default_factory=Paths)
    pdf: Pdf = Field(default_factory=Pdf)
    engines: Engines = Field(default_factory=Engines)
    models: Models = Field(default_factory=Models)
    publisher: Publisher = Field(default_factory=Publisher)
    typography: Typography = Field(default_factory=Typography)
    site: Site = Field(default_factory=Site)


def _tables() -> dict[tuple[str, ...], list[str]]:
    """Known keys per table path: () → the tables; ("paths",) → its keys."""
    known: dict[tuple[str, ...], list[str]] = {(): list(PubkitToml.model_fields)}
    for name, field in PubkitToml.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, Table):
            known[(name,)] = list(kind.model_fields)
    known[("languages", "*")] = list(LanguageSpec.model_fields)
    return known


KNOWN = _tables()
EXPECTED = {
    "string_type": "text in quotes", "list_type": 'a list, e.g. ["ru", "fr"]', "bool_type": "true or false",
    "int_type": "a whole number", "greater_than": "a number above 0", "dict_type": "a table",
    "model_type": "a table", "model_attributes_type": "a table",
}
HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
KEY = re.compile(r"\s*(\"[^\"]*\"|[A-Za-z0-9_-]+)\s*=")
INLINE_KEY = re.compile(r"[{,]\s*(\"[^\"]*\"|[A-Za-z0-9_-]+)\s*=")


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line of each table and key of the TOML text (first occurrence; inline tables too)."""
    out: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        header = HEADER.match(line)
        if header:
            table = tuple(p.strip().strip('"') for p in header.group(1).split("."))
            out.setdefault(table, n)
            continue
        key = KEY.match(line)
        if key:
            path = (*table, key.group(1).strip('"'))
            out.setdefault(path, n)
            for inner in INLINE_KEY.findall(line[key.end():]):
                out.setdefault((*path, inner.strip('"')), n)
    return out


def _line(lines: dict[tuple[str, ...], int], loc: tuple[str, ...]) -> int:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 0


def _shown(loc: tuple[str, ...]) -> str:
    if len(loc) == 1:
        return f"[{loc[0]}]"
    return f"[{loc[0]}] " + ".".join(loc[1:])


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value) if not isinstance(value, dict) else "a table"


def _known_for(loc: tuple[str, ...]) -> list[str]:
    parent = loc[:-1]
    if parent[:1] == ("languages",) and len(parent) == 2:
        return KNOWN[("languages", "*")]
    return KNOWN.get(parent, [])


def check_engines(toml: PubkitToml, lines: dict[tuple[str, ...], int], path: Path) -> None:
    """``[engines]``: besides ``default``, each key is a described language and each value text."""
    known = ["default", *toml.languages]
    for code, choice in (toml.engines.model_extra or {}).items():
        where = Location(path, lines.get(("engines", code), 0))
        if code not in toml.languages:
            near = difflib.get_close_matches(code, known, n=1, cutoff=0.6)
            hint = f"did you mean `{near[0]}`?" if near else "known: " + ", ".join(known)
            raise ConfigError(f"unknown key `[engines] {code}`: not `default` nor a language of [languages]",
                              location=where, hint=hint)
        if not isinstance(choice, str):
            raise ConfigError(f"`[engines] {code}` must be text in quotes, not {_toml(choice)}",
                              location=where, hint='"argos", "multilingual" or a multilingual model\'s name')


def validate(raw: dict[str, Any], text: str, path: Path) -> PubkitToml:
    """``raw`` (parsed from ``text``) checked against the schema; the first problem (by line) is a
    ConfigError, a misspelt key before the others (it explains a "missing" one)."""
    try:
        return PubkitToml.model_validate(raw)
    except ValidationError as err:
        lines = key_lines(text)
        found = [(_line(lines, tuple(map(str, e["loc"]))), i, e) for i, e in enumerate(err.errors())]
        problems = sorted(found, key=lambda p: (p[2]["type"] != "extra_forbidden", p[0], p[1]))
        line, _, e = problems[0]
        loc = tuple(str(p) for p in e["loc"])
        where = Location(path, line)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        if e["type"] == "extra_forbidden" and len(loc) == 1 and not isinstance(e.get("input"), dict):
            keys = [f"[{t[0]}] {k}" for t, names in KNOWN.items() if len(t) == 1 for k in names]
            near = difflib.get_close_matches(loc[0], [k.split()[-1] for k in keys], n=1, cutoff=0.6)
            hint = (f"did you mean `{next(k for k in keys if k.endswith(' ' + near[0]))}` (under its table)?"
                    if near else "every key belongs to a table: " + ", ".join(f"[{t}]" for t in KNOWN[()]))
            raise ConfigError(f"unknown key `{loc[0]}` outside any table{more}", location=where,
                              hint=hint) from None
        if e["type"] == "extra_forbidden":
            known = _known_for(loc)
            near = difflib.get_close_matches(loc[-1], known, n=1, cutoff=0.6)
            what = "table" if len(loc) == 1 else "key"
            name = _shown(loc[-1:]) if len(loc) == 1 else f"`{_shown(loc)}`"
            hint = (f"did you mean {f'[{near[0]}]' if len(loc) == 1 else f'`{near[0]}`'}?" if near
                    else "known: " + ", ".join(known))
            raise ConfigError(f"unknown {what} {name}{more}", location=where, hint=hint) from None
        if e["type"] == "missing":
            hint = 'a language needs a name: `xx = { name = "...", native = "..." }`'
            raise ConfigError(f"`{_shown(loc)}` is missing{more}", location=where, hint=hint) from None
        expected = EXPECTED.get(e["type"], e["msg"].lower().removeprefix("input should be "))
        if e["type"] == "literal_error":
            expected = "one of " + e["msg"].split("Input should be ", 1)[-1]
        got = e.get("input")
        raise ConfigError(f"`{_shown(loc)}` must be {expected}, not {_toml(got)}{more}", location=where,
                          hint="README's sections on pubkit.toml (and `pubkit init`'s commented file) list "
                               "every key") from None
