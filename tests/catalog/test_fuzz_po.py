"""The PO fuzzer in the test suite (issue 10): a few hundred seeded mutations, about 20 s.

Invariant (see :mod:`.po_fuzz`): a clean error (exit 65, file:line, hint) with every file
unchanged, or no translated text lost; and where GNU msgcat accepts a mutated file, pubkit
reads the same translations from it. 1,000 and more: ``bench/fuzz_po.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, copy_project
from .po_fuzz import SLUG, base_text, run_fuzz

SRC = Path(__file__).resolve().parents[2] / "src"

@pytest.fixture
def reviewed_project(tmp_path: Path) -> Path:
    """A scratch copy of the project with its reviewed translation files (the catalog tests'
    ``project`` removes them)."""
    return copy_project(tmp_path)

def test_po_fuzzer_finds_no_loss_and_no_unclean_error(reviewed_project):
    res = run_fuzz(reviewed_project, n=300, seed=20261127, seconds=20)
    assert not res.failures, "\n".join(res.failures[:5])
    assert res.runs >= 60, f"only {res.runs} mutations ran in the time bound"
    assert res.clean_errors >= res.runs // 5 and res.accepted >= res.runs // 5, res  # both paths
    assert res.gnu_compared >= res.accepted // 2, "GNU msgcat read most accepted files too"

def test_a_mutated_file_exits_65_through_invoke_with_file_and_line(reviewed_project):
    """The same clean error through the real command line, with the documented exit code."""
    text = base_text(reviewed_project)
    path = reviewed_project / "translations" / "ru" / f"{SLUG}.po"
    mutated = text[: text.index('msgstr "', 2000) + 12]  # cut inside a quoted string
    path.write_text(mutated, encoding="utf-8")
    shutil.copy(ROOT / "tasks.py", reviewed_project / "tasks.py")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-m", "invoke", "update", "--lang", "ru"], cwd=reviewed_project,
                         capture_output=True, text=True, env=env, timeout=120)
    line = mutated.count("\n") + 1
    assert out.returncode == 65, out.stderr
    assert f"translations/ru/{SLUG}.po:{line}" in out.stderr and "Traceback" not in out.stderr
    assert "hint" in out.stderr.lower()
    assert path.read_text(encoding="utf-8") == mutated
