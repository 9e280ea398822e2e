"""The distribution site: static download pages and an OPDS catalog of what ``dist/`` holds.

``pubkit site`` writes ``dist/site/`` (``[site] dir``) from the built editions, never building
one itself (:func:`pubkit.site.model.collect` refuses a ``dist/`` that is not up to date):

- ``index.html``, ``<lang>/index.html`` and a page per edition (:mod:`.pages`);
- ``opds/*.xml``, an OPDS 1.2 catalog (:mod:`.opds`);
- ``covers/``: each EPUB's cover and a thumbnail; ``site.css``.

Incremental and reproducible: a file is written only when its bytes change, so a second run
after a no-op build writes nothing, and one changed edition rewrites only the pages and feeds
that show it. Nothing depends on the clock (dates are the editions' own, which
``SOURCE_DATE_EPOCH`` fixes). Files a previous run wrote that are no longer produced (a retired
article) are removed; no other file in the folder is touched. ``[site] base_url`` (the address
at which ``dist/`` is served) makes every link absolute; without it links are relative.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CONFIG_NAME, Config
from ..errors import ConfigError, Location
from ..fsio import atomic_write, inside_project
from .model import Site, collect, thumbnail
from .opds import Catalog
from .pages import Links, Pages, cover_path, stylesheet

RECORD = ".pubkit/site.json"


@dataclass
class SiteResult:
    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    editions: int = 0


def site_settings(cfg: Config) -> tuple[Path, str | None]:
    """``[site] dir`` (default ``dist/site``) and ``base_url`` from pubkit.toml, checked."""
    raw = cfg.raw.get("site", {})
    where = Location(cfg.root / CONFIG_NAME)
    if not isinstance(raw, dict):
        raise ConfigError("[site] must be a table", location=where,
                          hint='e.g. `[site]` then `dir = "dist/site"`')
    folder = raw.get("dir")
    if folder is not None and (not isinstance(folder, str) or not folder.strip()):
        raise ConfigError("[site] dir must be a folder name", location=where, hint='e.g. dir = "dist/site"')
    path = cfg.root / folder if folder else cfg.dist / "site"
    lexical = Path(os.path.normpath(path))
    if not lexical.is_relative_to(cfg.root) or lexical == cfg.root:
        raise ConfigError(f"[site] dir = {folder!r} is outside the project", location=where,
                          hint="the site folder must be inside the project, e.g. dist/site")
    base = raw.get("base_url")
    if base is not None:
        if not isinstance(base, str) or not base.startswith(("https://", "http://")) or any(
                c in base for c in ' <>"{}|\\^`\n\r\t'):
            raise ConfigError(f"[site] base_url = {base!r} is not an http(s) address", location=where,
                              hint='the address where dist/ is served, e.g. "https://example.org/books"')
        if not lexical.is_relative_to(Path(os.path.normpath(cfg.dist))):
            raise ConfigError("[site] base_url needs the site folder inside dist/", location=where,
                              hint="leave [site] dir out (dist/site) or name a folder inside dist/")
        base = base.rstrip("/")
    return lexical, base


def publisher_name(cfg: Config) -> str | None:
    """``[publisher] name`` in the source language, or None (no publisher is claimed)."""
    name = (cfg.raw.get("publisher") or {}).get("name")
    if isinstance(name, dict):
        name = name.get(cfg.source_lang) or name.get("en") or next(iter(name.values()), None)
    return name if isinstance(name, str) and name.strip() else None


def render_site(cfg: Config, site: Site, folder: Path, base_url: str | None) -> dict[str, bytes]:
    """Every file of the site, by its path inside the site folder."""
    dist = Path(os.path.normpath(cfg.dist))
    links = Links(
        to_dist=Path(os.path.relpath(dist, folder)).as_posix(), base_url=base_url,
        site_in_dist=Path(os.path.relpath(folder, dist)).as_posix() if folder.is_relative_to(dist) else "",
    )
    pages = Pages(cfg, site, links)
    files = pages.render()
    names = {lang: pages.language_name(lang, lang) for lang in site.langs}
    files.update(Catalog(site, links, pages.t, names, publisher_name(cfg)).render())
    files["site.css"] = stylesheet(cfg)
    for e in site.editions():
        if e.cover:
            files[cover_path(e)] = e.cover.data
            files[cover_path(e, True)] = thumbnail(e.cover)
    return files


def build_site(cfg: Config) -> SiteResult:
    """Write the site folder from ``dist/`` (the caller holds the project lock)."""
    folder, base_url = site_settings(cfg)
    inside_project(cfg.root, folder, what="the site folder", for_write=True)
    site = collect(cfg)
    files = render_site(cfg, site, folder, base_url)
    result = SiteResult(folder, editions=len(site.editions()))
    for rel in sorted(files):
        target = folder / rel
        try:
            if target.is_file() and target.read_bytes() == files[rel]:
                result.unchanged += 1
                continue
        except OSError:
            pass
        atomic_write(target, files[rel], root=cfg.root)
        result.written.append(rel)
    record = cfg.root / RECORD
    try:
        before = json.loads(record.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        before = []
    for rel in sorted(set(before) - set(files)):
        target = folder / rel
        if isinstance(rel, str) and ".." not in Path(rel).parts and target.is_file():
            inside_project(cfg.root, target, for_write=True)
            target.unlink()
            result.removed.append(rel)
    want = json.dumps({"folder": str(folder.relative_to(cfg.root)), "files": sorted(files)}, indent=0)
    if not record.is_file() or record.read_text(encoding="utf-8") != want:
        atomic_write(record, want, root=cfg.root)
    return result
