"""`invoke status`: per language and article, how much is reviewed, machine, stale, untranslated.

Why: editors decide when an edition is ready, and the colophon states the same numbers.
Counts come from the PO files merged with the current sources in memory (nothing is
written), so the numbers are right even before `invoke update`. Also reports how much
reviewers changed machine drafts (post-edit distance: 1 − difflib ratio, 0 = accepted as is).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from ..catalog import POLICY_TEXT, State, load_language, merged, state_of, stray_files
from ..catalog.states import draft_text
from ..config import load_config
from ..project import load_articles
from ..ui import err_console, out_console
from .update import select_langs

ORDER = (State.REVIEWED, State.MACHINE, State.STALE, State.MACHINE_OUTDATED, State.UNTRANSLATED)


def _words(text: str) -> int:
    return len(text.split())


def collect(cfg, langs=None, article: str | None = None) -> dict:
    all_docs = load_articles(cfg)
    docs = load_articles(cfg, article) if article else all_docs
    rows = []
    for lang in select_langs(cfg, langs):
        cats = load_language(cfg, lang, [d.meta.slug for d in all_docs])
        for doc in docs:
            pf, _ = merged(cfg, doc, lang, cats)
            counts = {s.value: 0 for s in ORDER}
            words = {s.value: 0 for s in ORDER}
            edits = []
            for e in pf.po:
                st = state_of(e)
                if st is State.OBSOLETE:
                    continue
                counts[st.value] += 1
                words[st.value] += _words(e.msgid)
                draft = draft_text(e)
                if st is State.REVIEWED and draft is not None:
                    edits.append(1 - difflib.SequenceMatcher(None, draft, e.msgstr, autojunk=False).ratio())
            total_words = sum(words.values()) or 1
            rows.append({
                "lang": lang, "language": cfg.language(lang).name, "article": doc.meta.slug,
                "file": str(pf.path.relative_to(cfg.root)), "entries": sum(counts.values()),
                "counts": counts,
                "word_share": {k: round(v / total_words, 4) for k, v in words.items()},
                "obsolete": sum(1 for e in pf.po if e.obsolete),
                "post_edited": len(edits),
                "post_edit_distance": round(sum(edits) / len(edits), 4) if edits else None,
            })
    return {
        "rows": rows,
        "policy": POLICY_TEXT.splitlines(),
        "problems": [d.as_dict() for d in stray_files(cfg, {d.meta.slug for d in all_docs})],
    }


def run(root: Path | None = None, langs=None, article: str | None = None, as_json: bool = False, **_ignored) -> int:
    cfg = load_config(root)
    data = collect(cfg, langs, article)
    if as_json:
        out_console.print_json(json.dumps(data, ensure_ascii=False))
        return 0
    from rich.table import Table

    table = Table(title="Translation status (share of words)")
    for col in ("language", "article", "reviewed", "machine", "stale", "outdated draft", "untranslated",
                "obsolete", "post-edit"):
        table.add_column(col, justify="left" if col in ("language", "article") else "right")
    for r in data["rows"]:
        s, c = r["word_share"], r["counts"]
        cells = [f"{s[k]:.0%} ({c[k]})" for k in ("reviewed", "machine", "stale", "machine-outdated", "untranslated")]
        pe = "—" if r["post_edit_distance"] is None else f"{r['post_edit_distance']:.0%} of {r['post_edited']}"
        table.add_row(f"{r['language']} ({r['lang']})", r["article"], *cells, str(r["obsolete"]), pe)
    out_console.print(table)
    out_console.print("What each state publishes:\n" + "\n".join(data["policy"]), markup=False)
    for p in data["problems"]:
        err_console.print(f"{p['file']}: {p['severity']} {p['code']}: {p['message']}\n  hint: {p['hint']}", markup=False)
    return 0
