"""Where PO files live and how a language's catalogs are loaded, merged and saved.

Why: ``update``, ``translate``, ``status``, ``check`` and the build all need the same
answers (which file belongs to which article, what is stray, what the merged catalog is),
so they come from here, with IO kept at this edge.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

from ..config import CONFIG_NAME, Config
from ..errors import Diagnostic, InputError, Location, Severity
from ..fsio import inside_project, printable
from ..model import SLUG_RE, Document
from .memory import Memory, build_memory
from .merge import MergeReport, merge
from .po import PoFile, header_fields, load, rel
from .template import template

GLOSSARY_NAME = "glossary.csv"


def po_path(cfg: Config, lang: str, slug: str) -> Path:
    """translations/<lang>/<slug>.po, proven inside the project (a slug is validated by the readers;
    this refuses anything else, so no metadata can lead a write elsewhere)."""
    if not SLUG_RE.match(slug):
        raise InputError(f"'{printable(slug)}' is not a valid article slug; no PO file is named after it",
                         hint="slugs are 1-80 lowercase letters, digits and '-'")
    path = cfg.translations / lang / f"{slug}.po"
    inside_project(cfg.root, path, what=f"the PO file for '{slug}' in {lang}", for_write=True)
    return path


def stray_files(cfg: Config, slugs: set[str]) -> list[Diagnostic]:
    """PO files pubkit cannot place: an unconfigured language, an article no longer in seeds/."""
    found: list[Diagnostic] = []
    if not cfg.translations.is_dir():
        return found
    for path in sorted(cfg.translations.rglob("*.po")):
        shown = rel(path, cfg.root)
        parts = path.relative_to(cfg.translations).parts
        if parts[0].startswith("."):
            continue  # translations/.retired/ (invoke retire) and other hidden folders
        if len(parts) != 2:
            found.append(Diagnostic(
                "po-misplaced", Severity.ERROR, "PO file outside translations/<lang>/", Location(shown),
                hint="move it to translations/<lang>/<article slug>.po",
            ))
        elif parts[0] not in cfg.targets:
            found.append(Diagnostic(
                "po-unconfigured-language", Severity.ERROR,
                f"PO file for language '{parts[0]}', which is not a target in {CONFIG_NAME}", Location(shown),
                hint=f"add '{parts[0]}' to `targets` in {CONFIG_NAME}, or move the folder out of translations/",
            ))
        elif path.name.endswith(".collection.po"):
            continue  # a collection's own strings (pubkit.collection)
        elif path.stem not in slugs:
            found.append(Diagnostic(
                "po-orphan", Severity.WARNING,
                f"PO file for the article '{path.stem}', which is not in seeds/ any more; "
                "it is left alone and nothing is built from it", Location(shown),
                hint=f"`invoke retire --article {path.stem}` moves its translations to translations/.retired/ "
                     "and its editions out of dist/ (nothing is deleted); or restore the article",
            ))
    return found


def raise_for_strays(cfg: Config, slugs: set[str]) -> None:
    strays = [d for d in stray_files(cfg, slugs) if d.severity is Severity.ERROR]
    if strays:
        first = strays[0]
        more = f" (and {len(strays) - 1} more)" if len(strays) > 1 else ""
        raise InputError(first.message + more, location=first.location, hint=first.hint)


def creation_date(doc: Document) -> str:
    """Header date: SOURCE_DATE_EPOCH, else the article's date (so files are reproducible)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d %H:%M+0000")
    return f"{doc.meta.date or '1970-01-01'} 00:00+0000"


@dataclass
class LanguageCatalogs:
    """Every PO file of one language, loaded, plus the translation memory made from them."""

    lang: str
    files: dict[str, PoFile]  # slug -> file (may not exist on disk yet)
    memory: Memory


def load_language(cfg: Config, lang: str, slugs) -> LanguageCatalogs:
    files = {slug: load(po_path(cfg, lang, slug), root=cfg.root) for slug in slugs}
    memory = build_memory((pf, str(rel(pf.path, cfg.root))) for pf in files.values() if pf.mtime_ns is not None)
    return LanguageCatalogs(lang, files, memory)


def merged(cfg: Config, doc: Document, lang: str, cats: LanguageCatalogs) -> tuple[PoFile, MergeReport]:
    """The article's PO file merged with its current source, in memory (nothing written)."""
    pf = cats.files[doc.meta.slug]
    language = cfg.language(lang)
    header = header_fields(slug=doc.meta.slug, lang_code=lang, lang_name=language.name,
                           date=creation_date(doc))
    po, report = merge(pf.po, template(doc), cats.memory, header=header)
    if pf.mtime_ns is None:
        po.header = (
            f"{language.name} translation of “{doc.meta.title}”.\n"
            "Edit the msgstr lines; remove the “fuzzy” flag to approve an entry.\n"
            "`invoke update` merges source changes and never drops reviewed text."
        )
    # complete the header; a reviewer's values (Last-Translator, Language-Team …) are kept
    for key, value in header.items():
        po.metadata.setdefault(key, value)
    po.metadata["Language"] = lang
    return PoFile(pf.path, po, pf.mtime_ns, pf.text, pf.encoding), report
