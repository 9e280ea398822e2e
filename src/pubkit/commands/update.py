"""`invoke update`: merge source changes into translations/<lang>/<article>.po.

Why: reviewers edit PO files while editors edit sources; this brings the two together like
``sphinx-intl update``, needs no model, and never drops reviewed text (see
:mod:`pubkit.catalog.merge`). Every file is validated before any is written; writes are
atomic and refuse to replace a file a reviewer saved while pubkit was running.

Cost follows the work, as in ``publish``: ``.pubkit/update.json`` records, per language and
article, the content hashes of the article, its sidecar and its PO file after the last
update (under the fingerprint of pubkit's code and ``pubkit.toml``). An article whose
hashes are the same is not read, merged or written; a file edited since (by a reviewer, by
``translate``, by hand) always is. The translation memory is the one exception to "only its
own files": the record also keeps, per file, which source texts it can lend to the memory
and which of its passages are untranslated, so that a translation that appears in one file
is still taken by an untranslated passage of another (as a full merge would), and the
memory of a merged article is built from exactly the files that can answer its lookups.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import LanguageCatalogs, MergeReport, PoFile, load, load_language, merged, po_path, save
from ..catalog.memory import build_memory
from ..catalog.po import has_translation, is_plural, rel
from ..catalog.pot import pot_path, write_pot
from ..catalog.store import creation_date, raise_for_strays
from ..catalog.template import template
from ..config import Config, load_config
from ..errors import Diagnostic, Location, MissingError, Severity
from ..fingerprint import HashCache, sha256_bytes
from ..fsio import atomic_write, project_lock
from ..model import Document
from ..project import load_articles
from ..readers.source import SIDECAR_SUFFIX
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
        result, slugs = update_changed(cfg, select_langs(cfg, langs), article)
    print_report(result)
    if not result.written and verbose:
        info("translation files are up to date")
    if verbose:
        from ..catalog import stray_files

        for d in stray_files(cfg, slugs):
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



# ----------------------------------------------------------------- freshness (see the module's doc)

RECORD = Path(".pubkit") / "update.json"
RECORD_VERSION = 1
# per language, slug -> [inputs digest, keys the file lends to the memory, keys of its untranslated passages]
Record = dict[str, dict[str, list]]


def _key(msgid: str) -> str:
    return hashlib.blake2b(msgid.encode("utf-8"), digest_size=8).hexdigest()


def _lends(pf: PoFile) -> list[str]:
    """Keys of the source texts this file gives the translation memory (what lookups can find)."""
    if pf.mtime_ns is None:
        return []
    return sorted(_key(m) for m in build_memory([(pf, "")]).msgids())


def _untranslated(po) -> list[str]:
    """Keys of the passages a merge looks up in the memory again next time."""
    return sorted({_key(e.msgid) for e in po
                   if not e.obsolete and not is_plural(e) and not has_translation(e)})


def _source_key(cache: HashCache, src: Path) -> str:
    return f"{src.name}\0{cache.digest(src)}\0{cache.digest(src.with_suffix(SIDECAR_SUFFIX))}"


def _inputs(source_key: str, po_digest: str | None) -> str:
    return sha256_bytes(f"{source_key}\0{po_digest}".encode())


def _po_digest(cfg: Config, cache: HashCache, lang: str, slug: str) -> str | None:
    return cache.digest(cfg.translations / lang / f"{slug}.po")  # hashed only; read and written via po_path


def _load_record(cfg: Config, salt: str) -> Record:
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        data = json.loads((cfg.root / RECORD).read_text(encoding="utf-8"))
        if data.get("version") == RECORD_VERSION and data.get("salt") == salt:
            return {lang: dict(rec) for lang, rec in data["langs"].items()}
    return {}


def _save_record(cfg: Config, salt: str, record: Record) -> None:
    data = {"version": RECORD_VERSION, "salt": salt, "langs": record}
    with contextlib.suppress(Exception):  # a record that cannot be written costs time, not results
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        atomic_write(cfg.root / RECORD, text, root=cfg.root)


def _lookups(pf: PoFile, doc: Document) -> set[str]:
    """Keys of every text the merge of ``doc`` into ``pf`` may look up in the memory (a superset):
    all its passages except those whose every old entry already holds a translation and is
    enough for every passage with that text."""
    old: dict[str, list[bool]] = {}
    for e in pf.po:
        old.setdefault(e.msgid, []).append(has_translation(e))
    wanted: dict[str, int] = {}
    for t in template(doc):
        wanted[t.msgid] = wanted.get(t.msgid, 0) + 1
    return {_key(m) for m, n in wanted.items() if not (m in old and all(old[m]) and len(old[m]) >= n)}


def update_changed(cfg: Config, langs: list[str],
                   article: str | None = None) -> tuple[UpdateResult, set[str]]:
    """Merge the (language, article) pairs whose inputs changed since the last update (only
    ``article`` when given) and write what changed; the caller holds the project lock. Every
    merge is made before the first write, so a syntax error stops the run with nothing written.
    Returns what was done and the slugs of all articles."""
    from ..pipeline import article_slugs, shared_fingerprint
    from ..readers import read_article

    cache = HashCache(cfg.root)
    salt = shared_fingerprint(cfg, cache)
    pairs = article_slugs(cfg, cache, salt)  # parses only articles whose bytes are new
    slugs = {slug for _, slug in pairs}
    if article and article not in slugs:
        load_articles(cfg, article)  # raises MissingError with the known slugs
    raise_for_strays(cfg, slugs)
    record = _load_record(cfg, salt)
    source = {slug: src for src, slug in pairs}
    source_key = {slug: _source_key(cache, src) for src, slug in pairs}
    order = {slug: i for i, (_, slug) in enumerate(pairs)}
    chosen = {slug for slug in order if not article or slug == article}
    docs: dict[str, Document] = {}
    result = UpdateResult()
    before: dict[tuple[str, str], list[str]] = {}
    inputs: dict[tuple[str, str], str] = {}
    for lang in langs:
        rec = record.setdefault(lang, {})
        for gone in [s for s in rec if s not in slugs]:
            del rec[gone]
        now = {s: _inputs(source_key[s], _po_digest(cfg, cache, lang, s)) for s in order}
        # every file changed since its record is read (what it lends to the memory is unknown)
        files = {s: load(po_path(cfg, lang, s), root=cfg.root)
                 for s in order if rec.get(s, [None])[0] != now[s]}
        lent = {s: _lends(pf) for s, pf in files.items()}
        stale = [s for s in files if s in chosen]
        # a changed file may now lend a translation to an untranslated passage of an unchanged one
        new = set().union(*lent.values())
        for s in chosen:
            if s not in files and new.intersection(rec[s][2]):
                stale.append(s)
                files[s] = load(po_path(cfg, lang, s), root=cfg.root)
                lent[s] = _lends(files[s])
        if not stale:
            continue
        for s in stale:
            if s not in docs:
                docs[s] = read_article(source[s], cfg.root)
        # the memory is made of every file that can answer one of the merges' lookups
        asked = set().union(*(_lookups(files[s], docs[s]) for s in stale))
        memory_files = dict(files)
        for s in order:  # a file not read has a current record
            if s not in memory_files and asked.intersection(rec[s][1]):
                memory_files[s] = load(po_path(cfg, lang, s), root=cfg.root)
        memory = build_memory((pf, str(rel(pf.path, cfg.root))) for pf in memory_files.values()
                              if pf.mtime_ns is not None)
        cats = LanguageCatalogs(lang, files, memory)
        for s in sorted(stale, key=order.__getitem__):
            pf, report = merged(cfg, docs[s], lang, cats)
            result.files[(lang, s)] = pf
            result.reports[(lang, s)] = report
            result.vanished[(lang, s)] = vanished(cfg, lang, s, files[s])
            before[(lang, s)] = lent[s]
            inputs[(lang, s)] = now[s]  # hashed before the file was read: an edit meanwhile is seen next time
    for (lang, s), pf in result.files.items():
        if save(pf, root=cfg.root):
            result.written.append(pf.path)
            sha = cache.digest(pf.path)  # the bytes as written (in the file's declared charset)
            inputs[(lang, s)] = _inputs(source_key[s], sha)
        _write_record(cfg, lang, s, pf)
    # translations/templates/<slug>.pot, for msginit, msgmerge and Weblate: for every article merged,
    # and for any whose template is missing
    for s in sorted(order, key=order.__getitem__):
        if s in chosen and (s in docs or not pot_path(cfg, s).is_file()):
            doc = docs.get(s) or read_article(source[s], cfg.root)
            pot = write_pot(cfg, doc, creation_date(doc))
            if pot:
                result.written.append(pot)
    added: dict[str, set[str]] = {}
    for (lang, s), pf in result.files.items():
        record[lang][s] = [inputs[(lang, s)], _lends(pf), _untranslated(pf.po)]
        added.setdefault(lang, set()).update(set(record[lang][s][1]) - set(before[(lang, s)]))
    for lang, keys in added.items():  # translations this run's merges could not see: merged again next time
        rec = record[lang]
        for other in [o for o, r in rec.items() if keys.intersection(r[2])]:
            del rec[other]
    _save_record(cfg, salt, record)
    cache.save()
    return result, slugs
