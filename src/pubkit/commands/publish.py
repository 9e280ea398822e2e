"""`invoke publish`: update the translation files, translate what is missing, build everything.

One pass over the project under one lock: every article is read once, every language's
PO files are merged once and drafted with one model load (:func:`translate_catalogs`),
then every stale edition is built on the process pool (:func:`pubkit.pipeline.build`).

A language whose inputs (every article and sidecar, its PO files, ``pubkit.toml``, the
glossary, templates and pubkit's code) have the same content hashes as after the last
publish that left nothing to draft is skipped without reading anything: a no-op publish
parses no article and loads no PO file (hashes come from ``.pubkit/hashes.json``).
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config, load_config
from ..errors import CheckFailed, MissingError, Severity
from ..fingerprint import HashCache
from ..fsio import project_lock
from ..pipeline import build, language_inputs_digest, shared_fingerprint
from ..ui import info
from .build import check_options, print_json, progress_bar, report_data, summarize, tidy


def run(root: Path, langs=None, article=None, translate=True, strict: bool = False,
        engine_factory=None, as_json: bool = False, **_) -> int:
    """Update, translate, check, build. The checks' errors and warnings are printed for every
    language whose inputs changed since the last clean publish (all of them with ``strict``;
    the edition prints the source for any translation it cannot use); with ``strict`` an
    error stops the run before the build (exit 1)."""
    from .check import collect, report

    cfg = load_config(root)
    check_options(cfg, langs, article)
    with project_lock(cfg.root, wait=30):
        changed = prepare(cfg, langs, article, translate=translate, engine_factory=engine_factory)
        checked = _targets(cfg, langs) if strict else changed
        found = collect(cfg, checked, article) if checked else []
        errors = report([d for d in found if d.severity is not Severity.INFO], to_stderr=True) if found else 0
        if strict and errors:
            raise CheckFailed(f"{errors} error(s) found; nothing was built",
                              hint="fix them in the PO files (see above), or publish without --strict")
        tidy(cfg)
        with progress_bar() as progress:
            result = build(cfg, langs, article, progress=progress)
    summarize(result)
    unsettled = _guesses(cfg, article) if checked else None  # a no-op publish reads no article
    if as_json:
        counts = {str(s): sum(1 for d in found if d.severity is s) for s in Severity}
        print_json({"updated": list(checked), "findings": counts, "unsettled_guesses": unsettled,
                    "build": report_data(cfg, result)})
    return 0


def _guesses(cfg, article) -> int:
    """How many of the readers' guesses about structure no editor has settled yet."""
    from ..project import load_articles

    docs = load_articles(cfg, article)
    unsettled = sum(1 for d in docs for g in d.guesses if not g.settled)
    if unsettled:
        info(f"{unsettled} structure guess(es) not settled: see `invoke outline` and `invoke check`")
    else:
        info("structure: no unsettled guesses")
    return unsettled


def prepare(cfg: Config, langs=None, article=None, *, translate: bool = True,
            engine_factory=None) -> list[str]:
    """Update (and machine-translate) the languages whose inputs changed; returns them."""
    targets = _targets(cfg, langs)
    if not targets:
        return []
    cache = HashCache(cfg.root)
    shared = shared_fingerprint(cfg, cache)
    recorded = cache.extra.get("clean")
    clean: dict = dict(recorded) if isinstance(recorded, dict) and not article else {}

    def is_clean(lang: str) -> bool:
        rec = clean.get(lang)
        if not isinstance(rec, dict) or not (rec.get("translated") or not translate):
            return False
        return rec.get("digest") == language_inputs_digest(cfg, cache, lang, shared)

    stale = [lang for lang in targets if not is_clean(lang)]
    if stale:
        from . import translate as tr
        from .update import print_report

        factory = engine_factory or tr._default_factory("cpu", 0)
        result = tr.translate_catalogs(cfg, stale, article, engine_factory=factory, drafting=translate,
                                       on_missing=lambda lang, err: _warn_missing(cfg, lang, err))
        if result.updated is not None:
            print_report(result.updated)
        for lang, n in result.drafted.items():
            if n:
                info(f"{lang}: {n} machine draft(s) written (fuzzy, for review)")
        if not article:
            for lang in stale:
                if lang in result.missing:
                    clean.pop(lang, None)
                    continue
                clean[lang] = {"digest": language_inputs_digest(cfg, cache, lang, shared),
                               "translated": result.pending.get(lang, 0) == 0}
            cache.extra["clean"] = clean
            cache.dirty = True
    cache.save()
    return stale


def _warn_missing(cfg: Config, lang: str, err: MissingError) -> None:
    """A language without an installed model: its pending passages are published per the
    policy and counted, and the build goes on."""
    info(f"warning: {err}")
    info(f"  {lang}: untranslated passages are published in {cfg.language(cfg.source_lang).name}, "
         "marked and counted in the colophon (see `invoke status`)")


def _targets(cfg, langs):
    return [lang for lang in (langs or cfg.targets) if lang != cfg.source_lang]
