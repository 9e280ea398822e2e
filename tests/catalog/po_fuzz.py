"""A seeded PO-file fuzzer: mutate a reviewed PO file, run ``update``, check the invariant.

Invariant (issue 10): for every mutated file, ``update`` either stops with a clean
:class:`~pubkit.errors.PubkitError` (exit code 65, the file and a line, a hint) and every file
unchanged, or succeeds and loses no translated text: every non-empty msgstr and msgstr[n]
of the mutated file is still in the updated file (current, stale or obsolete). Where GNU
``msgcat`` also accepts the mutated file, pubkit must read the same translations from it
as GNU does (no silent misreading).

Used by ``tests/catalog/test_fuzz_po.py`` (a few hundred mutations) and ``bench/fuzz_po.py``
(1,000 and more, outside the test suite).
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
import subprocess
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pubkit.catalog.po import dumps, is_plural
from pubkit.catalog.poparse import PoSyntaxError, parse
from pubkit.commands import update
from pubkit.errors import ExitCode, PubkitError

SLUG = "kazakh-workers-revolt-2022"
EXTRA = '''
# obsolete, with every field GNU writes for one
#, fuzzy
#~| msgctxt "older"
#~| msgid "An older file"
#~ msgctxt "fuzz:obsolete"
#~ msgid "An old file"
#~ msgid_plural "%d old files"
#~ msgstr[0] "%d старый файл"
#~ msgstr[1] "%d старых файла"
#~ msgstr[2] "%d старых файлов"
'''

Mutation = Callable[[random.Random, str], str | bytes]
CHARS = ['"', "\\", "#", "\n", " ", "\u2028", "\u0085", "\x00", "\u202e", "~", "|", "[", "]", "\t",
         "x", "\ufeff", "\r", "\u200b", "é", ":", "%"]
KEYWORDS = ["msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[0]", "msgstr[1]", "msgstr[7]",
            "#~ msgid", "#~ msgstr", "#| msgid", "#~| msgctxt", "#", "#,", "#.", "#:", "msgstr[x]", ""]
ESCAPES = ["\\q", "\\x41", "\\101", "\\0", '\\"', "\\\\", "\\n", "\\", "\\x", "\\777"]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _pos(r: random.Random, text: str) -> int:
    return r.randrange(len(text) + 1)


def delete_line(r: random.Random, t: str) -> str:
    ls = _lines(t)
    del ls[r.randrange(len(ls))]
    return "\n".join(ls)


def duplicate_line(r: random.Random, t: str) -> str:
    ls = _lines(t)
    i = r.randrange(len(ls))
    ls.insert(i, ls[i])
    return "\n".join(ls)


def swap_lines(r: random.Random, t: str) -> str:
    ls = _lines(t)
    i = r.randrange(len(ls) - 1)
    ls[i], ls[i + 1] = ls[i + 1], ls[i]
    return "\n".join(ls)


def insert_char(r: random.Random, t: str) -> str:
    p = _pos(r, t)
    return t[:p] + r.choice(CHARS) + t[p:]


def delete_char(r: random.Random, t: str) -> str:
    p = r.randrange(len(t))
    return t[:p] + t[p + 1:]


def truncate(r: random.Random, t: str) -> str:
    return t[:_pos(r, t)]


def replace_keyword(r: random.Random, t: str) -> str:
    ls = _lines(t)
    idx = [i for i, ln in enumerate(ls) if ln[:1] in ("m", "#")]
    i = r.choice(idx)
    head, sep, rest = ls[i].partition(" ")
    ls[i] = f"{r.choice(KEYWORDS)} {rest}" if sep else r.choice(KEYWORDS)
    return "\n".join(ls)


def toggle_obsolete(r: random.Random, t: str) -> str:
    ls = _lines(t)
    i = r.randrange(len(ls))
    ls[i] = ls[i][3:] if ls[i].startswith("#~ ") else "#~ " + ls[i]
    return "\n".join(ls)


def invalid_utf8(r: random.Random, t: str) -> bytes:
    b = t.encode("utf-8")
    p = r.randrange(len(b) + 1)
    return b[:p] + r.choice([b"\xff", b"\xc3", b"\xe2\x80", b"\xcf\xf0\xe8", b"\xed\xa0\x80"]) + b[p:]


def duplicate_entry(r: random.Random, t: str) -> str:
    blocks = t.split("\n\n")
    i = r.randrange(1, len(blocks))
    blocks.insert(r.randrange(1, len(blocks) + 1), blocks[i])
    return "\n\n".join(blocks)


def join_entries(r: random.Random, t: str) -> str:
    blocks = t.split("\n\n")
    i = r.randrange(len(blocks) - 1)
    return "\n\n".join(blocks[:i] + [blocks[i] + "\n" + blocks[i + 1]] + blocks[i + 2:])


def charset(r: random.Random, t: str) -> str:
    other = r.choice(["charset=ISO-8859-1", "charset=utf8", "charset=", "charset=CHARSET"])
    return t.replace("charset=UTF-8", other, 1)


def insert_escape(r: random.Random, t: str) -> str:
    spots = [i + 1 for i, ch in enumerate(t) if ch == '"' and t[i + 1:i + 2] not in ("", "\n")]
    p = r.choice(spots)
    return t[:p] + r.choice(ESCAPES) + t[p:]


def flags(r: random.Random, t: str) -> str:
    blocks = t.split("\n\n")
    i = r.randrange(1, len(blocks))
    if "#, fuzzy" in blocks[i]:
        blocks[i] = blocks[i].replace("#, fuzzy\n", "")
    else:
        blocks[i] = r.choice(["#, fuzzy\n", "#, no-wrap\n", "#, fuzzy, c-format\n", "#,\n"]) + blocks[i]
    return "\n\n".join(blocks)


def crlf(r: random.Random, t: str) -> str:
    return t.replace("\n", "\r\n")


MUTATIONS: list[Mutation] = [
    delete_line, duplicate_line, swap_lines, insert_char, delete_char, truncate, replace_keyword,
    toggle_obsolete, invalid_utf8, duplicate_entry, join_entries, charset, insert_escape, flags, crlf,
]


def translations(text: str) -> dict[tuple, tuple]:
    """(msgctxt, msgid, obsolete) -> translated strings of every entry that has any."""
    out = {}
    for e in parse(text):
        forms = tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)) if is_plural(e) else (e.msgstr,)
        if any(f.strip() for f in forms):
            out[(e.msgctxt, e.msgid, bool(e.obsolete))] = forms
    return out


@dataclass
class FuzzResult:
    runs: int = 0
    clean_errors: int = 0
    accepted: int = 0
    gnu_refused_pubkit_accepted: int = 0
    gnu_refusals: list[str] = field(default_factory=list)  # GNU's first message for each
    gnu_compared: int = 0
    failures: list[str] = field(default_factory=list)
    by_mutation: dict[str, list[int]] = field(default_factory=dict)  # name -> [errors, accepted]
    seconds: float = 0.0


def base_text(project: Path) -> str:
    """The project's reviewed Russian file, updated, with plural and obsolete entries added."""
    update.run(root=project, langs=["ru"], verbose=False)
    path = project / "translations" / "ru" / f"{SLUG}.po"
    po = parse(path.read_text(encoding="utf-8"))
    e = po[3]  # a reviewer gave this passage plural forms, after a change of context
    e.msgid_plural = e.msgid + " (%d)"
    e.msgstr_plural = {k: f"{e.msgstr} [{k}]" for k in range(3)}
    e.msgstr = ""
    e.flags = ["fuzzy"]
    e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural = "old", e.msgid, e.msgid + " (old)"
    text = dumps(po) + EXTRA
    path.write_text(text, encoding="utf-8")
    update.run(root=project, langs=["ru"], verbose=False)
    assert path.read_text(encoding="utf-8") == text, "the base file must be stable under update"
    return text


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "translations").rglob("*")) if p.is_file()}


def run_fuzz(project: Path, *, n: int, seed: int, seconds: float | None = None,
             msgcat: str | None = shutil.which("msgcat")) -> FuzzResult:
    """Apply ``n`` seeded mutations (or as many as fit in ``seconds``), one per run of ``update``."""
    res = FuzzResult()
    base = base_text(project)
    path = project / "translations" / "ru" / f"{SLUG}.po"
    shown = path.relative_to(project).as_posix()
    r = random.Random(seed)
    start = time.monotonic()
    for k in range(n):
        if seconds is not None and time.monotonic() - start > seconds:
            break
        mutate = MUTATIONS[k % len(MUTATIONS)]
        try:
            data = mutate(r, base)
            if r.random() < 0.3:  # sometimes a second mutation on top
                data = MUTATIONS[r.randrange(len(MUTATIONS))](r, data) if isinstance(data, str) else data
        except (ValueError, IndexError):  # a mutation that found no place to act
            continue
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path.write_bytes(raw)
        before = _snapshot(project)
        res.runs += 1
        tally = res.by_mutation.setdefault(mutate.__name__, [0, 0])
        where = f"mutation #{k} ({mutate.__name__}, seed {seed})"
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                update.run(root=project, langs=["ru"], verbose=False)
        except PubkitError as err:
            res.clean_errors += 1
            tally[0] += 1
            loc = err.location
            if int(err.exit_code) != ExitCode.INPUT or loc is None or Path(loc.path).as_posix() != shown \
                    or loc.line < 1 or not err.hint:
                res.failures.append(f"{where}: unclean error {err.exit_code} {loc}: {err}")
            if _snapshot(project) != before:
                res.failures.append(f"{where}: an error left files changed")
            continue
        except Exception:  # a traceback: always a failure
            res.failures.append(f"{where}: {traceback.format_exc(limit=3)}")
            continue
        res.accepted += 1
        tally[1] += 1
        text = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
        _check_kept(res, where, text, path.read_text(encoding="utf-8"))
        if msgcat:
            _compare_with_gnu(res, where, raw, text, msgcat, project)
    res.seconds = time.monotonic() - start
    path.write_text(base, encoding="utf-8")
    return res


def _check_kept(res: FuzzResult, where: str, mutated: str, updated: str) -> None:
    try:
        before = translations(mutated)
    except PoSyntaxError:  # CRLF-only differences pubkit tolerates; read as pubkit read it
        return
    after = {s for forms in translations(updated).values() for s in forms}
    lost = [s for forms in before.values() for s in forms if s.strip() and s not in after]
    if lost:
        res.failures.append(f"{where}: translations lost: {lost[:3]}")


def _compare_with_gnu(res: FuzzResult, where: str, raw: bytes, text: str, msgcat: str, project: Path) -> None:
    tmp = project / ".pubkit" / "fuzz.po"
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_bytes(raw)
    out = subprocess.run([msgcat, "--no-wrap", str(tmp)], capture_output=True, timeout=30)
    if out.returncode != 0:
        res.gnu_refused_pubkit_accepted += 1
        first = out.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        res.gnu_refusals.append(f"{where}: {first[0] if first else ''}")
        return
    res.gnu_compared += 1
    gnu = translations(out.stdout.decode("utf-8"))
    ours = translations(text)
    if gnu != ours:
        diff = [(k, ours.get(k), gnu.get(k)) for k in set(gnu) | set(ours) if gnu.get(k) != ours.get(k)]
        res.failures.append(f"{where}: pubkit read other translations than GNU msgcat: {diff[:2]}")

