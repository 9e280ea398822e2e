"""Test helpers: documents from plain strings, a test-double MT engine, gettext tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pubkit.mt.base import Draft
from pubkit.model import Document, Meta, Paragraph, Text


def doc(*paras: str, slug: str = "a", title: str = "Title") -> Document:
    meta = Meta(title=title, slug=slug, date="2022-01-27", source_file=f"seeds/{slug}.txt", title_line=1)
    return Document(meta, tuple(Paragraph((Text(p),), line=3 + 2 * i) for i, p in enumerate(paras)))


class FakeEngine:
    """Deterministic "translation": a prefix and the text; records every call."""

    def __init__(self, source: str = "en", target: str = "ru", prefix: str = "MT:"):
        self.source, self.target, self.prefix = source, target, prefix
        self.calls: list[list[str]] = []

    def translate(self, texts, *, progress=None):
        self.calls.append(list(texts))
        return [Draft(f"{self.prefix} {t}", -0.25, "fake/1.0", f"translate-{self.source}_{self.target}", "1.9")
                for t in texts]


def gettext_tool(name: str) -> str:
    """Path of a gettext tool; skip if missing, but fail in CI (where it must be installed)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} (GNU gettext) is required in CI")
        pytest.skip(f"{name} (GNU gettext) is not installed")
    return path


def msgcat_roundtrip(path: Path, tmp: Path) -> None:
    out = tmp / (path.name + ".msgcat")
    subprocess.run([gettext_tool("msgcat"), str(path), "-o", str(out)], check=True)
    assert out.read_bytes() == path.read_bytes(), f"msgcat rewrote {path}"


def msgfmt_check(path: Path) -> None:
    r = subprocess.run([gettext_tool("msgfmt"), "-c", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
