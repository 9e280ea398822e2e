"""`pubkit init-lang LANG`: add a target language and make its PO files, as `update` would.

Adds ``LANG`` to ``[project] targets`` in ``pubkit.toml`` and, when ``[languages]`` does not
describe it yet, a line with its English and native names and its direction from CLDR (Babel),
e.g. ``ar = { name = "Arabic", native = "العربية", dir = "rtl" }``. The new file is checked
against the schema before it replaces the old one (atomically; comments and layout kept), then
``update`` makes ``translations/LANG/<slug>.po`` for every article. A language already among
the targets, or a ``targets`` list written over several lines, is refused (exit 64) with the
line to write by hand.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..config import CONFIG_NAME, LANG_CODE, find_root, load_config
from ..errors import ConfigError, Location, UsageError
from ..fsio import atomic_write, project_lock, read_bounded
from ..ui import info

TARGETS = re.compile(r"^(\s*targets\s*=\s*\[)([^\]\n]*)(\].*)$", re.M)


def described(code: str) -> str:
    """``code = { name = …, native = …[, dir = "rtl"] }`` from CLDR, else a line to complete."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return f'{code} = {{ name = "{code}", native = "{code}" }}  # name it: English and native names'
    native = locale.display_name or locale.english_name or code
    native = native[:1].upper() + native[1:]
    direction = ', dir = "rtl"' if locale.text_direction == "rtl" else ""
    return f'{code} = {{ name = "{locale.english_name}", native = "{native}"{direction} }}'


def with_language(text: str, code: str, languages: dict) -> str:
    """The pubkit.toml text with ``code`` added to targets (and described under [languages])."""
    match = TARGETS.search(text)
    if not match:
        raise UsageError(f"no one-line `targets = [...]` in {CONFIG_NAME} to add '{code}' to",
                         hint=f'add "{code}" to [project] targets by hand, then run `invoke update`')
    items = match.group(2).strip()
    joined = f'{items}, "{code}"' if items else f'"{code}"'
    text = text[:match.start()] + match.group(1) + joined + match.group(3) + text[match.end():]
    if code not in languages:
        header = re.search(r"^\[languages\][^\n]*\n", text, re.M)
        line = described(code) + "\n"
        text = text[:header.end()] + line + text[header.end():] if header else text + "\n[languages]\n" + line
    return text


def run(root: Path | None = None, lang: str | None = None, **_ignored) -> int:
    from ..config_schema import validate
    from .update import run as update

    code = (lang or "").strip()
    if not LANG_CODE.match(code):
        raise UsageError(f"{code!r} is not a language code", hint="e.g. `invoke init-lang kk` or `pt-BR`")
    cfg = load_config(root)
    if code == cfg.source_lang or code in cfg.targets:
        where = Location(cfg.root / CONFIG_NAME)
        raise UsageError(f"'{code}' is already a language of this project",
                         hint="`invoke update` refreshes its files", location=where)
    path = find_root(cfg.root) / CONFIG_NAME
    with project_lock(cfg.root, wait=30):
        before = path.stat().st_mtime_ns
        text = read_bounded(path, "config", root=cfg.root).decode("utf-8")
        new = with_language(text, code, cfg.languages)
        try:
            validate(tomllib.loads(new), new, path)
        except (tomllib.TOMLDecodeError, ConfigError) as err:
            raise ConfigError(f"adding '{code}' would break {CONFIG_NAME}: {err}", location=Location(path),
                              hint=f'add "{code}" to targets and a [languages] line by hand') from None
        atomic_write(path, new, expect_mtime_ns=before, root=cfg.root)
    info(f"{CONFIG_NAME}: '{code}' added to targets" + ("" if code in cfg.languages else
                                                         f" and described: {described(code)}"))
    return update(root=cfg.root, langs=[code])
