"""PO fuzzing outside the test suite: 1,000 (or more) seeded mutations of a reviewed PO file.

    .venv/bin/python bench/fuzz_po.py [--n 1000] [--seed 1] [--json bench/results/fuzz_po.json]

Each mutation is written over ``translations/ru/<article>.po`` of a scratch copy of the
project, then ``update`` runs; the invariant and the mutations are in
``tests/catalog/po_fuzz.py`` (the test suite runs a few hundred of the same). Exit status 1
if any mutation broke the invariant.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.catalog.po_fuzz import run_fuzz  # noqa: E402


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pubkit-fuzz-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        shutil.copy(ROOT / "pubkit.toml", project / "pubkit.toml")
        for name in ("seeds", "translations", "templates"):
            shutil.copytree(ROOT / name, project / name)
        res = run_fuzz(project, n=args.n, seed=args.seed)
    print(f"{res.runs} mutations in {res.seconds:.1f} s: {res.clean_errors} clean errors (exit 65, "
          f"file:line, file unchanged), {res.accepted} accepted with no translation lost; "
          f"GNU msgcat read {res.gnu_compared} of the accepted files the same way and refused "
          f"{res.gnu_refused_pubkit_accepted}; failures: {len(res.failures)}")
    for name, (errors, accepted) in sorted(res.by_mutation.items()):
        print(f"  {name:18} {errors:4} errors {accepted:4} accepted")
    for line in res.failures[:20] + res.gnu_refusals[:20]:
        print("  " + line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(res), indent=1), encoding="utf-8")
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
