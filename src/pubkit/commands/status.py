"""`invoke status`: per language and article, how many passages are reviewed, accepted,
machine drafts, needing work, stale or untranslated; `--queue` lists what to review first.

Why: editors decide when an edition is ready, and the colophon states the same numbers:
both count with :func:`pubkit.catalog.states.assess`. Counts come from the PO files merged
with the current sources in memory (nothing is written), so the numbers are right even
before `invoke update`. The review queue orders unapproved entries worst first by the
model's own score (CTranslate2's hypothesis score, stored with each draft), after the
entries whose checks failed and the stale ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..catalog import POLICY_TEXT, State, load_language, merged, stray_files
from ..catalog.states import APPROVED, assess, provenance
from ..checks import Context, check_entry, load_glossary
from ..catalog.store import GLOSSARY_NAME
from ..config import load_config
from ..errors import Severity
from ..project import load_articles
from ..ui import err_console, out_console
from .update import select_langs

COLUMNS = ("reviewed", "accepted", "machine", "needs_work", "stale", "untranslated")
LOW_SCORE = -0.5  # mean log-probability per token below which a draft is called "low score"


def _words(text: str) -> int:
    return len(text.split())


@dataclass(frozen=True)
class QueueItem:
    """One entry a reviewer should look at, with why; ``rank`` sorts worst first."""

    lang: str
    article: str
    file: str
    line: int
    key: str
    state: str
    score: float | None
    reasons: tuple[str, ...]
    msgid: str

    @property
    def rank(self) -> tuple:
        errors = any(r.startswith("check ") for r in self.reasons)
        return (not errors, self.state != State.STALE.value,
                self.score if self.score is not None else 0.0, self.file, self.line)

    def as_dict(self) -> dict:
        return {"lang": self.lang, "article": self.article, "file": self.file, "line": self.line,
                "key": self.key, "state": self.state, "score": self.score, "reasons": list(self.reasons),
                "source": self.msgid}


def collect(cfg, langs=None, article: str | None = None, *, queue: bool = False) -> dict:
    all_docs = load_articles(cfg)
    docs = load_articles(cfg, article) if article else all_docs
    glossary = load_glossary(cfg.translations / GLOSSARY_NAME, cfg.root) if queue else []
    rows, items = [], []
    for lang in select_langs(cfg, langs):
        cats = load_language(cfg, lang, [d.meta.slug for d in all_docs])
        for doc in docs:
            pf, _ = merged(cfg, doc, lang, cats)
            shown = str(pf.path.relative_to(cfg.root))
            keys = _unit_keys(doc)
            on_disk = {(e.msgctxt, e.msgid): e.linenum or 0 for e in cats.files[doc.meta.slug].po}
            counts = {c: 0 for c in COLUMNS}
            words = {c: 0 for c in COLUMNS}
            states = {s.value: 0 for s in State if s is not State.OBSOLETE}
            broken = edited = accepted = 0
            for e in pf.po:
                v = assess(e)
                if v.state is State.OBSOLETE:
                    continue
                states[v.state.value] += 1
                counts[v.counted_as] += 1
                words[v.counted_as] += _words(e.msgid)
                broken += v.broken
                if v.state is State.REVIEWED and provenance(e) is not None:
                    edited += 1
                accepted += v.state is State.ACCEPTED
                if queue and (v.state not in APPROVED or v.broken):
                    e.linenum = on_disk.get((e.msgctxt, e.msgid), 0)  # the merged entry's line on disk
                    item = _queue_item(e, v, lang, doc.meta.slug, shown, keys,
                                       Context(lang, cfg.source_lang, glossary))
                    if item is not None:
                        items.append(item)
            total_words = sum(words.values()) or 1
            rows.append({
                "lang": lang, "language": cfg.language(lang).name, "article": doc.meta.slug,
                "file": shown, "entries": sum(counts.values()),
                "counts": counts, "states": states, "broken": broken,
                "word_share": {k: round(v / total_words, 4) for k, v in words.items()},
                "obsolete": sum(1 for e in pf.po if e.obsolete),
                "drafts_edited": edited, "drafts_accepted_unchanged": accepted,
            })
    data = {
        "rows": rows,
        "policy": POLICY_TEXT.splitlines(),
        "problems": [d.as_dict() for d in stray_files(cfg, {d.meta.slug for d in all_docs})],
    }
    if queue:
        data["queue"] = [i.as_dict() for i in sorted(items, key=lambda i: i.rank)]
    return data


def _unit_keys(doc) -> dict[tuple[str | None, str], str]:
    from ..catalog import template

    return {(t.msgctxt, t.msgid): t.key for t in template(doc)}  # metadata entries have keys too


def _queue_item(e, v, lang: str, slug: str, shown: str, keys: dict, ctx: Context) -> QueueItem | None:
    if v.state is State.UNTRANSLATED:
        # nothing to review yet: `invoke translate` drafts a passage; the printed metadata
        # (never drafted) is printed as the source has it until a person translates it
        return None
    prov = provenance(e)
    score = prov.score if prov is not None else None
    reasons = []
    for d in check_entry(e, ctx, shown):
        if d.severity is Severity.ERROR:
            reasons.append(f"check {d.code}: {d.message}")
    if v.state is State.STALE:
        reasons.append("stale: the source changed since review")
    elif v.state is State.MACHINE_OUTDATED:
        reasons.append("outdated draft: the source changed")
    elif v.state is State.NEEDS_WORK:
        reasons.append("needs work")
    if score is not None and score < LOW_SCORE and v.state in (State.MACHINE, State.MACHINE_OUTDATED):
        reasons.append(f"low score {score:.3f}")
    elif score is not None and v.state is State.MACHINE:
        reasons.append(f"score {score:.3f}")
    key = keys.get((e.msgctxt, e.msgid)) or keys.get((None, e.msgid), "")
    line = int(e.occurrences[0][1]) if e.occurrences and e.occurrences[0][1].isdigit() else 0
    return QueueItem(lang, slug, f"{shown}:{e.linenum or 0}", line, key, v.state.value, score,
                     tuple(reasons), e.msgid)


def run(root: Path | None = None, langs=None, article: str | None = None, as_json: bool = False,
        queue: bool = False, **_ignored) -> int:
    cfg = load_config(root)
    data = collect(cfg, langs, article, queue=queue)
    if as_json:
        out_console.print_json(json.dumps(data, ensure_ascii=False))
        return 0
    if queue:
        _print_queue(data["queue"])
        return 0
    from rich.table import Table

    table = Table(title="Translation status (passages, share of words)")
    heads = ("language", "article", "reviewed", "accepted unchanged", "machine", "needs work", "stale",
             "untranslated", "obsolete")
    for col in heads:
        table.add_column(col, justify="left" if col in ("language", "article") else "right")
    for r in data["rows"]:
        s, c = r["word_share"], r["counts"]
        cells = [f"{c[k]} ({s[k]:.0%})" for k in COLUMNS]
        if r["broken"]:
            cells[-1] += f", {r['broken']} broken tags"
        table.add_row(f"{r['language']} ({r['lang']})", r["article"], *cells, str(r["obsolete"]))
    out_console.print(table)
    out_console.print("What each state publishes:\n" + "\n".join(data["policy"]), markup=False)
    for p in data["problems"]:
        err_console.print(f"{p['file']}: {p['severity']} {p['code']}: {p['message']}\n  hint: {p['hint']}",
                          markup=False)
    return 0


def _print_queue(queue: list[dict]) -> None:
    if not queue:
        out_console.print("Nothing to review: every translated entry is approved.", markup=False)
        return
    out_console.print(f"{len(queue)} entries to review, worst first:", markup=False)
    for i, q in enumerate(queue, 1):
        src = q["source"] if len(q["source"]) <= 70 else q["source"][:69] + "…"
        out_console.print(f"{i:>3}. {q['file']}  key {q['key']}  [{q['state']}]  "
                          f"{'; '.join(q['reasons']) or 'unreviewed'}\n     {src}", markup=False)
    out_console.print("Approve with `invoke approve --lang L --key KEY` (or --edited after editing).",
                      markup=False)
