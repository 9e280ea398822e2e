"""Wires the stages and does the file IO: sources → editions in ``dist/``.

``build`` plans the whole project as one job graph: every stale edition (article ×
language × format) of every article. An edition is stale when a fingerprint of its
inputs changed (the source and its metadata, its local images, the language's PO file, templates and fonts,
``pubkit.toml``, pubkit's own code, ``SOURCE_DATE_EPOCH``) or its output file is missing
or was altered. Fingerprints are SHA-256 of file bytes, cached by stat in ``.pubkit/``
(:mod:`pubkit.fingerprint`), and an article's slug is cached with its source's hash, so a
no-op build reads no source, parses nothing and imports neither WeasyPrint nor ebooklib.

Stale editions are rendered per (article, language) on a process pool sized to the cores
(:mod:`pubkit.jobs`) or as Ray tasks (:mod:`pubkit.scaleout`); the workers send the files'
bytes back and this process alone writes them, each atomically (temporary file + rename),
so ``dist/`` only ever holds complete files. No temporary file is ever in ``dist/``, even for the
moment a kill can freeze: renders and atomic writes keep theirs in ``.pubkit/tmp/`` (same file
system, emptied when a build starts). ``dist/SHA256SUMS`` is true at every instant: before the
first edition is replaced it is rewritten without the files this build replaces, and after the
last one with every current file (so a run killed anywhere leaves a file ``sha256sum -c``
accepts, listing what it can vouch for; the next build lists the rest).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .catalog.store import po_path
from .config import Config
from .errors import InputError, Location, MissingError, PubkitError, UnavailableError, UsageError
from .fingerprint import HashCache, sha256_bytes
from .fsio import atomic_write, inside_project, make_dir, os_problem, printable
from .model import SLUG_RE
from .jobs import Result, Task, default_workers, run_local
from .project import article_paths
from .readers.source import SIDECAR_SUFFIX

FORMATS = ("epub", "pdf")
MANIFEST = Path(".pubkit") / "builds.json"
SCRATCH = Path(".pubkit") / "tmp"  # temporary files of a build: never in dist/
_CANNOT_WRITE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
MANIFEST_EVERY_S = 2.0  # how often the manifest is saved during a long build

# (root, tasks, workers, scratch folder) -> (task, bytes per format) as they finish
Executor = Callable[[Path, list[Task], int, Path], Iterator[Result]]
# (files done, files in this run, the file just written)
ProgressFn = Callable[[int, int, Path], None]


@dataclass(frozen=True)
class Job:
    slug: str
    lang: str
    fmt: str
    out: Path
    fingerprint: str
    source: Path | None = None
    collection: bool = False  # a book of several articles (collections/<name>.yaml)


@dataclass(frozen=True)
class BuildReport:
    built: tuple[Path, ...]
    up_to_date: tuple[Path, ...]
    checksums_rewritten: bool = False


def output_path(cfg: Config, slug: str, lang: str, fmt: str) -> Path:
    """dist/<slug>.<lang>.<fmt>, proven inside the project before anything is written there."""
    if not SLUG_RE.match(slug):
        raise InputError(f"'{printable(slug)}' is not a valid article slug; no edition is named after it",
                         hint="slugs are 1-80 lowercase letters, digits and '-'")
    path = cfg.dist / f"{slug}.{lang}.{fmt}"
    inside_project(cfg.root, path, what=f"the {fmt} edition of '{slug}'", for_write=True)
    return path


def _hash_files(h, paths: Iterable[Path], cache: HashCache) -> None:
    for p in paths:
        h.update(str(p).encode() + b"\0")
        h.update((cache.digest(p) or "<missing>").encode())


def _tree(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def shared_fingerprint(cfg: Config, cache: HashCache | None = None) -> str:
    """Inputs every edition depends on: templates, fonts, config, pubkit's code, the epoch."""
    cache = cache or HashCache(cfg.root)
    h = hashlib.sha256(f"pubkit {__version__}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    code = Path(__file__).resolve().parent
    # the download site's own code and templates (pubkit.site) are no input of an edition
    not_editions = (code / "site", code / "commands" / "site.py", cfg.templates / "site", code / "templates" / "site")
    files = [p for p in (*_tree(cfg.templates), *_tree(code)) if not any(p.is_relative_to(x) for x in not_editions)]
    _hash_files(h, [cfg.root / "pubkit.toml", *files], cache)
    glossary = cfg.translations / "glossary.csv"
    _hash_files(h, [glossary], cache)
    return h.hexdigest()


def edition_fingerprint(shared: str, slug: str, lang: str, fmt: str, inputs: Iterable[str | None]) -> str:
    """One edition's fingerprint: the shared one plus its own inputs' hashes, in order."""
    h = hashlib.sha256(f"{shared}\0{slug}\0{lang}\0{fmt}".encode())
    for digest in inputs:
        h.update(b"\0" + (digest or "<missing>").encode())
    return h.hexdigest()


def _load_manifest(cfg: Config) -> dict:
    try:
        data = json.loads((cfg.root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def article_slugs(cfg: Config, cache: HashCache, salt: str = "") -> list[tuple[Path, str]]:
    """(article file, slug) for every article, parsing only articles whose bytes are new.

    The slug is whatever the reader says (front matter, sidecar, else the file name);
    it is cached under the hashes of the article and its sidecar and ``salt`` (the shared
    fingerprint, which covers pubkit's code: a reader that changed reads again), so an
    unchanged article is not read again. Two articles with one slug are refused as :func:`load_articles` does.
    """
    out: list[tuple[Path, str]] = []
    seen: dict[str, Path] = {}
    used: set[str] = set()
    for src in article_paths(cfg):
        key = _article_key(cfg, cache, src, salt)
        used.add(key)
        slug = cache.slugs.get(key)
        if slug is None or key not in cache.images:
            from .images import referenced_files
            from .readers import read_article  # only for new bytes: a no-op parses nothing

            doc = read_article(src, cfg.root)
            slug = cache.slugs[key] = "" if doc.meta.draft else doc.meta.slug  # "": a draft, not published
            cache.images[key] = [os.path.relpath(p, cfg.root) for p in referenced_files(doc, src)]
            cache.dirty = True
        if not slug:
            continue
        if slug in seen:
            raise InputError(
                f"two articles have the slug '{slug}': {seen[slug].relative_to(cfg.seeds)} and "
                f"{src.relative_to(cfg.seeds)}",
                location=Location(src.relative_to(cfg.root)),
                hint="give one of them another `slug:` in its metadata",
            )
        seen[slug] = src
        out.append((src, slug))
    for k in [k for k in cache.slugs if k not in used]:  # edited or removed articles
        del cache.slugs[k]
        cache.dirty = True
    for k in [k for k in cache.images if k not in used]:
        del cache.images[k]
        cache.dirty = True
    return out


def _article_key(cfg: Config, cache: HashCache, src: Path, salt: str) -> str:
    return f"{salt}\0{src.relative_to(cfg.seeds).as_posix()}\0{cache.digest(src)}\0{cache.digest(src.with_suffix(SIDECAR_SUFFIX))}"


def current_articles(cfg: Config, cache: HashCache | None = None) -> dict[str, Path]:
    """slug -> article file for every article in seeds/, from the slug cache of
    :func:`article_slugs` (only articles whose bytes are new are read)."""
    own_cache = cache is None
    cache = cache or HashCache(cfg.root)
    found = {slug: src for src, slug in article_slugs(cfg, cache, shared_fingerprint(cfg, cache))}
    if own_cache:
        cache.save()
    return found


def image_digests(cfg: Config, cache: HashCache, src: Path, salt: str) -> list[str | None]:
    """Name and hash of each local image the article names (recorded by :func:`article_slugs`),
    so that a changed image rebuilds its editions. A file outside the project is not read
    (its name alone is hashed; rendering refuses it with the article's file:line)."""
    out: list[str | None] = []
    for name in cache.images.get(_article_key(cfg, cache, src, salt), []):
        path = cfg.root / name
        try:
            inside_project(cfg.root, path)
        except PubkitError:
            out.append(f"{name}:outside")
            continue
        out.append(f"{name}:{cache.digest(path) or '<missing>'}")
    return out


def language_inputs_digest(cfg: Config, cache: HashCache, lang: str, shared: str) -> str:
    """Content hash of everything ``update``/``translate`` read for one language: every
    article and sidecar (by name), every file in ``translations/<lang>/``, and ``shared``."""
    h = hashlib.sha256(f"{shared}\0{lang}".encode())
    for src in article_paths(cfg):
        side = src.with_suffix(SIDECAR_SUFFIX)
        h.update(f"\0{src.relative_to(cfg.seeds).as_posix()}\0{cache.digest(src)}\0{cache.digest(side)}".encode())
    folder = cfg.translations / lang
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            h.update(f"\0{p.name}\0{cache.digest(p)}".encode())
    return h.hexdigest()


def check_selection(cfg: Config, langs, formats) -> tuple[list[str], list[str]]:
    """The languages and formats asked for (default: all), each one the project builds: an
    unknown language exits 66 and an unknown format 64, with the known ones listed."""
    langs = list(langs or cfg.edition_langs)
    for lang in langs:
        if lang not in cfg.edition_langs:
            raise MissingError(f"no language '{lang}' in this project",
                               location=Location(cfg.root / "pubkit.toml"),
                               hint="known: " + ", ".join(cfg.edition_langs) + " (add more to `targets`)")
    formats = list(formats or FORMATS)
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'", hint="use " + " or ".join(FORMATS))
    return langs, formats


def plan(cfg: Config, langs=None, article=None, formats=None, *,
         cache: HashCache | None = None) -> tuple[list[Job], list[Job]]:
    """(jobs to build, jobs already up to date) — parsing only articles that changed."""
    langs, formats = check_selection(cfg, langs, formats)
    own_cache = cache is None
    cache = cache or HashCache(cfg.root)
    manifest = _load_manifest(cfg)
    shared = shared_fingerprint(cfg, cache)
    todo: list[Job] = []
    fresh: list[Job] = []
    slugs = article_slugs(cfg, cache, shared)
    if article and article not in {s for _, s in slugs}:
        known = ", ".join(sorted(s for _, s in slugs))
        raise MissingError(f"no article with the slug '{article}'",
                           hint=f"known: {known}" if slugs else "seeds/ is empty")
    for src, slug in slugs:
        if article and slug != article:
            continue
        own = _article_inputs(cfg, cache, src, shared)
        for lang in langs:
            inputs = own + ([cache.digest(po_path(cfg, lang, slug))] if lang != cfg.source_lang else [])
            for fmt in formats:
                out = output_path(cfg, slug, lang, fmt)
                job = Job(slug, lang, fmt, out, edition_fingerprint(shared, slug, lang, fmt, inputs), src)
                (fresh if _is_fresh(job, manifest, cache) else todo).append(job)
    if not article:
        _plan_collections(cfg, langs, formats, cache, shared, slugs, manifest, todo, fresh)
    if own_cache:
        cache.save()
    return todo, fresh


def _plan_collections(cfg: Config, langs: list[str], formats: list[str], cache: HashCache, shared: str,
                      slugs: list[tuple[Path, str]], manifest: dict, todo: list[Job], fresh: list[Job]) -> None:
    """Jobs for every collection's books (``collections/<name>.yaml``): stale when the file,
    any member's inputs or the collection's PO file changed (see :mod:`pubkit.collection`)."""
    from .collection import check_members, collection_paths, po_file, read_collection

    by_slug = {s: src for src, s in slugs}
    for path in collection_paths(cfg):
        coll = read_collection(cfg, path)
        check_members(coll, set(by_slug))
        if coll.warnings:
            from .ui import info

            for d in coll.warnings:
                info(d.format())
        for lang in langs:
            inputs = [cache.digest(path)]
            for slug in coll.members():
                inputs += _article_inputs(cfg, cache, by_slug[slug], shared)
                if lang != cfg.source_lang:
                    inputs.append(cache.digest(po_path(cfg, lang, slug)))
            if lang != cfg.source_lang:
                inputs.append(cache.digest(po_file(cfg, lang, coll.name)))
            for fmt in formats:
                out = output_path(cfg, coll.name, lang, fmt)
                fp = edition_fingerprint(shared, "collection:" + coll.name, lang, fmt, inputs)
                job = Job(coll.name, lang, fmt, out, fp, path, collection=True)
                (fresh if _is_fresh(job, manifest, cache) else todo).append(job)


def _article_inputs(cfg: Config, cache: HashCache, src: Path, shared: str) -> list[str | None]:
    """Hashes of what an article's editions (and every book it is in) are made of, besides the
    PO file of their language: the source, its sidecar and its local images."""
    return [cache.digest(src), cache.digest(src.with_suffix(SIDECAR_SUFFIX)),
            *image_digests(cfg, cache, src, shared)]


def _is_fresh(job: Job, manifest: dict, cache: HashCache) -> bool:
    """The output in dist/ was built from these inputs and is still the file pubkit wrote."""
    rec = manifest.get(job.out.name)
    return (isinstance(rec, dict) and rec.get("fingerprint") == job.fingerprint and bool(rec.get("sha256"))
            and rec["sha256"] == cache.digest(job.out))


def tasks_of(todo: list[Job]) -> list[Task]:
    """One task per (article, language): the article is localized once for all its formats."""
    groups: dict[tuple[str, str], list[Job]] = {}
    for job in todo:
        groups.setdefault((job.slug, job.lang), []).append(job)
    return [Task(str(js[0].source), slug, lang, tuple(j.fmt for j in js))
            for (slug, lang), js in groups.items()]


def _local_executor(root: Path, tasks: list[Task], workers: int, scratch: Path) -> Iterator[Result]:
    return run_local(root, tasks, workers=workers, scratch=scratch)


def build(cfg: Config, langs=None, article=None, formats=None, *, workers: int | None = None, log=None,
          progress: ProgressFn | None = None, executor: Executor | None = None) -> BuildReport:
    """Build the stale editions of the selection (one job graph) and check dist/SHA256SUMS.

    ``workers``: render processes (default: one per core, at most one per task; 1 renders
    in this process). ``executor``: where tasks run (default: the local pool; see
    :mod:`pubkit.scaleout` for Ray). The caller holds the project lock.
    """
    cache = HashCache(cfg.root)
    try:
        todo, fresh = plan(cfg, langs, article, formats, cache=cache)
        _remove_leftovers(cfg)
        built: list[Path] = []
        if todo:
            make_dir(cfg.root, cfg.dist, what="dist/")
            # SHA256SUMS must not vouch for a file about to be replaced, for one instant
            sync_checksums(cfg, cache, leave_out={j.out.name for j in todo})
            books = [j for j in todo if j.collection]
            singles = [j for j in todo if not j.collection]
            if singles:
                built = _render(cfg, singles, cache, workers, log, progress, executor or _local_executor)
            if books:
                built += _render_collections(cfg, books, cache, log)
        rewritten = sync_checksums(cfg, cache)
    except OSError as err:  # an output path pubkit could not write (each write says so itself)
        if err.errno not in _CANNOT_WRITE:
            raise
        raise os_problem(err, cfg.dist) from None
    finally:
        cache.save()
    return BuildReport(tuple(built), tuple(j.out for j in fresh), rewritten)


def _render(cfg: Config, todo: list[Job], cache: HashCache, workers: int | None, log,
            progress: ProgressFn | None, executor: Executor) -> list[Path]:
    """Run the tasks and write each edition file as it comes back (atomically, here only)."""
    tasks = tasks_of(todo)
    by_key = {(j.slug, j.lang, j.fmt): j for j in todo}
    manifest = _load_manifest(cfg)
    n_workers = workers if workers is not None else default_workers(len(tasks))
    built: list[Path] = []
    saved_at = time.monotonic()
    try:
        for task, files in _said_what_was_written(executor(cfg.root, tasks, n_workers, scratch_dir(cfg)),
                                                  built, len(todo)):
            for fmt, data in files.items():
                job = by_key[(task.slug, task.lang, fmt)]
                _write_output(cfg, job, data, cache, manifest, f"the {fmt} edition of '{job.slug}'")
                built.append(job.out)
                if log:
                    log(f"built {job.out.relative_to(cfg.root)}")
                if progress:
                    progress(len(built), len(todo), job.out)
            if time.monotonic() - saved_at > MANIFEST_EVERY_S:
                _save_manifest(cfg, manifest)
                saved_at = time.monotonic()
    finally:
        if built:
            _save_manifest(cfg, manifest)
    return built


def _said_what_was_written(results: Iterator[Result], built: list[Path], total: int) -> Iterator[Result]:
    """The executor's results; a lost worker or cluster (exit 69) says how many files were written."""
    try:
        yield from results
    except UnavailableError as err:
        raise UnavailableError(f"{err.message}; {len(built)} of {total} edition file(s) were written "
                               "before it, each complete", location=err.location, hint=err.hint) from None


def _render_collections(cfg: Config, todo: list[Job], cache: HashCache, log) -> list[Path]:
    """Render the stale collection books in this process (each member localized once per
    language), writing each file atomically as the article editions are."""
    import tempfile

    from .collection import book_edition, read_collection
    from .localize import localize
    from .readers import read_article
    from .render import render_edition

    manifest = _load_manifest(cfg)
    sources = {s: src for src, s in article_slugs(cfg, cache, shared_fingerprint(cfg, cache))}
    built: list[Path] = []
    try:
        for name in dict.fromkeys(j.slug for j in todo):
            jobs = [j for j in todo if j.slug == name]
            coll = read_collection(cfg, jobs[0].source)  # type: ignore[arg-type]
            docs = {s: read_article(sources[s], cfg.root) for s in coll.members()}
            for lang in dict.fromkeys(j.lang for j in jobs):
                edition = book_edition(cfg, coll, {s: localize(cfg, d, lang) for s, d in docs.items()}, lang)
                for job in (j for j in jobs if j.lang == lang):
                    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{lang}.", suffix=f".{job.fmt}.part",
                                               dir=scratch_dir(cfg))
                    os.close(fd)
                    try:
                        render_edition(job.fmt, edition, cfg, Path(tmp))
                        data = Path(tmp).read_bytes()
                    finally:
                        Path(tmp).unlink(missing_ok=True)
                    _write_output(cfg, job, data, cache, manifest, f"the {job.fmt} book '{name}'")
                    built.append(job.out)
                    if log:
                        log(f"built {job.out.relative_to(cfg.root)}")
    finally:
        if built:
            _save_manifest(cfg, manifest)
    return built


def _write_output(cfg: Config, job: Job, data: bytes, cache: HashCache, manifest: dict, what: str) -> None:
    """One finished edition or book into dist/: proven inside the project, written atomically,
    its hash remembered (no re-read) and recorded with its fingerprint in the manifest."""
    inside_project(cfg.root, job.out, what=what, for_write=True)
    atomic_write(job.out, data, root=cfg.root, tmp_dir=scratch_dir(cfg))
    sha = sha256_bytes(data)
    cache.remember(job.out, sha)
    manifest[job.out.name] = {"fingerprint": job.fingerprint, "sha256": sha}


def _save_manifest(cfg: Config, manifest: dict) -> None:
    atomic_write(cfg.root / MANIFEST, json.dumps(manifest, indent=0, sort_keys=True), root=cfg.root)


def scratch_dir(cfg: Config) -> Path:
    """``.pubkit/tmp/``: where a build's temporary files go (made when missing)."""
    return make_dir(cfg.root, cfg.root / SCRATCH, what=".pubkit/tmp/")


def _remove_leftovers(cfg: Config) -> None:
    """Temporary files of a run that was killed mid-render (never complete editions): all of
    ``.pubkit/tmp/``, and in ``dist/`` those older versions of pubkit left there."""
    scratch = cfg.root / SCRATCH
    if scratch.is_dir() and not scratch.is_symlink():
        inside_project(cfg.root, scratch, what=".pubkit/tmp/", for_write=True)
        for p in scratch.iterdir():
            if p.is_file() or p.is_symlink():
                p.unlink(missing_ok=True)
    if cfg.dist.is_dir():
        inside_project(cfg.root, cfg.dist, what="dist/", for_write=True)
        # ".x.part" (a render in progress) and atomic_write's own ".<name>.<random>.tmp"
        for p in [*cfg.dist.glob(".*.part"), *cfg.dist.glob(".*.tmp")]:
            p.unlink(missing_ok=True)


def sync_checksums(cfg: Config, cache: HashCache | None = None, *, leave_out: Iterable[str] = ()) -> bool:
    """Make dist/SHA256SUMS list exactly the editions of current articles in dist/
    (``sha256sum -c`` format, sorted by name): regular files with printable names only, so
    the file is never malformed; True when it had to be rewritten. Cheap: hashes and slugs
    come from the cache. ``leave_out``: names not to list (files about to be replaced or moved).
    With nothing to list there is no SHA256SUMS (an empty one is no valid checksum file)."""
    if not cfg.dist.is_dir():
        return False
    inside_project(cfg.root, cfg.dist, what="dist/", for_write=True)
    own_cache = cache is None
    cache = cache or HashCache(cfg.root)
    names = [*current_articles(cfg, cache), *_collection_names(cfg)]
    current = {f"{name}.{lang}.{fmt}" for name in names for lang in cfg.edition_langs for fmt in FORMATS}
    current -= set(leave_out)
    lines = []
    for p in sorted(cfg.dist.iterdir()):
        if p.name in current and p.name.isprintable() and p.is_file() and not p.is_symlink():
            sha = cache.digest(p)
            if sha:
                lines.append(f"{sha}  {p.name}\n")
    want = "".join(lines)
    target = cfg.dist / "SHA256SUMS"
    if not want:  # nothing to vouch for: no file (`sha256sum -c` refuses an empty one)
        if not os.path.lexists(target):
            return False
        target.unlink()
        return True
    try:
        if target.read_text(encoding="utf-8") == want:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    atomic_write(target, want, root=cfg.root, tmp_dir=scratch_dir(cfg))
    if own_cache:
        cache.save()
    return True


def _collection_names(cfg: Config) -> list[str]:
    """Names of the collections (by file name: their books' names), without reading them."""
    from .collection import collection_paths

    return [p.stem for p in collection_paths(cfg) if SLUG_RE.match(p.stem)]


def write_checksums(cfg: Config) -> None:
    """dist/SHA256SUMS for the editions in dist/ (kept for callers of the old name)."""
    sync_checksums(cfg)
