"""``translations/templates/<slug>.pot``: the article's PO template, as gettext tools expect it.

``update`` writes one per article beside the languages' folders: the same entries, comments
and references as every language's PO file, with empty translations and gettext's template
header (``Language:`` empty, placeholders that ``msginit`` fills in). ``POT-Creation-Date`` is
the PO files' creation date (``SOURCE_DATE_EPOCH``, else the article's date), so a second
``update`` writes nothing. ``msginit -i translations/templates/<slug>.pot -l LANG`` starts a new
language from it, ``msgmerge`` merges into it, and Weblate's "add a language" reads it.
"""

from __future__ import annotations

from pathlib import Path

import polib

from ..config import Config
from ..fsio import inside_project
from ..model import Document
from .merge import merge
from .po import PoFile, load, save
from .template import template

TEMPLATES_FOLDER = "templates"  # translations/templates/: not a language code (config.LANG_CODE)


def pot_path(cfg: Config, slug: str) -> Path:
    path = cfg.translations / TEMPLATES_FOLDER / f"{slug}.pot"
    inside_project(cfg.root, path, what=f"the PO template for '{slug}'", for_write=True)
    return path


def pot_file(cfg: Config, doc: Document, created: str) -> PoFile:
    """The article's template, in memory (``created``: its POT-Creation-Date)."""
    path = pot_path(cfg, doc.meta.slug)
    current = load(path, root=cfg.root)
    po, _ = merge(polib.POFile(), template(doc))
    po.header = (f"PO template for “{doc.meta.title}”.\n"
                 f"A new language: msginit -i {path.relative_to(cfg.root)} -l LANG --no-translator")
    po.metadata = {
        "Project-Id-Version": doc.meta.slug,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return PoFile(path, po, current.mtime_ns, current.text)


def write_pot(cfg: Config, doc: Document, created: str) -> Path | None:
    """Write the template if its text changed; the path written, else None."""
    pf = pot_file(cfg, doc, created)
    return pf.path if save(pf, root=cfg.root) else None
