"""Shared fixtures: a scratch copy of the project for tests that write files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REGEN = os.environ.get("PUBKIT_REGEN_GOLDEN") == "1"


def golden(path: Path, actual: str) -> None:
    """Compare with a golden file a person can read; PUBKIT_REGEN_GOLDEN=1 rewrites it."""
    if REGEN or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not REGEN:
            pytest.fail(f"golden file {path} was missing and has been written; review it and rerun")
    assert actual == path.read_text(encoding="utf-8"), f"differs from golden {path} (PUBKIT_REGEN_GOLDEN=1 rewrites it)"


def copy_project(parent: Path) -> Path:
    """``parent/project``: a scratch copy of the project (config, seeds, translations, templates)."""
    dest = parent / "project"
    dest.mkdir()
    shutil.copy(ROOT / "pubkit.toml", dest / "pubkit.toml")
    for name in ("seeds", "translations", "templates"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the project (config, seeds, translations, templates)."""
    return copy_project(tmp_path)
