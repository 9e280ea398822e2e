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


def run(root: Path | None = None, article: str | None = None, **_ignored) -> int:
    cfg = load_config(root)
    for i, doc in enumerate(load_articles(cfg, article)):
        if i:
            out_console.print("", markup=False)
        out_console.print(f"== {doc.meta.source_file}", markup=False, highlight=False)
        out_console.print(outline(doc), markup=False, highlight=False, end="", soft_wrap=True)
    return 0
