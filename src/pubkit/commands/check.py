"""`invoke check`: QA checks on the translations (see :mod:`pubkit.checks`).

Why: reviewers fix what this lists before publishing; `--strict` makes errors fail the
run (exit code 1) so CI can hold back an edition.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..catalog import load_language, stray_files
from ..catalog.store import GLOSSARY_NAME
from ..checks import Context, check_file, load_glossary
from ..config import load_config
from ..errors import CheckFailed, Severity
from ..outline import guess_diagnostics
from ..project import load_articles
from ..ui import err_console, out_console
from .update import select_langs, vanished_diagnostics


def collect(cfg, langs=None, article: str | None = None) -> list:
    all_docs = load_articles(cfg)
    docs = load_articles(cfg, article) if article else all_docs
    glossary = load_glossary(cfg.translations / GLOSSARY_NAME, cfg.root)
    found = list(stray_files(cfg, {d.meta.slug for d in all_docs}))
    for doc in docs:  # the reader's unsettled guesses about the source's structure
        found.extend(guess_diagnostics(doc))
    if not article:  # an article named twice in a collection
        from ..collection import collection_paths, read_collection

        for path in collection_paths(cfg):
            found.extend(read_collection(cfg, path).warnings)
    for lang in select_langs(cfg, langs):
        cats = load_language(cfg, lang, [d.meta.slug for d in docs])
        ctx = Context(lang, cfg.source_lang, glossary)
        for doc in docs:
            pf = cats.files[doc.meta.slug]
            shown = pf.path.relative_to(cfg.root)
            if pf.mtime_ns is None:
                from ..errors import Diagnostic, Location

                found.append(Diagnostic("po-missing", Severity.WARNING, "no translation file yet",
                                        Location(shown), hint="run `invoke update`"))
                continue
            found.extend(check_file(pf, ctx, shown))
            found.extend(vanished_diagnostics(cfg, lang, doc.meta.slug, pf, shown))
    return found


def report(found: list, *, to_stderr: bool = False) -> int:
    """Print findings and a summary line; return the number of errors."""
    console = err_console if to_stderr else out_console
    for d in found:
        console.print(d.format(), markup=False)
    n = {s: sum(1 for d in found if d.severity is s) for s in Severity}
    console.print(f"{n[Severity.ERROR]} error(s), {n[Severity.WARNING]} warning(s), "
                  f"{n[Severity.INFO]} note(s)", markup=False)
    return n[Severity.ERROR]


def run(root: Path | None = None, langs=None, article: str | None = None, strict: bool = False,
        as_json: bool = False, **_ignored) -> int:
    cfg = load_config(root)
    found = collect(cfg, langs, article)
    if as_json:
        out_console.print_json(json.dumps([d.as_dict() for d in found], ensure_ascii=False))
    else:
        report(found)
    errors = sum(1 for d in found if d.severity is Severity.ERROR)
    if strict and errors:
        raise CheckFailed(f"{errors} error(s) found", hint="fix them in the PO files and run `invoke check` again")
    return 0
