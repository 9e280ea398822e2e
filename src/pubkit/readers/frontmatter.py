"""Front matter as static-site generators write it: YAML (``---``), TOML (``+++``) and JSON.

Why: editors receive posts from Jekyll, Hugo, Zola, Eleventy, Pandoc, Pelican, Astro and MkDocs
sites, and such a post must build as received. So the block at the top of a Markdown file is
found whatever its syntax, parsed by a real parser (PyYAML's safe loader through :mod:`.meta`,
``tomllib``, ``json``), and its keys are brought to pubkit's (:func:`generator_keys`): Hugo's
``Title`` is ``title``, ``by`` and ``author`` are the authors, ``summary`` the description,
``tags``/``categories``/``keywords`` the subjects, ``published: false`` a draft; keys that only
steer a site (``layout``, ``permalink``, ``aliases``, ``weight`` …) are ignored on purpose and
listed by ``outline``. An unknown key is an error only when it looks like a misspelt pubkit key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from . import meta as meta_schema
from .meta import MetaLines, MetaSource, Problem

YAML_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?(---|\.\.\.)[ \t]*(\n|\Z)", re.S)
TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(\n|\Z)", re.S)
TOML_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
TOML_TABLE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(?:#.*)?$")
LEADING_BLANK = re.compile(r"\A(?:[ \t]*\n)+")
JSON_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:')


@dataclass(frozen=True)
class Block:
    """The front matter of a file: its syntax, its text and where the body starts."""

    syntax: str  # "yaml", "toml" or "json"
    text: str
    first_line: int  # lines before ``text`` in the file (the opening fence)
    consumed: int  # lines the whole block takes, fences included
    end: int  # offset of the body in the file's text


def find(text: str, path: Path) -> Block | None:
    """The front matter block at the top of ``text`` (blank lines before it are allowed, as Hugo
    and Zola allow them), or None when the file has none."""
    lead = LEADING_BLANK.match(text)
    start = lead.end() if lead else 0
    skipped = text.count("\n", 0, start)
    rest = text[start:]
    if rest.startswith("---"):
        m = YAML_FENCE.match(rest)
        if not m:
            raise _unclosed(path, "---", skipped + 1)
        return Block("yaml", m.group(1) or "", skipped + 1, skipped + m.group(0).count("\n"), start + m.end())
    if rest.startswith("+++"):
        m = TOML_FENCE.match(rest)
        if not m:
            raise _unclosed(path, "+++", skipped + 1)
        return Block("toml", m.group(1) or "", skipped + 1, skipped + m.group(0).count("\n"), start + m.end())
    if rest.startswith("{") and rest[1:2] in ("\n", " ", "\t", '"', "}"):  # Hugo's JSON front matter
        try:
            _, end = json.JSONDecoder().raw_decode(rest)
        except json.JSONDecodeError as err:
            raise InputError(f"JSON front matter is not valid JSON: {err.msg}",
                             location=Location(path, err.lineno + skipped),
                             hint="check the commas and quotes of the `{ ... }` block") from None
        stop = rest.find("\n", end)
        stop = len(rest) if stop < 0 else stop + 1
        return Block("json", rest[:end], skipped, skipped + rest[:stop].count("\n"), start + stop)
    return None


def parse(text: str, path: Path) -> tuple[MetaSource, Block | None]:
    """The validated front matter of a file's text (empty metadata when it has none) and its block."""
    block = find(text, path)
    if block is None:
        return meta_schema.EMPTY, None
    raw, lines = load(block, path)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("front matter must be `key: value` lines", location=Location(path, block.first_line + 1),
                         hint="e.g. `title: ...` and `date: 2022-01-27`, one per line")
    values, ignored, problems = generator_keys(raw, lines)
    return meta_schema.validate(values, path, lines, problems=problems, ignored=tuple(ignored)), block


def _unclosed(path: Path, fence: str, line: int) -> InputError:
    return InputError(f"front matter starts with '{fence}' but has no closing '{fence}' line",
                      location=Location(path, line),
                      hint=f"end the metadata block with a line holding only {fence}")


def load(block: Block, path: Path) -> tuple[Any, MetaLines]:
    """Parse a front matter block into plain values, with the line of each key."""
    if len(block.text) > meta_schema.MAX_TEXT:
        raise InputError(f"front matter is longer than {meta_schema.MAX_TEXT // 1024} KB",
                         location=Location(path, 1),
                         hint="metadata is a few keys; keep long text in the article")
    if block.syntax == "yaml":
        return meta_schema.load_yaml(block.text, path, line_offset=block.first_line, what="front matter")
    if block.syntax == "toml":
        try:
            raw: Any = tomllib.loads(block.text)
        except tomllib.TOMLDecodeError as err:
            m = re.search(r"line (\d+)", str(err))
            raise InputError(f"TOML front matter is not valid TOML: {err}",
                             location=Location(path, int(m.group(1)) + block.first_line if m else 1),
                             hint="write `key = \"value\"`, one key per line, text in quotes") from None
        lines = _toml_lines(block.text, block.first_line)
    else:
        try:
            raw = json.loads(block.text, object_pairs_hook=_no_twice)
        except json.JSONDecodeError as err:  # raw_decode found it whole; only a duplicate is left
            raise InputError(f"JSON front matter is not valid JSON: {err.msg}",
                             location=Location(path, err.lineno + block.first_line),
                             hint="check the commas and quotes of the `{ ... }` block") from None
        except ValueError as err:
            raise InputError(f"JSON front matter: {err}", location=Location(path, 1),
                             hint="keep one of the two") from None
        lines = _json_lines(block.text, block.first_line)
    _check_size(raw, path, lines, 0, [0])
    return _plain(raw), lines


def _no_twice(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key {k!r} is given twice")
        out[k] = v
    return out


def _check_size(value: Any, path: Path, lines: MetaLines, depth: int, count: list[int]) -> None:
    count[0] += 1
    if count[0] > meta_schema.MAX_NODES or depth > meta_schema.MAX_DEPTH:
        raise InputError("front matter is too big or nested too deep", location=Location(path, 1),
                         hint="metadata is keys with text, lists and small mappings")
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        _check_size(child, path, lines, depth + 1, count)


def _plain(value: Any) -> Any:
    """TOML's dates and times as ISO text (the schema checks text, as YAML gives it)."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _toml_lines(text: str, offset: int) -> MetaLines:
    """Lines of the top-level keys and of the keys of one-level tables (``[taxonomies]``)."""
    where = MetaLines(offset)
    table: tuple = ()
    for no, line in enumerate(text.split("\n"), 1 + offset):
        if m := TOML_TABLE.match(line):
            table = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
            where.lines.setdefault(table, no)
        elif m := TOML_KEY.match(line):
            where.lines.setdefault((*table, m.group(1) or m.group(2) or m.group(3)), no)
    return where


def _json_lines(text: str, offset: int) -> MetaLines:
    where = MetaLines(offset)
    depth = 0
    for no, line in enumerate(text.split("\n"), 1 + offset):
        if depth == 1 and (m := JSON_KEY.match(line)):
            where.lines.setdefault((m.group(1),), no)
        depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
    return where


# ------------------------------------------------------------ generators' keys

# Keys that name pubkit's fields under another generator's name (lower case).
AUTHOR_KEYS = ("authors", "author", "by")
DESCRIPTION_KEYS = ("description", "summary", "abstract", "excerpt")
SUBJECT_KEYS = ("subjects", "tags", "categories", "keywords")
DATE_KEYS = ("date", "pubdate", "publishdate", "pubdatetime", "published")
ALIASES = {"language": "lang"}
ACCEPTED = (*AUTHOR_KEYS, *DESCRIPTION_KEYS, *SUBJECT_KEYS, *DATE_KEYS, "language", "draft", "status",
            "taxonomies")
# Keys the generators define that steer the site, not the text: ignored on purpose.
GENERATOR_KEYS = frozenset("""
aliases permalink layout weight url slug_prefix type template path redirect_from redirect_to
lastmod modified updated expirydate expiration_date mod_datetime moddatetime
image images cover cover_image featured_image featuredimage feature_image thumbnail thumb banner
hero heroimage og_image ogimage social_image header hero_image
toc showtoc tocopen comments disqus_identifier math katex mathjax mermaid menu menus series
section sections linktitle headless outputs resources markup build cascade sitemap
sort_by in_search_index render transparent page_template insert_anchor_links extra
eleventynavigation eleventyexcludefromcollections eleventycomputed pagination eleventyimport
nav_order parent has_children grand_parent nav_exclude hide search icon social
canonical canonicalurl canonical_url share related hidemeta hidden featured pinned sticky
css js scripts styles class classes bodyclass theme lightbox reading_time readingtime
header-includes documentclass geometry fontsize mainfont classoption papersize bibliography csl
link-citations nocite references toc-title institute thanks abstract-title rights publisher
identifier cover-image subject email twitter github avatar location
modified_date last_modified_at last_modified created id uid uuid guid
""".split())
NEAR = 0.75  # difflib's ratio above which an unknown key is taken for a misspelt one


def generator_keys(raw: dict, lines: MetaLines) -> tuple[dict, list[tuple[str, int]], list[Problem]]:
    """``raw`` with the generators' keys brought to pubkit's: (values for the schema, ignored keys
    with their lines, problems). Top-level keys are case-insensitive, as Hugo reads them. (A sidecar
    is pubkit's own file: it takes pubkit's keys only, and exactly.)"""
    problems: list[Problem] = []
    ignored: list[tuple[str, int]] = []
    fields = set(meta_schema.ArticleMeta.model_fields)
    given: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.lower() if isinstance(key, str) else key
        if name != key:
            _rename(lines, key, name)
        if name in given:
            problems.append(Problem(lines.at((name,)), f"the key `{name}` is given twice (as `{key}` too)",
                                    "keep one of the two"))
            continue
        given[name] = value
    out: dict[str, Any] = {}

    def ignore(key: str, why: str = "") -> None:
        ignored.append((key + (f" ({why})" if why else ""), lines.at((key,))))

    authors = [k for k in AUTHOR_KEYS if k in given]
    if len(authors) > 1:
        problems.append(Problem(lines.at((authors[1],)),
                                f"both `{authors[0]}` and `{authors[1]}` are given; keep one",
                                "write the authors once, e.g. `authors: [Jane Doe]`"))
    elif authors:
        key = authors[0]
        _rename(lines, key, "authors")
        out["authors"] = _author_values(given[key], ignore)
    descriptions = [k for k in DESCRIPTION_KEYS if k in given
                    and not (isinstance(given[k], str) and not given[k].strip())]  # Hugo's `description = ""`
    for k in descriptions:
        if k == descriptions[0]:
            _rename(lines, k, "description")
            out["description"] = given[k]
        else:
            ignore(k, f"the description is `{descriptions[0]}`")
    subjects: list[Any] = []
    for k in SUBJECT_KEYS:
        if k in given:
            subjects.extend(_subject_values(given[k], spaces=k in ("tags", "categories")))
            _rename(lines, k, "subjects", keep=True)
    if isinstance(given.get("taxonomies"), dict):  # Zola: [taxonomies] tags = [...]
        for k in SUBJECT_KEYS:
            subjects.extend(_subject_values(given["taxonomies"].get(k, [])))
        _rename(lines, "taxonomies", "subjects", keep=True)
    if subjects or any(k in given for k in SUBJECT_KEYS):
        out["subjects"] = subjects
    dates = [k for k in DATE_KEYS if k in given and not isinstance(given[k], bool)]
    for k in dates:
        if k == dates[0]:
            _rename(lines, k, "date")
            out["date"] = given[k]
        else:
            ignore(k, f"the date is `{dates[0]}`")
    draft = _draft(given, lines, problems)
    if draft is not None:
        out["draft"] = draft
    for key, value in given.items():
        if key in ALIASES:
            if ALIASES[key] in given:
                ignore(key, f"`{ALIASES[key]}` is given")
            else:
                _rename(lines, key, ALIASES[key])
                out[ALIASES[key]] = value
        elif key in fields and key not in out and key not in SUBJECT_KEYS + DESCRIPTION_KEYS + AUTHOR_KEYS:
            out[key] = value
        elif key in fields or key in ACCEPTED:
            continue
        elif not isinstance(key, str):
            out[key] = value  # the schema refuses it (`yes:`, `12:`)
        elif key not in GENERATOR_KEYS and (near := difflib.get_close_matches(key, KNOWN, n=1, cutoff=NEAR)):
            problems.append(Problem(lines.at((key,)), f"unknown key `{key}`", f"did you mean `{near[0]}`?"))
        else:
            ignore(key)
    return out, ignored, problems


KNOWN = tuple(sorted({*meta_schema.ArticleMeta.model_fields, *ACCEPTED, *ALIASES}))


def _rename(lines: MetaLines, old: Any, new: str, *, keep: bool = False) -> None:
    """Lines recorded under key ``old`` (and below it) are now also under ``new``."""
    for loc, line in list(lines.lines.items()):
        if loc and loc[0] == old:
            if keep:
                lines.lines.setdefault((new, *loc[1:]), line)
            else:
                lines.lines[(new, *loc[1:])] = line


def _author_values(value: Any, ignore) -> Any:
    """Generators' author entries: ``{name, email, url}`` mappings keep their name (and countries)."""
    if not isinstance(value, (list, dict)):
        return value  # a name (or a wrong type, for the schema to name)
    entries = value if isinstance(value, list) else [value]
    out = []
    for entry in entries:
        if isinstance(entry, dict):
            extra = sorted(str(k) for k in entry if k not in ("name", "countries"))
            for k in extra:
                ignore(f"authors.{k}")
            entry = {k: v for k, v in entry.items() if k in ("name", "countries")}
        out.append(entry)
    return out


def _subject_values(value: Any, spaces: bool = False) -> list[Any]:
    """A list of subjects, or one text of them separated by commas (Pelican) or, for Jekyll's
    ``tags``/``categories`` without a comma, by spaces (``categories: jekyll update`` is two)."""
    if isinstance(value, str):
        if spaces and "," not in value:
            return value.split()
        return [s.strip() for s in value.split(",") if s.strip()]
    if isinstance(value, list):
        return [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
    return [value]


def _draft(given: dict, lines: MetaLines, problems: list[Problem]) -> bool | None:
    """``draft: true``, ``published: false`` or Pelican's ``status: draft``: not to be published."""
    found: bool | None = None
    for key, negate in (("draft", False), ("published", True)):
        if key not in given:
            continue
        value = given[key]
        if key == "published" and not isinstance(value, bool):
            continue  # a publication date (DATE_KEYS)
        if not isinstance(value, bool):
            problems.append(Problem(lines.at((key,)), f"`{key}` must be true or false, not {value!r}",
                                    f"write `{key}: true` or `{key}: false`"))
            continue
        found = (found or False) or (value != negate)
    status = given.get("status")
    if isinstance(status, str) and status.strip().lower() in ("draft", "hidden", "private"):
        found = True
    return found
