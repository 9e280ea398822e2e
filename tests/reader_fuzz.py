"""A seeded reader fuzzer: mutate the test articles (plain text and Markdown), read them, check
the invariant.

Invariant (issue 24): for every input, :func:`pubkit.readers.read_article` either stops with
pubkit's own error (a :class:`~pubkit.errors.PubkitError`, exit 65, naming the article) or returns
a document that the later stages can walk: within :mod:`pubkit.limits`'s nesting limits, and
segmented into translation units without an error. Never a traceback, and each input within
``PER_INPUT_S`` seconds; the caller runs the fuzzer in a child process to bound its memory
(``peak_mb``) and to turn a hang into a failure.

Mutations: a line deleted, duplicated or moved; a character inserted from a hostile set (markup
characters, tabs, NUL, RLO, BOM, U+2028 …); a run of one character (thousands of ``*``, ``_``,
``[``, ``>``, tabs: the depth probes); a line indented deeper and deeper; truncation; the
markup of the other format inserted (front matter, a footnote, an image, a ``{lang=}`` span).

Used by ``tests/test_fuzz_readers.py`` (a few thousand inputs) and ``bench/fuzz_readers.py``
(more, outside the test suite).
"""

from __future__ import annotations

import random
import resource
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pubkit.errors import ExitCode, PubkitError
from pubkit.limits import check_document
from pubkit.readers import read_article
from pubkit.segment import segment

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "articles"
PER_INPUT_S = 5.0  # markdown-it-py needs about 0.5 ms per `![` (2,000 of them: 1-2.5 s here)
HOSTILE = ["*", "_", "**", "[", "]", "(", ")", "!", ">", "#", "`", "```", "|", "-", "1.", "a)", "•", "\t",
           "    ", "\n", "\n\n", "\\", "<", "&", "\x00", "\u202e", "\ufeff", "\u2028", "\u0085", "\u00a0",
           "[^1]", "[1]", "¹", "{lang=kk}", "— ", "---\n", "~~~", "http://x.invalid/a", "<!--", "$"]
RUNS = ["*", "_", "[", ">", "\t", " ", "(", "`", "-", "#", "!["]
FRONT = ["---\ntitle: T\n---\n", "---\nstructure:\n  1-3: list\n---\n", "---\ncorrections:\n  - find: a\n"
         "    replace: b\n---\n", "---\n---\n", "---\ntitle: [\n---\n"]


def _peak_mb() -> float:
    """This process's own peak memory (VmHWM): ``ru_maxrss`` survives execve on Linux, so a child
    of a large pytest process would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class FuzzResult:
    runs: int = 0
    errors: int = 0  # pubkit's own error, exit 65
    documents: int = 0  # read, within the limits, segmented
    slowest_s: float = 0.0
    seconds: float = 0.0
    peak_mb: float = 0.0
    failures: list[str] = field(default_factory=list)
    by_mutation: dict[str, list[int]] = field(default_factory=dict)  # name -> [errors, documents]


def _bases() -> list[tuple[str, str]]:
    """(suffix, text) of every test article."""
    return [(p.suffix, p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.iterdir())
            if p.suffix in (".txt", ".md")]


def _mutate(text: str, rng: random.Random) -> tuple[str, str]:
    lines = text.split("\n")
    kind = rng.choice(["delete", "duplicate", "move", "insert", "run", "indent", "truncate", "front",
                       "markup"])
    i = rng.randrange(len(lines))
    if kind == "delete" and len(lines) > 1:
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "move":
        lines.insert(rng.randrange(len(lines)), lines.pop(i))
    elif kind == "insert":
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        lines[i] = line[:at] + rng.choice(HOSTILE) + line[at:]
    elif kind == "run":
        ch = rng.choice(RUNS)
        n = rng.choice([2, 3, 17, 100, 2000])
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        lines[i] = line[:at] + ch * n + line[at:] + (ch[::-1] * n if rng.random() < 0.5 else "")
    elif kind == "indent":
        step = rng.choice(["\t", "  ", " "])
        depth = rng.choice([1, 5, 20, 400])
        first = rng.randrange(len(lines))
        for k, j in enumerate(range(first, min(len(lines), first + rng.choice([3, 30, 500])))):
            lines[j] = step * min(depth, k) + rng.choice(["- ", "1. ", "* ", "> ", ""]) + lines[j].lstrip()
    elif kind == "truncate":
        return text[: rng.randrange(len(text) + 1)], kind
    elif kind == "front":
        return rng.choice(FRONT) + text, kind
    else:
        lines.insert(i, rng.choice(["[^1]: a note", "![alt](images/none.png)", "[x]{lang=kk}", "| a | b |\n|---|---|",
                                    "> > > quoted", "    code", "1) one\n   a) two\n      i) three"]))
    return "\n".join(lines), kind


def run_fuzz(project: Path, *, n: int, seed: int, seconds: float | None = None) -> FuzzResult:
    """``n`` seeded inputs (fewer if ``seconds`` run out), each written to ``seeds/`` and read."""
    rng = random.Random(seed)
    bases = _bases()
    res = FuzzResult()
    start = time.monotonic()
    seeds = project / "seeds"
    for old in seeds.iterdir():
        old.unlink()
    for k in range(n):
        if seconds is not None and time.monotonic() - start > seconds:
            break
        suffix, text = rng.choice(bases)
        kinds = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            text, kind = _mutate(text, rng)
            kinds.append(kind)
        name = "+".join(kinds)
        path = seeds / f"fuzz{suffix}"
        for old in seeds.iterdir():
            old.unlink()
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        t0 = time.monotonic()
        outcome = _check(path, project)
        took = time.monotonic() - t0
        res.slowest_s = max(res.slowest_s, took)
        res.runs += 1
        tally = res.by_mutation.setdefault(name, [0, 0])
        if outcome is None:
            res.documents += 1
            tally[1] += 1
        elif outcome == "error":
            res.errors += 1
            tally[0] += 1
        else:
            res.failures.append(f"input {k} ({name}, seed {seed}): {outcome}")
        if took > PER_INPUT_S:
            res.failures.append(f"input {k} ({name}, seed {seed}): took {took:.1f} s")
    res.seconds = time.monotonic() - start
    res.peak_mb = _peak_mb()
    return res


def _check(path: Path, project: Path) -> str | None:
    """None: a valid document; "error": pubkit's own clean error; else what went wrong."""
    try:
        doc = read_article(path, project)
        check_document(doc, path.name)
        segment(doc)
    except PubkitError as err:
        if err.exit_code != ExitCode.INPUT:
            return f"exit {int(err.exit_code)} instead of 65: {err}"
        if err.location is None or Path(str(err.location.path)).name != path.name:
            return f"the error does not name the article: {err}"
        return "error"
    except Exception:  # noqa: BLE001 - a traceback is what the fuzzer looks for
        return traceback.format_exc(limit=-4)
    return None
