"""Cheap content fingerprints: SHA-256 of files, cached in ``.pubkit/`` by their stat.

Why: a no-op publish of a thousand articles must decide that nothing changed without
reading every source, PO file and edition. A file's hash is recomputed only when its stat
(size, modification and change time, inode) differs from the one recorded with the hash,
so the answer is still about content: touching a file without changing it rebuilds
nothing, and any write (even one that keeps the size and the modification time, since
the change time moves) is noticed.

Racy entries: a file modified within :data:`RACY_NS` of when it was hashed could change
again within the file system's timestamp granularity without its stat changing; such
entries are recorded but never trusted (the file is hashed again next time, as git does).

The cache is only a cache: deleting ``.pubkit/hashes.json`` changes no result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path

from .fsio import atomic_write

CACHE = Path(".pubkit") / "hashes.json"
RACY_NS = 2_000_000_000
VERSION = 1


def _key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class HashCache:
    """SHA-256 of files under one project root, cached by stat; ``save`` writes it back."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = self.root / CACHE
        self.entries: dict[str, list] = {}
        self.slugs: dict[str, str] = {}  # "sha(source)+sha(sidecar)" -> slug, see pipeline
        self.images: dict[str, list[str]] = {}  # same key -> the local image files it names
        self.extra: dict[str, object] = {}  # other small records (publish's clean states)
        self.dirty = False
        self.hashed = 0  # files actually read (for tests and benchmarks)
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == VERSION:
                self.entries = dict(data["files"])
                self.slugs = dict(data.get("slugs", {}))
                self.images = dict(data.get("images", {}))
                self.extra = dict(data.get("extra", {}))

    def _name(self, path: Path) -> str:
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return str(path)

    def digest(self, path: Path) -> str | None:
        """The file's SHA-256 (hex), None when it does not exist or is not a regular file."""
        name = self._name(path)
        try:
            st = os.stat(path)
        except OSError:
            if self.entries.pop(name, None) is not None:
                self.dirty = True
            return None
        if not _is_regular(st):
            return None
        key = _key(st)
        rec = self.entries.get(name)
        if rec is not None and rec[0] == key and not rec[2]:
            return str(rec[1])
        try:
            sha = _sha256_file(Path(path))
        except OSError:
            return None
        self.hashed += 1
        racy = time.time_ns() - st.st_mtime_ns < RACY_NS
        self.entries[name] = [key, sha, racy]
        self.dirty = True
        return sha

    def remember(self, path: Path, sha: str) -> None:
        """Record the hash of bytes pubkit itself just wrote to ``path`` (no re-read)."""
        with contextlib.suppress(OSError):
            st = os.stat(path)
            racy = time.time_ns() - st.st_mtime_ns < RACY_NS
            self.entries[self._name(path)] = [_key(st), sha, racy]
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        data = {"version": VERSION, "files": self.entries, "slugs": self.slugs, "images": self.images,
                "extra": self.extra}
        with contextlib.suppress(Exception):  # a cache that cannot be written costs time, not results
            atomic_write(self.path, json.dumps(data, separators=(",", ":"), sort_keys=True))
            self.dirty = False


def _is_regular(st: os.stat_result) -> bool:
    import stat

    return stat.S_ISREG(st.st_mode)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
