"""Merge after a global edit: N passages, a term renamed in every paragraph (issue 14).

    .venv/bin/python bench/merge.py [--sizes 1000,2000,5000,10000] [--reference-max 2000]
                                    [--json bench/results/merge.json]

For each size: a generated article of N paragraphs (English-like text from a Zipf-distributed
vocabulary of 8,000 words of English letter frequencies, 20-120 words each, every paragraph
naming the term "Janaozen"), a PO file in which every paragraph is reviewed, then the source with "Janaozen" renamed "Zhanaozen"
everywhere (every paragraph changed: nothing matches exactly, everything by similarity), and
a mixed edit (the term renamed in 10% of the paragraphs, 5% deleted, 5% new, the order
shuffled). Times ``pubkit.catalog.merge`` (the trigram index) and, up to --reference-max
passages, the all-pairs reference (``tests/catalog/reference.py``, the merge before the
index), and checks that both write the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import polib  # noqa: E402

from pubkit.catalog import dumps, merge, template  # noqa: E402
from pubkit.catalog.memory import Memory  # noqa: E402
from pubkit.model import Document, Meta, Paragraph, Text  # noqa: E402
from tests.catalog.reference import all_pairs  # noqa: E402


def _vocabulary(r: random.Random, n: int = 8000) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    freq = [12, 9, 8, 8, 7, 7, 6, 6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
    words = {"".join(r.choices(letters, freq, k=r.randint(1, 11))) for _ in range(n * 2)}
    return sorted(words, key=lambda w: (len(w), w))[:n]  # short words first: the most frequent


def article(n: int, seed: int = 1) -> list[str]:
    r = random.Random(seed)
    vocab = _vocabulary(r)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    paras = []
    for _ in range(n):
        words = r.choices(vocab, weights, k=r.randint(20, 120))
        words.insert(r.randrange(len(words)), "Janaozen")
        words[0] = words[0].capitalize()
        paras.append(" ".join(words) + ".")
    return paras


def _doc(paras: list[str]) -> Document:
    meta = Meta(title="Archive", slug="archive", date="2022-01-27", source_file="seeds/archive.txt",
                title_line=1)
    return Document(meta, tuple(Paragraph((Text(p),), line=3 + 2 * i) for i, p in enumerate(paras)))


def reviewed_po(paras: list[str]) -> polib.POFile:
    po, _ = merge(polib.POFile(), template(_doc(paras)), Memory())
    for n, e in enumerate(po):
        e.msgstr = f"R{n} " + e.msgid[::-1]
    return po


def global_edit(paras: list[str]) -> list[str]:
    return [p.replace("Janaozen", "Zhanaozen") for p in paras]


def mixed_edit(paras: list[str], seed: int = 2) -> list[str]:
    r = random.Random(seed)
    out = [p.replace("Janaozen", "Zhanaozen") if r.random() < 0.1 else p for p in paras if r.random() >= 0.05]
    out += article(max(1, len(paras) // 20), seed=seed + 1)
    r.shuffle(out)
    return out


def _time(fn) -> tuple[float, object]:
    """CPU seconds of this process (the machine is shared: wall time depends on the load)."""
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def run(sizes: list[int], reference_max: int) -> list[dict]:
    rows = []
    for n in sizes:
        old = article(n)
        po = reviewed_po(old)
        for kind, edit in (("global", global_edit), ("mixed", mixed_edit)):
            entries = template(_doc(edit(old)))
            secs, (merged, report) = _time(lambda: merge(po, entries, Memory()))
            row = {"passages": n, "edit": kind, "merge_cpu_s": round(secs, 2), "stale": report.fuzzy_matched,
                   "kept": report.kept, "new": report.new, "obsoleted": report.obsoleted}
            if n <= reference_max:
                ref_s, (ref, _) = _time(lambda: merge(po, entries, Memory(), similar_pairs=all_pairs))
                row["reference_cpu_s"] = round(ref_s, 2)
                row["equal_to_reference"] = dumps(ref) == dumps(merged)
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "python": platform.python_version(),
            "load_before": os.getloadavg()[0]}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,2000,5000,10000")
    ap.add_argument("--reference-max", type=int, default=2000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    info = machine()
    print(json.dumps(info), flush=True)
    rows = run([int(s) for s in args.sizes.split(",")], args.reference_max)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "rows": rows}, indent=1), encoding="utf-8")
    return 0 if all(r.get("equal_to_reference", True) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
