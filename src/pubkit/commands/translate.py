"""`invoke translate`: machine drafts for untranslated passages, written as fuzzy entries.

Why: drafts speed reviewers up but must never pass for reviewed work. This runs ``update``
first, then sends per language every untranslated entry and every machine draft whose
source changed (never a reviewed or stale entry) to the engine in one call, and writes the
drafts back fuzzy, with a ``#.`` provenance line (engine | model version | score) and the
draft text (for post-edit statistics). Each PO file is saved atomically as soon as its
language is done, so an interrupted run keeps the languages already finished.

Tests inject an engine with ``engine_factory=lambda cfg, source, target: engine``; the
real one comes from :func:`pubkit.mt.load_engine` (imported lazily: no model is needed to
import this module).
"""

from __future__ import annotations

import contextlib

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import State, save, state_of
from ..catalog.states import Provenance, set_provenance, text_hash
from ..config import Config, load_config
from ..fsio import project_lock
from ..project import load_articles
from ..ui import info
from .update import select_langs, update_catalogs
from datetime import UTC

EngineFactory = Callable[[Config, str, str], object]
SENDS = (State.UNTRANSLATED, State.MACHINE_OUTDATED)


@dataclass
class TranslateResult:
    drafted: dict[str, int] = field(default_factory=dict)  # lang -> entries drafted
    written: list[Path] = field(default_factory=list)


def needs_draft(entry) -> bool:
    """Untranslated, or a machine draft of an older source; never reviewed or stale text."""
    return state_of(entry) in SENDS


def apply_draft(entry, draft, *, date: str | None = None) -> None:
    """Write a machine draft into an entry: fuzzy, with one short provenance line (engine,
    model and version, score, date, and the draft's hash, not its text)."""
    text = " ".join(draft.text.split())
    entry.msgstr = text
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    prov = Provenance(draft.engine, f"{draft.model} {draft.version}", round(float(draft.score), 3),
                      date if date is not None else draft_date(), text_hash(text))
    set_provenance(entry, prov, reviewed=False)


def draft_date() -> str:
    """Today (UTC), or SOURCE_DATE_EPOCH's date, so reproducible runs write the same files."""
    import os
    from datetime import datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return when.date().isoformat()


def _default_factory(device: str, threads: int) -> EngineFactory:
    def make(cfg: Config, source: str, target: str):
        from ..mt import load_engine  # lazy: the model stack is only needed here

        return load_engine(cfg, source, target, device=device, threads=threads)

    return make


# Passages per engine call: large enough that CTranslate2's batches stay full (a call is
# split into sentences and batched), small enough that a killed run keeps most drafts.
DEFAULT_CHUNK = 200


def translate_catalogs(cfg: Config, langs=None, article: str | None = None, *,
                       engine_factory: EngineFactory, chunk_size: int | None = DEFAULT_CHUNK,
                       progress=None, progress_for=None) -> TranslateResult:
    """Update, then draft what needs drafting; the caller holds the project lock.

    ``chunk_size``: passages per engine call; the PO files are saved (atomically) after each
    call, so an interrupted run keeps the drafts already made. None sends all at once.
    """
    all_docs = load_articles(cfg)
    docs = [d for d in all_docs if d.meta.slug == article] if article else all_docs
    if article and not docs:
        load_articles(cfg, article)
    langs = select_langs(cfg, langs)
    updated = update_catalogs(cfg, docs, all_docs, langs)
    result = TranslateResult(written=list(updated.written))
    for lang in langs:
        files = [updated.files[(lang, d.meta.slug)] for d in docs]
        todo = [(pf, e) for pf in files for e in pf.po if needs_draft(e)]
        texts = sorted({e.msgid for _, e in todo})
        result.drafted[lang] = 0
        if not texts:
            continue
        engine = engine_factory(cfg, cfg.source_lang, lang)
        if progress_for is not None:
            progress = progress_for(lang)
        step = chunk_size or len(texts)
        for start in range(0, len(texts), step):
            chunk = texts[start:start + step]
            drafts = engine.translate(chunk, progress=progress)
            if len(drafts) != len(chunk):
                raise RuntimeError(f"engine returned {len(drafts)} drafts for {len(chunk)} texts")
            by_text = dict(zip(chunk, drafts, strict=True))
            touched = set()
            for pf, e in todo:
                d = by_text.get(e.msgid)
                if d is None:
                    continue
                apply_draft(e, d)
                result.drafted[lang] += 1
                touched.add(id(pf))
            for pf in files:
                if id(pf) in touched and save(pf, root=cfg.root) and pf.path not in result.written:
                    result.written.append(pf.path)
    return result


def run(root: Path | None = None, langs=None, article: str | None = None, device: str = "cpu",
        threads: int = 0, engine_factory: EngineFactory | None = None, verbose: bool = True,
        **_ignored) -> int:
    cfg = load_config(root)
    factory = engine_factory or _default_factory(device, threads)
    with project_lock(cfg.root), _progress_bars(cfg) as progress_for:
        result = translate_catalogs(cfg, langs, article, engine_factory=factory, progress_for=progress_for)
    for lang, n in result.drafted.items():
        if n or verbose:
            info(f"{lang}: {n} machine draft(s) written (fuzzy, for review)" if n else f"{lang}: nothing to translate")
    return 0


@contextlib.contextmanager
def _progress_bars(cfg: Config):
    """A progress bar per language (sentences translated), on a terminal only."""
    from ..ui import err_console, progress_enabled

    if not progress_enabled():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err_console) as bar:
        def progress_for(lang: str):
            task = bar.add_task(f"translating into {cfg.language(lang).name}", total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        yield progress_for
