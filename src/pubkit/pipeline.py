"""Wires the stages and does the file IO: sources → editions in ``dist/``.

``build`` decides per edition (article × language × format) whether it is stale: an
edition is rebuilt only when a fingerprint of its inputs changed (the source and its
metadata, the language's PO file, templates and fonts, ``pubkit.toml``, pubkit's own code,
``SOURCE_DATE_EPOCH``) or its output file is missing or was altered. The fingerprint is
computed from file bytes before anything is parsed, so a no-op build reads a few files and
imports neither WeasyPrint nor ebooklib.

Each edition is rendered to a temporary file in ``dist/`` and renamed into place, so
``dist/`` only ever holds complete files; ``dist/SHA256SUMS`` lists them.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .catalog.store import po_path
from .config import Config
from .errors import InputError, Location, PubkitError
from .fsio import atomic_write, inside_project, printable, read_bounded
from .model import SLUG_RE
from .project import article_paths, load_articles
from .readers import article_slug
from .readers.source import SIDECAR_SUFFIX

FORMATS = ("epub", "pdf")
MANIFEST = Path(".pubkit") / "builds.json"


@dataclass(frozen=True)
class Job:
    slug: str
    lang: str
    fmt: str
    out: Path
    fingerprint: str


@dataclass(frozen=True)
class BuildReport:
    built: tuple[Path, ...]
    up_to_date: tuple[Path, ...]


def output_path(cfg: Config, slug: str, lang: str, fmt: str) -> Path:
    """dist/<slug>.<lang>.<fmt>, proven inside the project before anything is written there."""
    if not SLUG_RE.match(slug):
        raise InputError(f"'{printable(slug)}' is not a valid article slug; no edition is named after it",
                         hint="slugs are 1-80 lowercase letters, digits and '-'")
    path = cfg.dist / f"{slug}.{lang}.{fmt}"
    inside_project(cfg.root, path, what=f"the {fmt} edition of '{slug}'", for_write=True)
    return path


def _hash_files(h, paths, cfg: Config) -> None:
    """Hash (path, kind) inputs, each read within its kind's limit (a missing file hashes as such)."""
    for p, kind in paths:
        h.update(str(p).encode() + b"\0")
        try:
            h.update(hashlib.sha256(read_bounded(p, kind, root=cfg.root)).digest())
        except FileNotFoundError:
            h.update(b"<missing>")


def _tree(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def shared_fingerprint(cfg: Config) -> str:
    """Inputs every edition depends on: templates, fonts, config, pubkit's code, the epoch."""
    h = hashlib.sha256(f"pubkit {__version__}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    code = Path(__file__).resolve().parent
    templates = [(p, "template") for p in _tree(cfg.templates)]
    _hash_files(h, [(cfg.root / "pubkit.toml", "config"), *templates], cfg)
    for p in _tree(code):  # pubkit's own code, wherever it is installed
        h.update(str(p).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    glossary = cfg.translations / "glossary.csv"
    _hash_files(h, [(glossary, "glossary")], cfg)
    return h.hexdigest()


def edition_fingerprint(cfg: Config, shared: str, source: Path, slug: str, lang: str, fmt: str) -> str:
    h = hashlib.sha256(f"{shared}\0{slug}\0{lang}\0{fmt}".encode())
    files = [(source, "seed"), (source.with_suffix(SIDECAR_SUFFIX), "sidecar")]
    if lang != cfg.source_lang:
        files.append((po_path(cfg, lang, slug), "po"))
    _hash_files(h, files, cfg)
    return h.hexdigest()


def _load_manifest(cfg: Config) -> dict:
    try:
        data = json.loads(read_bounded(cfg.root / MANIFEST, "manifest", root=cfg.root).decode("utf-8"))
    except (OSError, ValueError, PubkitError):  # a cache: rebuilt when unreadable
        return {}
    return data if isinstance(data, dict) else {}


def _sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file (streamed); None for anything else or an unreadable file."""
    h = hashlib.sha256()
    try:
        with open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NONBLOCK | os.O_NOFOLLOW)) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def plan(cfg: Config, langs=None, article=None, formats=None) -> tuple[list[Job], list[Job]]:
    """(jobs to build, jobs already up to date) — without parsing any source or PO file."""
    langs = list(langs or cfg.edition_langs)
    for lang in langs:
        cfg.language(lang)
        if lang not in cfg.edition_langs:
            raise PubkitError(
                f"'{lang}' is not one of the project's languages ({', '.join(cfg.edition_langs)})",
                location=Location(cfg.root / "pubkit.toml"),
                hint="add it to `targets` in pubkit.toml",
            )
    formats = list(formats or FORMATS)
    for fmt in formats:
        if fmt not in FORMATS:
            raise PubkitError(f"unknown format '{fmt}'", hint="use " + " or ".join(FORMATS))
    manifest = _load_manifest(cfg)
    shared = shared_fingerprint(cfg)
    todo, fresh = [], []
    for src in article_paths(cfg):
        slug = article_slug(src, cfg.root)  # the reader's validated slug, never a path
        if article and slug != article:
            continue
        for lang in langs:
            for fmt in formats:
                out = output_path(cfg, slug, lang, fmt)
                fp = edition_fingerprint(cfg, shared, src, slug, lang, fmt)
                job = Job(slug, lang, fmt, out, fp)
                rec = manifest.get(out.name, {})
                if rec.get("fingerprint") == fp and rec.get("sha256") and rec["sha256"] == _sha256(out):
                    fresh.append(job)
                else:
                    todo.append(job)
    return todo, fresh


def _render_group(cfg_root: str, slug: str, lang: str, jobs: list[tuple[str, str]]) -> list[str]:
    """Worker: localize one article into one language and render the requested formats."""
    from .config import load_config
    from .localize import localize
    from .render import render_edition

    cfg = load_config(Path(cfg_root))
    doc = next(d for d in load_articles(cfg) if d.meta.slug == slug)
    edition = localize(cfg, doc, lang)
    done = []
    for fmt, out in jobs:
        out_path = Path(out)
        inside_project(cfg.root, out_path, what=f"the {fmt} edition of '{slug}'", for_write=True)
        tmp = out_path.with_name(f".{out_path.name}.part")
        try:
            render_edition(fmt, edition, cfg, tmp)
            os.replace(tmp, out_path)
        finally:
            if tmp.exists():
                tmp.unlink()
        done.append(out)
    return done


def build(cfg: Config, langs=None, article=None, formats=None, *, workers: int | None = None, log=None) -> BuildReport:
    """Build the stale editions (in parallel across languages) and refresh dist/SHA256SUMS."""
    todo, fresh = plan(cfg, langs, article, formats)
    _remove_leftovers(cfg)
    if todo:
        # Parse everything once up front, so bad input stops the run before any rendering.
        load_articles(cfg, article)
        inside_project(cfg.root, cfg.dist, what="dist/", for_write=True)
        cfg.dist.mkdir(parents=True, exist_ok=True)
    groups: dict[tuple[str, str], list[Job]] = {}
    for job in todo:
        groups.setdefault((job.slug, job.lang), []).append(job)
    workers = workers if workers is not None else min(len(groups), os.cpu_count() or 1, 4)
    built: list[Path] = []
    manifest = _load_manifest(cfg)

    def record(jobs: list[Job]) -> None:
        for j in jobs:
            manifest[j.out.name] = {"fingerprint": j.fingerprint, "sha256": _sha256(j.out)}
            built.append(j.out)
            if log:
                log(f"built {j.out.relative_to(cfg.root)}")
        atomic_write(cfg.root / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True), root=cfg.root)

    args = [(str(cfg.root), s, lg, [(j.fmt, str(j.out)) for j in js]) for (s, lg), js in groups.items()]
    if workers > 1 and len(groups) > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn" if os.name != "posix" else "fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = {pool.submit(_render_group, *a): groups[(a[1], a[2])] for a in args}
            for fut, jobs in futures.items():
                fut.result()
                record(jobs)
    else:
        for a in args:
            _render_group(*a)
            record(groups[(a[1], a[2])])
    if todo or not (cfg.dist / "SHA256SUMS").exists():
        write_checksums(cfg)
    return BuildReport(tuple(built), tuple(j.out for j in fresh))


def _remove_leftovers(cfg: Config) -> None:
    """Temporary files of a run that was killed mid-render (never complete editions)."""
    if cfg.dist.is_dir():
        inside_project(cfg.root, cfg.dist, what="dist/", for_write=True)
        # ".x.part" (a render in progress) and atomic_write's own ".<name>.<random>.tmp"
        for p in [*cfg.dist.glob(".*.part"), *cfg.dist.glob(".*.tmp")]:
            p.unlink(missing_ok=True)


def write_checksums(cfg: Config) -> None:
    """dist/SHA256SUMS in the format `sha256sum -c` reads, sorted by file name: the editions
    of current articles only (an edition of a removed article is never listed)."""
    if not cfg.dist.is_dir():
        return
    inside_project(cfg.root, cfg.dist, what="dist/", for_write=True)
    current = {f"{article_slug(src, cfg.root)}.{lang}.{fmt}" for src in article_paths(cfg)
               for lang in cfg.edition_langs for fmt in FORMATS}
    lines = []
    for p in sorted(cfg.dist.iterdir()):
        name = p.name  # only current editions: regular files with printable names
        if name in current and name.isprintable():
            digest = _sha256(p)  # None for a link, FIFO or unreadable file: never a malformed line
            if digest:
                lines.append(f"{digest}  {name}\n")
    atomic_write(cfg.dist / "SHA256SUMS", "".join(lines), root=cfg.root)
