"""Rendering work off the main process: one task per (article, language), a bounded pool.

Why: a whole project is one job graph (every stale edition of every article and language),
and rendering is CPU-bound (WeasyPrint uses one core), so the work goes to a process pool
sized to the cores. Workers import the renderers once and render many editions; each task
returns the edition files' *bytes*: only the main process, which holds the project lock,
writes into ``dist/`` (the same contract as the Ray executor, :mod:`pubkit.scaleout`).

Process lifetime: workers are *spawned* (a fresh interpreter, no inherited descriptors,
so never the lock's), stay in the parent's process group (``kill -- -PGID`` reaches them),
and ask the kernel to kill them when their parent dies (``PR_SET_PDEATHSIG``): killing
only the main process of ``invoke build`` leaves no worker behind. They ignore Ctrl-C,
which the main process handles.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .errors import UnavailableError

PR_SET_PDEATHSIG = 1
# A worker is replaced after this many tasks (article × language), so that whatever the
# renderers cache cannot grow without bound over an archive (measured: bench/README.md).
MAX_TASKS_PER_CHILD = 100


@dataclass(frozen=True)
class Task:
    """Render ``formats`` of the article at ``source`` in ``lang`` (one localization)."""

    source: str  # path of the article file
    slug: str
    lang: str
    formats: tuple[str, ...]


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux; elsewhere a no-op).

    Checked against ``parent`` afterwards: a parent that died before the call is noticed.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _worker_init(parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # import once, render many: the renderers' heavy imports happen here, not per task
    import importlib

    for module in ("pubkit.localize", "pubkit.render.epub", "pubkit.render.pdf"):
        importlib.import_module(module)


_configs: dict[str, object] = {}


def render_task(root: str, task: Task, scratch: str | None = None) -> dict[str, bytes]:
    """Worker: read the article (and its local images), localize it once, render each format;
    the files' bytes.

    ``scratch``: where the renderers' temporary files go (``.pubkit/tmp/`` locally: inside the
    project, never in ``dist/``; None: the system's temporary folder, on a Ray node).
    """
    import tempfile

    from .config import load_config
    from .images import image_blocks, load_images
    from .localize import localize
    from .readers import read_article
    from .readers.source import display_path
    from .render import render_edition

    cfg = _configs.get(root)
    if cfg is None:
        cfg = _configs[root] = load_config(Path(root))
    doc = read_article(Path(task.source), cfg.root)  # type: ignore[attr-defined]
    edition = localize(cfg, doc, task.lang)  # type: ignore[arg-type]
    if any(True for _ in image_blocks(doc)):  # the article's local images, checked and read once
        shown = display_path(Path(task.source), cfg.root)  # type: ignore[attr-defined]
        images = load_images(cfg.root, Path(task.source), doc, shown)  # type: ignore[attr-defined]
        edition = dataclasses.replace(edition, images=images)
    out: dict[str, bytes] = {}
    for fmt in task.formats:
        fd, tmp = tempfile.mkstemp(prefix=f".{task.slug}.{task.lang}.", suffix=f".{fmt}.part", dir=scratch)
        os.close(fd)
        try:
            render_edition(fmt, edition, cfg, Path(tmp))  # type: ignore[arg-type]
            out[fmt] = Path(tmp).read_bytes()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return out


Result = tuple[Task, dict[str, bytes]]


def run_local(root: Path, tasks: Iterable[Task], *, workers: int, scratch: Path) -> Iterator[Result]:
    """Render ``tasks``; yields (task, bytes per format) as they finish, in any order.

    ``workers <= 1`` renders in this process. Otherwise a spawned pool of ``workers``
    processes with at most two tasks per worker in flight, each worker replaced after
    :data:`MAX_TASKS_PER_CHILD` tasks, so memory stays bounded however large the project. A worker
    that dies (killed, out of memory) stops the run with :class:`UnavailableError`; results
    already yielded stay valid.
    """
    todo = list(tasks)
    if workers <= 1 or len(todo) <= 1:
        for t in todo:
            yield t, render_task(str(root), t, str(scratch))
        return
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                               initargs=(os.getpid(),), max_tasks_per_child=MAX_TASKS_PER_CHILD)
    pending: dict[Future, Task] = {}
    it = iter(todo)
    finished = False
    try:
        while True:
            while len(pending) < 2 * workers:
                nxt = next(it, None)
                if nxt is None:
                    break
                with _interrupt_after():  # submitting may start a worker
                    pending[pool.submit(render_task, str(root), nxt, str(scratch))] = nxt
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                t = pending.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    raise UnavailableError(
                        "a render worker stopped unexpectedly (killed or out of memory)",
                        hint="editions finished so far are complete and kept; run the command again",
                    ) from None
                yield t, result
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # an error or Ctrl-C: stop the workers now rather than after their current task
            procs = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in procs:
                with contextlib.suppress(Exception):
                    proc.kill()


@contextlib.contextmanager
def _interrupt_after() -> Iterator[None]:
    """Hold a Ctrl-C until the block is done. A worker interrupted half-way through being started
    reads a truncated start-up message and prints a traceback that no kill can prevent (it is not
    yet one of the pool's processes); held here, Ctrl-C arrives once it is a process the clean-up
    below kills."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def default_workers(n_tasks: int) -> int:
    """One worker per core the process may use, never more than there are tasks."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_tasks))


Progress = Callable[[int, int], None]
