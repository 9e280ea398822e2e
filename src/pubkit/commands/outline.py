"""`invoke outline`: the structure of each article as the reader understood it.

Why: a reader guesses where a pasted text has no markup (is this short line a subtitle or
a heading?); an editor sees every guess here, with the sidecar or front-matter key that
settles it, before anything is translated or published.
"""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..outline import outline
from ..project import load_articles
from ..ui import out_console


def as_data(doc) -> dict:
    """One article's outline for ``--json``: {file, slug, outline (the text's lines), guesses}."""
    return {
        "file": str(doc.meta.source_file),
        "slug": doc.meta.slug,
        "outline": outline(doc).splitlines(),
        "guesses": [{"line": g.line, "chosen": g.chosen, "alternatives": list(g.alternatives),
                     "reason": g.reason, "settle": g.settle, "settled": g.settled} for g in doc.guesses],
    }


def run(root: Path | None = None, article: str | None = None, as_json: bool = False, **_ignored) -> int:
    cfg = load_config(root)
    if as_json:
        import json

        data = [as_data(doc) for doc in load_articles(cfg, article)]
        out_console.print_json(json.dumps(data, ensure_ascii=False))
        return 0
    for i, doc in enumerate(load_articles(cfg, article)):
        if i:
            out_console.print("", markup=False)
        out_console.print(f"== {doc.meta.source_file}", markup=False, highlight=False)
        out_console.print(outline(doc), markup=False, highlight=False, end="", soft_wrap=True)
    return 0
