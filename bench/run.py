"""`invoke bench`: run the benchmarks (bench/README.md) and print their reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {"translate": ["translate.py"], "editions": ["editions.py"], "multilingual": ["multilingual.py"],
           "archive": ["archive.py", "run", "--n", "1000", "--big-build", "--ray-n", "10"]}
DEFAULT = ["translate", "editions"]  # `archive` takes most of an hour on 2 cores: ask for it by name


def main(argv: list[str]) -> int:
    names = [a for a in argv if a] or DEFAULT
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    code = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        script, *args = BENCHES[name]
        code |= subprocess.call([sys.executable, str(HERE / script), *args])
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
