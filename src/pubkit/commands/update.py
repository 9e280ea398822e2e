"""`invoke update`: merge source changes into translations/<lang>/<article>.po.

Why: reviewers edit PO files while editors edit sources; this brings the two together like
``sphinx-intl update``, needs no model, and never drops reviewed text (see
:mod:`pubkit.catalog.merge`). Every file is validated before any is written; writes are
atomic and refuse to replace a file a reviewer saved while pubkit was running.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import LanguageCatalogs, MergeReport, PoFile, load_language, merged, save
from ..catalog.po import has_translation
from ..catalog.pot import write_pot
from ..catalog.store import creation_date, raise_for_strays
from ..config import Config, load_config
from ..errors import Diagnostic, Location, MissingError, Severity
from ..fsio import atomic_write, project_lock
from ..model import Document
from ..project import load_articles
from ..ui import info


@dataclass
class UpdateResult:
    written: list[Path] = field(default_factory=list)
    reports: dict[tuple[str, str], MergeReport] = field(default_factory=dict)
    files: dict[tuple[str, str], PoFile] = field(default_factory=dict)  # (lang, slug) -> merged
    vanished: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # source texts


# ------------------------------------------------------------------ entries that vanished
# update keeps its own record of every translated entry it left in a file
# (.pubkit/update/<lang>/<slug>.json); an entry in the record that is no longer in the file at
# all (not even obsolete) was removed by a tool or an edit (`msgattrib --only-fuzzy`, a bad
# merge): update names it instead of counting it silently as new, and `check` warns.


def _record_path(cfg: Config, lang: str, slug: str) -> Path:
    return cfg.root / ".pubkit" / "update" / lang / f"{slug}.json"


def _translated(pf: PoFile) -> list[list]:
    keys = [[e.msgctxt, e.msgid] for e in pf.po if has_translation(e)]
    return sorted(keys, key=lambda k: (k[0] or "", k[1]))


def vanished(cfg: Config, lang: str, slug: str, pf: PoFile) -> list[str]:
    """Source texts of translated entries update left in the file that the file lacks now."""
    try:
        record = json.loads(_record_path(cfg, lang, slug).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    present = {(e.msgctxt, e.msgid) for e in pf.po}
    return [msgid for ctx, msgid in record.get("translated", []) if (ctx, msgid) not in present]


def _write_record(cfg: Config, lang: str, slug: str, pf: PoFile) -> None:
    path = _record_path(cfg, lang, slug)
    data = json.dumps({"translated": _translated(pf)}, ensure_ascii=False, indent=0) + "\n"
    try:
        if path.read_text(encoding="utf-8") == data:
            return
    except OSError:
        pass
    atomic_write(path, data, root=cfg.root)


def vanished_diagnostics(cfg: Config, lang: str, slug: str, pf: PoFile, shown: Path) -> list[Diagnostic]:
    gone = vanished(cfg, lang, slug, pf)
    if not gone:
        return []
    one = len(gone) == 1
    names = "; ".join(_short(m) for m in gone[:5]) + (" …" if len(gone) > 5 else "")
    return [Diagnostic(
        "po-entries-vanished", Severity.WARNING,
        f"{len(gone)} translated entr{'y' if one else 'ies'} left by the last `invoke update` "
        f"{'is' if one else 'are'} no longer in the file: {names}", Location(shown),
        hint="a tool or an edit removed them (msgattrib --only-fuzzy, a merge); restore the file from "
             "version control or a backup, or re-translate them",
    )]


def _short(msgid: str) -> str:
    return f"“{msgid[:40]}…”" if len(msgid) > 40 else f"“{msgid}”"


def select_langs(cfg: Config, langs) -> list[str]:
    if not langs:
        return list(cfg.targets)
    for lang in langs:
        if lang not in cfg.targets:
            raise MissingError(
                f"no target language '{lang}' in this project", location=Location(cfg.root / "pubkit.toml"),
                hint="known: " + ", ".join(cfg.targets) + " (add more to `targets`)",
            )
    return list(langs)


def update_catalogs(cfg: Config, docs: list[Document], all_docs: list[Document], langs: list[str],
                    *, write: bool = True) -> UpdateResult:
    """Merge every selected (language, article) pair; write the files that changed.

    The caller holds the project lock. All files are read and merged before the first
    write, so a syntax error anywhere stops the run with nothing written.
    """
    raise_for_strays(cfg, {d.meta.slug for d in all_docs})
    result = UpdateResult()
    slugs = [d.meta.slug for d in all_docs]
    loaded: dict[str, LanguageCatalogs] = {lang: load_language(cfg, lang, slugs) for lang in langs}
    for lang in langs:
        for doc in docs:
            pf, report = merged(cfg, doc, lang, loaded[lang])
            result.files[(lang, doc.meta.slug)] = pf
            result.reports[(lang, doc.meta.slug)] = report
            result.vanished[(lang, doc.meta.slug)] = vanished(cfg, lang, doc.meta.slug,
                                                              loaded[lang].files[doc.meta.slug])
    if write:
        for (lang, slug), pf in result.files.items():
            if save(pf, root=cfg.root):
                result.written.append(pf.path)
            _write_record(cfg, lang, slug, pf)
        for doc in docs:  # translations/templates/<slug>.pot, for msginit, msgmerge and Weblate
            pot = write_pot(cfg, doc, creation_date(doc))
            if pot:
                result.written.append(pot)
    return result


def run(root: Path | None = None, langs=None, article: str | None = None, verbose: bool = True,
        **_ignored) -> int:
    cfg = load_config(root)
    with project_lock(cfg.root):
        all_docs = load_articles(cfg)
        docs = [d for d in all_docs if d.meta.slug == article] if article else all_docs
        if article and not docs:
            load_articles(cfg, article)  # raises MissingError with the known slugs
        result = update_catalogs(cfg, docs, all_docs, select_langs(cfg, langs))
    print_report(result)
    if not result.written and verbose:
        info("translation files are up to date")
    if verbose:
        from ..catalog import stray_files

        for d in stray_files(cfg, {d.meta.slug for d in all_docs}):
            info(d.format())
    return 0


def print_report(result: UpdateResult) -> None:
    """One line per PO file written; quiet when nothing changed."""
    for path in result.written:
        if path.suffix == ".pot":
            info(f"templates/{path.name}: written (the PO template msginit and Weblate start from)")
    for (lang, slug), rep in sorted(result.reports.items()):
        pf = result.files[(lang, slug)]
        gone = result.vanished.get((lang, slug), [])
        if gone:
            info(f"{lang}/{slug}.po: {len(gone)} translated entr{'y' if len(gone) == 1 else 'ies'} left by "
                 "the last update disappeared from the file (a tool or an edit removed them; not new "
                 "passages): " + "; ".join(_short(m) for m in gone))
        if pf.path not in result.written:
            continue  # quiet when nothing changed
        info(f"{lang}/{slug}.po: updated (kept {rep.kept}, restored {rep.restored}, "
             f"from memory {rep.from_memory}, source changed {rep.fuzzy_matched}, new {rep.new}, "
             f"obsoleted {rep.obsoleted})"
             + (" and converted to UTF-8: its charset could not hold the new text (the header says so)"
                if pf.upgraded else ""))
