"""The translate progress bar knows its total (passages) before the first draft comes back."""

from __future__ import annotations

from pubkit.commands.translate import translate_catalogs
from pubkit.config import load_config
from pubkit.fsio import project_lock

from .helpers import FakeEngine


def test_progress_reports_the_total_from_the_start(project):
    for po in (project / "translations" / "ru").glob("*.po"):
        po.unlink()  # everything untranslated: many passages, several chunks
    cfg = load_config(project)
    calls: list[tuple[int, int]] = []
    engine = FakeEngine()
    with project_lock(cfg.root):
        result = translate_catalogs(cfg, ["ru"], engine_factory=lambda c, s, t: engine, chunk_size=7,
                                    progress_for=lambda lang: lambda done, total: calls.append((done, total)))
    total = result.drafted["ru"]
    assert total > 14 and len(engine.calls) >= 3
    assert calls[0] == (0, total)  # before the engine's first chunk
    assert all(t == total for _, t in calls) and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
