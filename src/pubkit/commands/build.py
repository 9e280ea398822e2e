"""`invoke build`: editions from the sources and translation files as they are."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ..config import load_config
from ..fsio import project_lock
from ..pipeline import ProgressFn, build
from ..ui import info
from .retire import tidy_dist


def check_options(cfg, langs=None, article: str | None = None, formats=None) -> None:
    """Unknown languages, articles and formats stop the run before anything is done, with
    the known ones listed (exit 66 for a language or article, 64 for a format)."""
    from ..pipeline import check_selection
    from ..project import load_articles

    check_selection(cfg, langs, formats)
    if article:
        load_articles(cfg, article)  # MissingError listing the known slugs


def tidy(cfg) -> None:
    """Editions of articles no longer in seeds/ out of dist/ (see :func:`retire.tidy_dist`), said."""
    for moved in tidy_dist(cfg):
        info(f"{moved.name}: its article is no longer in seeds/; moved out of dist/ to "
             f"{moved.parent.relative_to(cfg.root)}/")

# Up to this many files, each built file is named; above, a line every 10% (off a terminal).
NAME_EACH = 50


def run(root: Path, langs=None, article=None, formats=None, ray: str | bool | None = None,
        as_json: bool = False, **_) -> int:
    cfg = load_config(root)
    check_options(cfg, langs, article, formats)
    executor = None
    if ray:
        from ..scaleout import ray_build_executor

        executor = ray_build_executor(None if ray is True else str(ray))
    with project_lock(cfg.root, wait=30), progress_bar() as progress:
        tidy(cfg)
        report = build(cfg, langs, article, formats, progress=progress, executor=executor)
    summarize(report)
    if as_json:
        print_json(report_data(cfg, report))
    return 0


def report_data(cfg, report) -> dict:
    """``build --json`` (and ``publish --json``'s ``build``): files by project-relative path."""
    def shown(paths) -> list[str]:
        return sorted(str(p.relative_to(cfg.root)) for p in paths)

    return {"built": shown(report.built), "up_to_date": shown(report.up_to_date),
            "checksums": str((cfg.dist / "SHA256SUMS").relative_to(cfg.root)),
            "checksums_rewritten": bool(report.checksums_rewritten)}


def print_json(data) -> None:
    import json

    from ..ui import out_console

    out_console.print_json(json.dumps(data, ensure_ascii=False))


@contextlib.contextmanager
def progress_bar(what: str = "building editions") -> Iterator[ProgressFn]:
    """One bar over the whole run (files done, files left, time left) on a terminal;
    elsewhere a line per file for small runs and every 10% for large ones."""
    from ..ui import err_console, progress_enabled

    if not progress_enabled():
        state = {"step": 0}

        def lines(done: int, total: int, out: Path) -> None:
            if total <= NAME_EACH:
                info(f"built {out.parent.name}/{out.name}")
            elif done * 10 // total > state["step"] or done == total:
                state["step"] = done * 10 // total
                info(f"built {done} of {total} edition files ({total - done} left)")

        yield lines
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[left]} left"), TimeRemainingColumn(),
                  console=err_console, transient=False) as bar:
        task = None

        def update(done: int, total: int, out: Path) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task(what, total=total, left=total)
            bar.update(task, completed=done, left=total - done, description=f"{what}: {out.name}")

        yield update


def summarize(report) -> None:
    note = "; dist/SHA256SUMS corrected" if report.checksums_rewritten and not report.built else ""
    if report.built:
        info(f"{len(report.built)} edition file(s) built, {len(report.up_to_date)} up to date; "
             "checksums in dist/SHA256SUMS")
    else:
        info(f"all {len(report.up_to_date)} edition file(s) up to date{note}")
