"""The checkout's front door for `invoke`: the tasks are pubkit's own (src/pubkit/tasks.py).

Installed users run the same tasks as `pubkit TASK` (the console script, :mod:`pubkit.cli`).
Here `src/` goes first on the path, so a checkout runs its own code even before `pip install -e .`,
and the checkout is the project.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from pubkit import tasks as _tasks  # noqa: E402 - after the path is set

_tasks.ROOT = ROOT
ns = _tasks.ns
