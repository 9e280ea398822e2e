"""`invoke retire --article SLUG`: take an article out of the project without deleting anything.

Why: removing an article's seed must not block every later run, and its reviewed
translations are work nobody should lose. Retiring moves, under the project lock and each
with one rename:

- the seed and its ``.yaml`` (if still there) to ``seeds/.retired/``,
- every ``translations/<lang>/<slug>.po`` to ``translations/.retired/<lang>/<slug>.po``, and
  its template ``translations/templates/<slug>.pot`` to ``translations/.retired/templates/``,
- its editions ``dist/<slug>.<lang>.<fmt>`` to ``.pubkit/retired/<slug>/``,

then rewrites ``dist/SHA256SUMS`` so it lists current articles only. A name already taken
in a ``.retired`` folder gets a number (``<slug>.2.po``), so an earlier retirement is kept.
Restoring is moving the files back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog.pot import TEMPLATES_FOLDER
from ..config import Config, load_config
from ..errors import MissingError
from ..fsio import os_problem, project_lock
from ..pipeline import FORMATS, current_articles, sync_checksums, write_checksums
from ..readers.source import SIDECAR_SUFFIX
from ..ui import info

RETIRED = ".retired"
RETIRED_EDITIONS = Path(".pubkit") / "retired"


@dataclass
class RetireResult:
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # (from, to)


def translation_slugs(cfg: Config) -> set[str]:
    """Slugs that have a PO file in a target language's folder."""
    return {p.stem for lang in cfg.targets for p in (cfg.translations / lang).glob("*.po")}


def current_slugs(cfg: Config) -> dict[str, Path]:
    """slug -> seed file, from the build's slug cache (an unchanged article is not read again)."""
    return current_articles(cfg)


def edition_files(cfg: Config, slug: str) -> list[Path]:
    return [cfg.dist / f"{slug}.{lang}.{fmt}" for lang in cfg.edition_langs for fmt in FORMATS
            if (cfg.dist / f"{slug}.{lang}.{fmt}").is_file()]


def stray_editions(cfg: Config, slugs) -> list[Path]:
    """Editions in dist/ of articles that are not current (seed removed or retired)."""
    if not cfg.dist.is_dir():
        return []
    names = {f".{lang}.{fmt}" for lang in cfg.edition_langs for fmt in FORMATS}
    out = []
    for p in sorted(cfg.dist.iterdir()):
        if not p.is_file() or p.name.startswith("."):
            continue
        for end in names:
            if p.name.endswith(end) and p.name[: -len(end)] not in slugs:
                out.append(p)
    return out


def _free(target: Path) -> Path:
    n = 2
    found = target
    while found.exists():
        found = target.with_name(f"{target.stem}.{n}{target.suffix}")
        n += 1
    return found


def _move(src: Path, folder: Path, result: RetireResult) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        dest = _free(folder / src.name)
        os.replace(src, dest)
    except OSError as err:  # a read-only dist/ or seeds/: exit 73 with the path
        raise os_problem(err, src) from None
    result.moved.append((src, dest))


def move_editions(cfg: Config, slug: str, files: list[Path], result: RetireResult) -> None:
    for p in files:
        _move(p, cfg.root / RETIRED_EDITIONS / slug, result)


def tidy_dist(cfg: Config) -> list[Path]:
    """Move editions of articles no longer in seeds/ out of dist/ (to .pubkit/retired/),
    so dist/ and SHA256SUMS only ever hold current articles; returns where they went."""
    from ..collection import collection_paths

    result = RetireResult()
    books = {p.stem for p in collection_paths(cfg)}  # a collection's books are current too
    slugs = set(current_slugs(cfg)) | books
    strays = list(stray_editions(cfg, slugs))
    if strays:  # SHA256SUMS stops listing them before they leave (it lists current articles only)
        write_checksums(cfg)
    for p in strays:
        slug = p.name.rsplit(".", 2)[0]
        move_editions(cfg, slug, [p], result)
    if result.moved:
        write_checksums(cfg)
    return [dest for _, dest in result.moved]


def retire(cfg: Config, slug: str) -> RetireResult:
    """Move the article's seed, translations and editions aside; the caller holds the lock."""
    seeds = current_slugs(cfg)
    known = set(seeds) | translation_slugs(cfg) | {p.name.split(".")[0] for p in stray_editions(cfg, ())}
    if slug not in known:
        raise MissingError(f"no article or translation with the slug '{slug}'",
                           hint="known: " + (", ".join(sorted(known)) or "none"))
    result = RetireResult()
    if slug in seeds:
        seed = seeds[slug]
        if seed.parent != cfg.seeds:  # a page bundle: the folder goes, with its images
            _move(seed.parent, cfg.seeds / RETIRED, result)
        for p in (seed, seed.with_suffix(SIDECAR_SUFFIX)) if seed.parent == cfg.seeds else ():
            if p.is_file():
                _move(p, cfg.seeds / RETIRED, result)
    for lang in cfg.targets:
        po = cfg.translations / lang / f"{slug}.po"
        if po.is_file():
            _move(po, cfg.translations / RETIRED / lang, result)
    pot = cfg.translations / TEMPLATES_FOLDER / f"{slug}.pot"  # its PO template (update writes it)
    if pot.is_file():
        _move(pot, cfg.translations / RETIRED / TEMPLATES_FOLDER, result)
    editions = edition_files(cfg, slug)
    sync_checksums(cfg, leave_out={p.name for p in editions})  # no line for a file about to leave
    move_editions(cfg, slug, editions, result)
    write_checksums(cfg)
    return result


def run(root: Path | None = None, article: str | None = None, **_ignored) -> int:
    cfg = load_config(root)
    if not article:
        from ..errors import UsageError

        raise UsageError("which article? give --article SLUG",
                         hint="known: " + ", ".join(sorted(set(current_slugs(cfg)) | translation_slugs(cfg))))
    with project_lock(cfg.root, wait=30):
        result = retire(cfg, article)
    for src, dest in result.moved:
        info(f"moved {src.relative_to(cfg.root)} → {dest.relative_to(cfg.root)}")
    info(f"'{article}' retired: nothing was deleted; move the files back to restore it")
    return 0
