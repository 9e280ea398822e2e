"""Scale-out on Ray (``pip install pubkit-press[ray]``): edition rendering as Ray tasks and
machine translation on model-holding Ray actors.

The machine that runs the command owns ``translations/`` and ``dist/``: it holds the
project lock, reads the inputs, sends them to the cluster as data, gets drafts and edition
bytes back and alone writes files, each atomically, exactly as the local pool does
(:mod:`pubkit.jobs`). A task that dies with its worker is retried by Ray
(``max_retries``); a run that cannot finish fails with :class:`UnavailableError`, with
every file written so far complete and nothing half-written.

- Code: the ``pubkit`` package the main process imported is shipped to the workers
  (``runtime_env`` ``py_modules``), so every node renders with the same code.
- Rendering: the project's shared inputs (``pubkit.toml``, ``templates/``, the glossary)
  go to the object store once; each task carries its article, sidecar and PO file, and a
  worker unpacks them into a private scratch project (the same relative layout, so the
  editions are byte-identical to a local build) and renders with :func:`jobs.render_task`.
- Translation: per language, one actor per CPU of the cluster (or per GPU with
  ``device="cuda"``) loads the model once (the models must be installed on every node, in
  the folder ``ARGOS_PACKAGES_DIR`` names, as locally); each chunk of passages is split
  among the actors and the drafts come back in order.

``address=None`` starts a local cluster (``num_cpus`` = :data:`LOCAL_CPUS`); otherwise it is
passed to ``ray.init`` (``auto``, ``ray://head:10001``, ``head:6379``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import MissingError, UnavailableError
from .jobs import Result, Task

LOCAL_CPUS = 2
RETRIES = 2


def _ray():
    try:
        import ray
    except ImportError:
        raise MissingError("Ray is not installed", hint="pip install 'pubkit-press[ray]'") from None
    return ray


def connect(address: str | None = None):
    """ray.init once per process: the cluster at ``address``, else a local one."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    kwargs = dict(log_to_driver=False, include_dashboard=False, configure_logging=False)
    import pubkit

    # the workers run this very pubkit (shipped as a module: same code, same editions)
    env = {"env_vars": {k: os.environ[k] for k in ("ARGOS_PACKAGES_DIR", "SOURCE_DATE_EPOCH")
                        if k in os.environ},
           "py_modules": [pubkit]}
    try:
        if address:
            ray.init(address=address, runtime_env=env, **kwargs)
        else:
            ray.init(num_cpus=LOCAL_CPUS, runtime_env=env, **kwargs)
    except Exception as err:  # noqa: BLE001 - Ray raises a bare Exception when a node times out starting
        first = next((line.strip() for line in str(err).splitlines() if line.strip()), type(err).__name__)
        raise UnavailableError(f"cannot start or reach the Ray cluster: {first[:300]}",
                               hint="check the address (ray status on the head node); on a busy machine, "
                                    "run the command again") from None
    return ray


# -- rendering --------------------------------------------------------------------------

def _shared_files(root: Path) -> dict[str, bytes]:
    """The inputs every edition needs, by path relative to the project root."""
    from .config import load_config

    cfg = load_config(root)
    files = {"pubkit.toml": (root / "pubkit.toml").read_bytes()}
    # the project's own templates; the packaged ones travel with pubkit's code (py_modules)
    own = cfg.templates.resolve().is_relative_to(root.resolve())
    for p in sorted(cfg.templates.rglob("*")) if own else ():
        if p.is_file() and "__pycache__" not in p.parts:
            files[str(p.resolve().relative_to(root.resolve()))] = p.read_bytes()
    glossary = cfg.translations / "glossary.csv"
    if glossary.is_file():
        files[str(glossary.relative_to(root))] = glossary.read_bytes()
    return files


def _task_files(root: Path, task: Task) -> dict[str, bytes]:
    from .catalog.store import po_path
    from .config import load_config
    from .readers.source import SIDECAR_SUFFIX

    cfg = load_config(root)
    src = Path(task.source)
    files = {str(src.relative_to(root)): src.read_bytes()}
    side = src.with_suffix(SIDECAR_SUFFIX)
    if side.is_file():
        files[str(side.relative_to(root))] = side.read_bytes()
    if task.lang != cfg.source_lang:
        po = po_path(cfg, task.lang, task.slug)
        if po.is_file():
            files[str(po.relative_to(root))] = po.read_bytes()
    files.update(_image_files(root, src))
    return files


def _image_files(root: Path, src: Path) -> dict[str, bytes]:
    """The article's local images (checked here: a refused one stops the run with its file:line)."""
    import os

    from .images import image_blocks, load_images, local_path
    from .readers import read_article
    from .readers.source import display_path

    doc = read_article(src, root)
    if not any(True for _ in image_blocks(doc)):
        return {}
    out: dict[str, bytes] = {}
    for image in load_images(root, src, doc, display_path(src, root)):
        rel = os.path.relpath(os.path.normpath(src.parent / local_path(image.src)), root)
        out[rel] = image.data
    return out


_unpacked: dict[str, Path] = {}


def _scratch_project(shared: dict[str, bytes], key: str) -> Path:
    """A private project folder on this worker holding ``shared`` (once per worker process)."""
    root = _unpacked.get(key)
    if root is None:
        root = Path(tempfile.mkdtemp(prefix=f"pubkit-{key[:12]}-"))
        for rel, data in shared.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        _unpacked[key] = root
    return root


def render_remote(shared: dict[str, bytes], key: str, files: dict[str, bytes],
                  task: Task) -> dict[str, bytes]:
    """Ray task body: unpack the article's inputs beside the shared ones and render."""
    import shutil

    from .jobs import render_task

    base = _scratch_project(shared, key)
    work = Path(tempfile.mkdtemp(prefix="job-", dir=base))
    try:
        for rel in shared:  # the shared inputs, linked (not copied) into this job's project
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(base / rel, work / rel)
        for rel, data in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_bytes(data)
        source = work / next(r for r in files if Path(r).stem == Path(task.source).stem
                             and Path(r).suffix == Path(task.source).suffix)
        local = Task(str(source), task.slug, task.lang, task.formats)
        return render_task(str(work), local, None)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ray_build_executor(address: str | None = None):
    """An executor for :func:`pubkit.pipeline.build` that renders on Ray."""

    def run(root: Path, tasks: list[Task], workers: int, scratch: Path) -> Iterator[Result]:
        ray = connect(address)
        with cluster_failures(ray):
            yield from _run(ray, root, tasks)

    def _run(ray, root: Path, tasks: list[Task]) -> Iterator[Result]:
        shared = _shared_files(root)
        key = hashlib.sha256(b"".join(k.encode() + b"\0" + v for k, v in sorted(shared.items()))).hexdigest()
        shared_ref = ray.put(shared)
        remote = ray.remote(max_retries=RETRIES, num_cpus=1)(render_remote)
        window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
        pending: dict = {}
        it = iter(tasks)
        try:
            while True:
                while len(pending) < window:
                    t = next(it, None)
                    if t is None:
                        break
                    pending[remote.remote(shared_ref, key, _task_files(root, t), t)] = t
                if not pending:
                    break
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    t = pending.pop(ref)
                    yield t, _get(ray, ref)
        finally:
            for ref in pending:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)

    return run


def _get(ray, ref):
    from .errors import PubkitError

    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as err:
        cause = getattr(err, "cause", None)
        if isinstance(cause, PubkitError):
            raise cause from None
        if isinstance(cause, ray.exceptions.RayError):  # the task died with the cluster, not of a bug
            raise cause from None
        raise


@contextlib.contextmanager
def cluster_failures(ray) -> Iterator[None]:
    """Any failure of the cluster itself (a lost node, a missed heartbeat, a dead worker or actor,
    a lost object, the raylet gone) as :class:`UnavailableError` (exit 69) with Ray's first line;
    a task's own PubkitError passes as it is, and an error in pubkit's code stays a traceback."""
    try:
        yield
    except ray.exceptions.RayTaskError as err:
        cause = getattr(err, "cause", None)
        if isinstance(cause, ray.exceptions.RayError) and not isinstance(cause, ray.exceptions.RayTaskError):
            raise _lost(cause) from None
        raise
    except ray.exceptions.RayError as err:
        raise _lost(err) from None


def _lost(err: BaseException) -> UnavailableError:
    first = next((line.strip() for line in str(err).splitlines() if line.strip()), "")
    return UnavailableError(
        f"the Ray cluster failed: {type(err).__name__}" + (f" ({first[:200]})" if first else ""),
        hint="files written so far are complete; check the cluster (`ray status`) and run the command again",
    )


# -- translation ------------------------------------------------------------------------

class _Translator:
    """Ray actor body: one engine (one model load) for a language pair, many batches."""

    def __init__(self, root: str, source: str, target: str, device: str, models: str):
        from .config import load_config
        from .mt import load_engine

        os.environ["ARGOS_PACKAGES_DIR"] = models  # the same folder as on the main machine
        # on another node the project need not exist: the models folder is all the engine needs
        cfg = load_config(Path(root)) if Path(root, "pubkit.toml").is_file() else None
        self.engine = load_engine(cfg, source, target, device=device, threads=1)

    def translate(self, texts: list[str]):
        return self.engine.translate(texts)


class RayEngine:
    """The :class:`pubkit.mt.base.Engine` protocol over a pool of model-holding actors."""

    def __init__(self, ray, actors: list, source: str, target: str):
        self.ray, self.actors, self.source, self.target = ray, actors, source, target

    def translate(self, texts: Sequence[str], *, progress=None):
        texts = list(texts)
        if not texts:
            return []
        n = len(self.actors)
        size = -(-len(texts) // n)
        parts = [texts[i:i + size] for i in range(0, len(texts), size)]
        try:
            with cluster_failures(self.ray):
                refs = [a.translate.remote(part) for a, part in zip(self.actors, parts, strict=False)]
                results = [_get(self.ray, ref) for ref in refs]
        except UnavailableError as err:
            raise UnavailableError(f"{err.message} while translating", hint="drafts of the articles "
                                   "already saved are kept; run the command again") from None
        out = [d for part in results for d in part]
        if progress is not None:
            progress(len(out), len(texts))
        return out

    def close(self) -> None:
        for a in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(a)


def ray_engine_factory(address: str | None = None, device: str = "cpu", actors: int | None = None):
    """An ``engine_factory`` for :func:`pubkit.commands.translate.translate_catalogs`.

    The model is checked here first (a clear MissingError, no cluster work); engines of
    earlier languages are released when the next language starts."""
    made: list[RayEngine] = []

    def make(cfg, source: str, target: str) -> RayEngine:
        from .mt import packages as pk

        folder = pk.packages_dir(cfg)
        if not pk.route(folder, source, target):
            raise pk.missing_error(source, target, folder)
        for e in made:
            e.close()
        made.clear()
        ray = connect(address)
        resource = "GPU" if device == "cuda" else "CPU"
        n = actors or max(1, int(ray.cluster_resources().get(resource, 1)))
        cls = ray.remote(num_gpus=1 if device == "cuda" else 0, num_cpus=0 if device == "cuda" else 1,
                         max_restarts=0)(_Translator)
        pool = [cls.remote(str(cfg.root), source, target, device, str(folder)) for _ in range(n)]
        engine = RayEngine(ray, pool, source, target)
        made.append(engine)
        return engine

    def close() -> None:
        for e in made:
            e.close()

    make.close = close  # type: ignore[attr-defined]
    return make
