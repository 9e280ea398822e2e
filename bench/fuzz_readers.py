"""Reader fuzzing outside the test suite: 20,000 (or more) seeded mutations of the test articles.

    .venv/bin/python bench/fuzz_readers.py [--n 20000] [--seed 1] [--json bench/results/fuzz_readers.json]

Each input is written to ``seeds/`` of a scratch copy of the project and read; the invariant and
the mutations are in ``tests/reader_fuzz.py`` (the test suite runs a few thousand of the same).
Exit status 1 if any input broke the invariant.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.conftest import copy_project  # noqa: E402
from tests.reader_fuzz import run_fuzz  # noqa: E402


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pubkit-fuzz-readers-") as tmp:
        res = run_fuzz(copy_project(Path(tmp)), n=args.n, seed=args.seed)
    print(f"{res.runs} inputs in {res.seconds:.1f} s: {res.errors} clean errors (exit 65, naming the "
          f"article), {res.documents} documents within the limits; slowest input {res.slowest_s:.2f} s, "
          f"peak {res.peak_mb:.0f} MB; failures: {len(res.failures)}")
    for line in res.failures[:20]:
        print("  " + line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(res), indent=1), encoding="utf-8")
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
