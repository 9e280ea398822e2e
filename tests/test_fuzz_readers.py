"""The reader fuzzer in the test suite (issue 24): a few thousand seeded inputs, bounded to 25 s,
in a child process whose time and memory are bounded from outside.

Invariant (see :mod:`.reader_fuzz`): pubkit's own error (exit 65, naming the article) or a valid
document (within the nesting limits, segmented), never a traceback, each input under
``PER_INPUT_S`` seconds and the whole run under ``MAX_MB``. More: ``bench/fuzz_readers.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, copy_project

MAX_MB = 300  # peak resident memory of the child (Python, pydantic, markdown-it: about 50 MB)
CHILD = """
import json, sys
from dataclasses import asdict
from pathlib import Path
sys.path[:0] = [sys.argv[2]]
from tests.reader_fuzz import run_fuzz
res = run_fuzz(Path(sys.argv[1]), n=int(sys.argv[3]), seed=int(sys.argv[4]), seconds=float(sys.argv[5]))
print(json.dumps(asdict(res)))
"""


def test_reader_fuzzer_finds_no_traceback_no_hang_and_no_input_over_the_bounds(tmp_path: Path):
    project = copy_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", CHILD, str(project), str(ROOT), "2500", "20261204", "25"],
                          capture_output=True, text=True, env=env, timeout=120)  # a hang fails here
    assert done.returncode == 0, done.stderr[-3000:]
    res = json.loads(done.stdout)
    assert not res["failures"], "\n".join(res["failures"][:5])
    assert res["runs"] >= 1000, f"only {res['runs']} inputs ran in the time bound"
    assert res["errors"] >= 20 and res["documents"] >= res["runs"] // 2, res  # both paths taken
    assert res["peak_mb"] < MAX_MB, res["peak_mb"]
