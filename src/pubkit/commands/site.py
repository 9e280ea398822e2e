"""`pubkit site`: the download pages and the OPDS catalog of what dist/ holds (:mod:`pubkit.site`)."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..fsio import project_lock
from ..ui import info


def run(root: Path | None = None, **_) -> int:
    from ..site import build_site

    cfg = load_config(root)
    with project_lock(cfg.root):
        result = build_site(cfg)
    shown = result.folder.relative_to(cfg.root)
    if result.written or result.removed:
        removed = f", {len(result.removed)} removed" if result.removed else ""
        info(f"{shown}/: {len(result.written)} file(s) written, {result.unchanged} unchanged{removed}")
    else:
        info(f"{shown}/ is up to date ({result.unchanged} files, {result.editions} editions)")
    info(f"catalog for reading apps: {shown}/opds/root.xml; pages: {shown}/index.html")
    return 0
