"""Golden merge cases: old.po + new source → expected.po, files a person can read.

Each case folder holds ``old.po``, ``new-source.txt`` (one paragraph per line, first line
the title) and ``expected.po``. ``PUBKIT_REGEN_GOLDEN=1`` rewrites expected.po; review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pubkit.catalog import dumps, load, merge, template
from pubkit.catalog.memory import Memory

from ..conftest import golden
from .helpers import doc

CASES = Path(__file__).parent / "golden"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_merge_golden(case):
    folder = CASES / case
    lines = [ln for ln in (folder / "new-source.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    old = load(folder / "old.po").po
    merged, _ = merge(old, template(doc(*lines[1:], title=lines[0])), Memory())
    text = dumps(merged)
    golden(folder / "expected.po", text)
    again, _ = merge(merged, template(doc(*lines[1:], title=lines[0])), Memory())
    assert dumps(again) == text, "a second merge must change nothing"
