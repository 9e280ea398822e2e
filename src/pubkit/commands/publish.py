"""`invoke publish`: update the translation files, translate what is missing, build everything."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..errors import CheckFailed, MissingError, Severity
from ..fsio import project_lock
from ..pipeline import build
from ..ui import info
from .retire import tidy_dist
from .build import summarize


def run(root: Path, langs=None, article=None, translate=True, strict: bool = False, **_) -> int:
    """Update, translate, check, build. The checks' errors and warnings are printed (the
    edition prints the source for any translation it cannot use); with ``strict`` an error
    stops the run before the build (exit 1)."""
    from .build import check_options
    from .check import collect, report

    cfg = load_config(root)
    check_options(cfg, langs, article)
    with project_lock(cfg.root, wait=30):
        _update(cfg, langs, article)
        if translate:
            _translate(cfg, langs, article)
        targets = _targets(cfg, langs)
        found = collect(cfg, targets, article) if targets else []
        errors = report([d for d in found if d.severity is not Severity.INFO], to_stderr=True) if found else 0
        if strict and errors:
            raise CheckFailed(f"{errors} error(s) found; nothing was built",
                              hint="fix them in the PO files (see above), or publish without --strict")
        for moved in tidy_dist(cfg):
            info(f"{moved.name}: its article is no longer in seeds/; moved out of dist/ to "
                 f"{moved.parent.relative_to(cfg.root)}/")
        result = build(cfg, langs, article, log=info)
    summarize(result)
    _guesses(cfg, article)
    return 0


def _guesses(cfg, article) -> None:
    """How many of the readers' guesses about structure no editor has settled yet."""
    from ..project import load_articles

    docs = load_articles(cfg, article)
    unsettled = sum(1 for d in docs for g in d.guesses if not g.settled)
    if unsettled:
        info(f"{unsettled} structure guess(es) not settled: see `invoke outline` and `invoke check`")
    else:
        info("structure: no unsettled guesses")


def _update(cfg, langs, article) -> None:
    from . import update

    targets = _targets(cfg, langs)
    if not targets:
        return
    update.run(root=cfg.root, langs=targets, article=article, verbose=False)


def _translate(cfg, langs, article) -> None:
    """Machine-translate pending passages; a language without an installed model is reported
    (its pending passages are published per the policy and counted) and the build goes on."""
    from . import translate

    for lang in _targets(cfg, langs):
        try:
            translate.run(root=cfg.root, langs=[lang], article=article, verbose=False)
        except MissingError as err:
            info(f"warning: {err}")
            info(f"  {lang}: untranslated passages are published in {cfg.language(cfg.source_lang).name}, "
                 "marked and counted in the colophon (see `invoke status`)")


def _targets(cfg, langs):
    return [lang for lang in (langs or cfg.targets) if lang != cfg.source_lang]
