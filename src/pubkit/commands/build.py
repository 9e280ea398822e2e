"""`invoke build`: editions from the sources and translation files as they are."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..fsio import project_lock
from ..pipeline import build
from ..ui import info


def run(root: Path, langs=None, article=None, formats=None, **_) -> int:
    cfg = load_config(root)
    with project_lock(cfg.root, wait=30):
        report = build(cfg, langs, article, formats, log=info)
    summarize(report)
    return 0


def summarize(report) -> None:
    if report.built:
        info(f"{len(report.built)} edition file(s) built, {len(report.up_to_date)} up to date; checksums in dist/SHA256SUMS")
    else:
        info(f"all {len(report.up_to_date)} edition file(s) up to date")
