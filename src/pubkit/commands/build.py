"""`invoke build`: editions from the sources and translation files as they are."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..errors import Location, MissingError, UsageError
from ..fsio import project_lock
from ..pipeline import build
from ..ui import info
from .retire import tidy_dist


def check_options(cfg, langs=None, article: str | None = None, formats=None) -> None:
    """Unknown languages, articles and formats stop the run before anything is done, with
    the known ones listed (exit 66 for a language or article, 64 for a format)."""
    from ..pipeline import FORMATS
    from ..project import load_articles

    for lang in langs or ():
        if lang not in cfg.edition_langs:
            raise MissingError(f"no language '{lang}' in this project",
                               location=Location(cfg.root / "pubkit.toml"),
                               hint="known: " + ", ".join(cfg.edition_langs)
                               + " (add more to `targets`)")
    for fmt in formats or ():
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'", hint="use " + " or ".join(FORMATS))
    if article:
        load_articles(cfg, article)  # MissingError listing the known slugs


def run(root: Path, langs=None, article=None, formats=None, **_) -> int:
    cfg = load_config(root)
    check_options(cfg, langs, article, formats)
    with project_lock(cfg.root, wait=30):
        for moved in tidy_dist(cfg):
            info(f"{moved.name}: its article is no longer in seeds/; moved out of dist/ to "
                 f"{moved.parent.relative_to(cfg.root)}/")
        report = build(cfg, langs, article, formats, log=info)
    summarize(report)
    return 0


def summarize(report) -> None:
    if report.built:
        info(f"{len(report.built)} edition file(s) built, {len(report.up_to_date)} up to date; checksums in dist/SHA256SUMS")
    else:
        info(f"all {len(report.up_to_date)} edition file(s) up to date")
