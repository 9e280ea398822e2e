"""Bounds on what input can make pubkit build, not only on what it reads.

:mod:`pubkit.fsio` bounds the bytes of every file; these bound what the bytes may become: how
deeply a document nests (emphasis inside emphasis, lists and quotations inside each other) and
how deeply a JSON file does (a model's ``metadata.json``, the package index). pubkit's stages walk
documents recursively, as Python's own JSON parser does, so an input nested thousands of levels
deep (4 KB of ``*``) would end in a ``RecursionError``; here it is refused first, with the file
and line, as bad input (exit 65). The limits are far beyond what a book uses: a list nested five
levels deep is already unusual, and an Argos index nests three.

Linear-time checks only: :func:`check_json_depth` scans brackets and strings with one regular
expression, :func:`check_document` walks a document with its own stack.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from .errors import InputError, Location

MAX_INLINE_DEPTH = 16  # emphasis, strong, links and other-language spans inside each other
MAX_BLOCK_DEPTH = 16  # lists and quotations inside each other (an item's nested list is a level)
MAX_JSON_DEPTH = 32  # arrays and objects inside each other in a JSON file pubkit reads


def too_deep(what: str, limit: int, location: Location, hint: str) -> InputError:
    """The one message for input nested past a limit."""
    return InputError(f"{what} is nested more than {limit} levels deep; pubkit does not read it",
                      location=location, hint=hint)


# ------------------------------------------------------------------------ JSON

_JSON_SPECIAL = re.compile(r'[\[\]{}"\\]')


def check_json_depth(text: str, where: Path | str, what: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse ``text`` if its arrays and objects nest deeper than ``limit`` (outside strings),
    naming the line where it does. Lexes strings as JSON does, so a valid document is judged
    exactly, and an invalid one at least up to where the parser would stop."""
    depth, in_string, skip = 0, False, -1
    for m in _JSON_SPECIAL.finditer(text):
        i, ch = m.start(), m.group()
        if i == skip:  # the character after a backslash
            continue
        if in_string:
            if ch == "\\":
                skip = i + 1
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise too_deep(what, limit, Location(where, text.count("\n", 0, i) + 1),
                               "this is not the file pubkit expects (a hostile or broken download?)")
        elif ch in "]}":
            depth -= 1


def load_json(text: str, where: Path | str, what: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` of a file pubkit did not write, after :func:`check_json_depth`.

    ``json.JSONDecodeError`` is passed on for the caller's own message."""
    check_json_depth(text, where, what, limit)
    try:
        return json.loads(text)
    except RecursionError:  # unreachable after the check; never a traceback all the same
        raise too_deep(what, limit, Location(where), "this is not the file pubkit expects") from None


# -------------------------------------------------------------------- documents

_BLOCK_CONTAINERS = ("ListBlock", "BlockQuote")


def check_document(doc: Any, path: Path | str) -> None:
    """Refuse a document (:class:`pubkit.model.Document`) whose inline spans nest deeper than
    :data:`MAX_INLINE_DEPTH` or whose lists and quotations nest deeper than :data:`MAX_BLOCK_DEPTH`,
    at the line of the block where it happens. Walks the dataclasses with a stack, so whatever a
    reader built is checked without recursion before any later stage recurses into it."""
    stack: list[tuple[Any, int, int, int]] = [(doc, 0, 0, 0)]
    while stack:
        obj, blocks, inlines, line = stack.pop()
        if isinstance(obj, (tuple, list)):
            stack.extend((x, blocks, inlines, line) for x in obj)
            continue
        if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
            continue
        line = getattr(obj, "line", 0) or line
        name = type(obj).__name__
        if name in _BLOCK_CONTAINERS:
            blocks += 1
            if blocks > MAX_BLOCK_DEPTH:
                raise too_deep("a list or quotation", MAX_BLOCK_DEPTH, Location(path, line),
                               "a book's lists are a few levels deep: remove the extra indentation or `>`")
        if hasattr(obj, "children"):
            inlines += 1
            if inlines > MAX_INLINE_DEPTH:
                raise too_deep("emphasis (or links)", MAX_INLINE_DEPTH, Location(path, line),
                               "remove the extra `*`, `_` or brackets around the text")
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, (tuple, list)) or dataclasses.is_dataclass(value):
                stack.append((value, blocks, inlines, line))
