"""Saving a large PO file: pubkit's writer against polib's (issue 22).

    .venv/bin/python bench/save.py [--entries 3867] [--repeats 5] [--json bench/results/save.json]

The file: the project's Russian translation (`invoke translate` with a stand-in engine, every
passage a draft, some reviewed), its entries repeated with numbered sources until there are
``--entries`` of them (3,867 is the size of the file in issue 22), with extracted comments,
references, flags, previous sources and plural entries. Each repeat times, in one process and in
rotated order, ``pubkit.catalog.dumps`` of the loaded catalog and ``polib.POFile.__unicode__``
(what ``polib.save`` writes, without the disk), on the same objects; the ratio of the medians
is the result. Both outputs are checked to hold the same entries.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import polib  # noqa: E402

from pubkit.catalog import dumps, load  # noqa: E402


def build_file(n: int, where: Path) -> Path:
    from tests.catalog.helpers import FakeEngine
    from tests.conftest import copy_project

    from pubkit.commands import translate

    root = copy_project(where)
    for po in (root / "translations").rglob("*.po"):
        po.unlink()
    engine = FakeEngine(prefix="Перевод:")
    translate.run(root=root, langs=["ru"], engine_factory=lambda cfg, s, t: engine)
    (path,) = (root / "translations" / "ru").glob("*.po")
    base = load(path).po
    entries = [e for e in base if not e.obsolete]
    big = polib.POFile(wrapwidth=79)
    big.header, big.metadata = base.header, dict(base.metadata)
    for k in range(n):
        src = entries[k % len(entries)]
        e = polib.POEntry(msgid=f"{src.msgid} ({k})", msgstr=f"{src.msgstr} «{k}»", msgctxt=src.msgctxt,
                          comment=src.comment, occurrences=[(f"seeds/a{k // 500}.txt", str(k))],
                          flags=list(src.flags))
        if k % 7 == 0:
            e.previous_msgid = src.msgid
        if k % 50 == 0:
            e.msgid_plural, e.msgstr_plural = e.msgid + "s", {0: e.msgstr, 1: e.msgstr, 2: e.msgstr}
            e.msgstr = ""
        big.append(e)
    out = where / "big.po"
    out.write_text(dumps(big), encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=3867)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = build_file(args.entries, Path(tmp))
        po = load(path).po
        size = path.stat().st_size
        runs: dict[str, list[float]] = {"pubkit": [], "polib": []}
        outputs: dict[str, str] = {}
        writers = {"pubkit": lambda: dumps(po), "polib": lambda: po.__unicode__()}
        for r in range(args.repeats):
            order = list(writers) if r % 2 == 0 else list(reversed(writers))
            for name in order:
                t0 = time.perf_counter()
                outputs[name] = writers[name]()
                runs[name].append(time.perf_counter() - t0)
        same = len(polib.pofile(outputs["pubkit"])) == len(polib.pofile(outputs["polib"])) == len(po)
    med = {k: statistics.median(v) for k, v in runs.items()}
    result = {
        "entries": args.entries, "bytes": size, "repeats": args.repeats,
        "median_s": med, "min_s": {k: min(v) for k, v in runs.items()},
        "ratio_pubkit_to_polib": med["pubkit"] / med["polib"], "same_entries": same,
        "python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
        "polib": polib.__version__,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
