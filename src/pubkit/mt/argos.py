"""The Argos engine: installed Argos packages run directly on CTranslate2, whole document at once.

Why not ``argostranslate.translate``: it imports torch and stanza, splits sentences with
models that download at first use, and sends about one sentence per batch. Here every
pending sentence of a language is translated in one run, in batches of sentences of similar
length (int8, threads tuned to the machine, see plan_batches), with Argos's own decoding
settings (beam 4, length penalty 0.2), so the drafts are what Argos would produce, only faster
and fully offline.
"""

from __future__ import annotations

import ctypes
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Location, UnavailableError
from . import packages as pk
from . import tags as tg
from .base import Draft, Progress

BEAM_SIZE = 4  # argostranslate's defaults: they shape the output, keep them
LENGTH_PENALTY = 0.2
# Sentences per batch (at least, at most): as large as the run allows while every translator still
# gets ROUNDS batches, so that the shorter last batches even out the threads. Measured on 2 cores
# (bench/README.md, "Translation"): for the 108-sentence article 16 a batch was the fastest direct
# setting (larger batches left one thread idle at the end), for 337 sentences of 14 articles 24-32
# (fuller matrix products per decoding step, 4% less CPU than 16); no fixed size was best for both.
CPU_BATCH = (16, 32)
CUDA_BATCH = (256, 256)
ROUNDS = 4
# A run of at least this many sentences measures, on its own first sentences, which CPU thread plan
# is faster here and now (see ArgosEngine._probe); smaller runs keep thread_plan's choice. The probe
# costs a second model load (about 1.2 CPU seconds for a transformer-base model: 25% of translating
# the 108-sentence article, bench/README.md), so it pays only on long runs.
PROBE_MIN = 400
PROBE_SENTENCES = 12
DEVICES = ("cpu", "cuda", "auto")
CUDA_LIBS = ("libcublas.so.12", "libcublasLt.so.12")


def plan_batches(lengths: Sequence[int], sizes: tuple[int, int], parallel: int) -> list[list[int]]:
    """The batches of one translation run, as positions into ``lengths`` (token counts), in the
    order they are handed out (see run_batches).

    Invariants (tested as properties): every position is in exactly one batch; positions run from
    the longest sentence to the shortest (stable for equal lengths), so a batch holds similar lengths
    and little padding, and the longest batches start first while short ones even out the threads at
    the end; batches hold ``size`` sentences (the last one fewer), where ``size`` is
    ``ceil(n / (parallel * ROUNDS))`` kept within ``sizes`` (at least, at most), and never more than
    ``ceil(n / parallel)``; there are at least ``min(n, parallel)`` batches, so each of the
    ``parallel`` translators gets work even for a handful of sentences.

    This is how CTranslate2 cuts one ``translate_batch`` call with ``max_batch_size=size`` (sorted
    from the longest), except for the order of equal lengths, which CTranslate2's sort does not
    keep: a sentence at a batch boundary may have other neighbours than in the direct call, and
    where the model's choice is a near tie that can change its output (1 of 337 sentences in
    bench/README.md, as between two direct settings).
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    n, parallel = len(order), max(1, parallel)
    smallest, largest = sizes
    size = min(largest, max(smallest, math.ceil(n / (parallel * ROUNDS))), math.ceil(n / parallel))
    size = max(1, size)
    if math.ceil(n / size) >= min(n, parallel):
        return [order[k:k + size] for k in range(0, n, size)]
    count = min(n, parallel)  # 4 sentences, 3 translators: 2 + 1 + 1, not 2 + 2
    cut = [n // count + (k < n % count) for k in range(count)]
    starts = [sum(cut[:k]) for k in range(count)]
    return [order[a:a + b] for a, b in zip(starts, cut, strict=True)]


def run_batches(submit: Callable[[list[int]], Sequence[Any]], batches: list[list[int]],
                collect: Callable[[int, Any], None], report: Callable[[int], None], done: int,
                parallel: int) -> None:
    """Translate ``batches`` with ``parallel`` batches in flight: ``submit(batch)`` hands one batch to
    the translators and returns CTranslate2's asynchronous results for its positions;
    ``collect(position, result)`` is called for each sentence and ``report(done)`` after each batch
    (``done`` counts on from the given number), in the main thread.

    One waiter thread per parallel translator submits a batch, blocks on its results (CTranslate2
    releases the GIL meanwhile) and hands over the next batch the moment it is done; the main
    thread sleeps on a queue. Polling the results every 10 ms instead took 38 ms of CPU from the
    two translators for the 108-sentence article on 2 cores (bench/README.md).
    Batches are taken in order, longest first, which evens out the threads at the end.

    Ctrl-C (or an error) stops the waiters from taking more batches: the command exits once the
    batches in flight are done, where submitting everything at once made it wait for all of them.
    """
    if not batches:
        return
    finished: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()
    take = iter(batches)
    lock = threading.Lock()

    def waiter() -> None:
        try:
            while not stop.is_set():
                with lock:
                    batch = next(take, None)
                if batch is None:
                    return
                values = [r.result() for r in submit(batch)]
                finished.put((batch, values, None))
        except BaseException as err:  # noqa: BLE001 - handed to the main thread, raised there
            finished.put((None, None, err))

    threads = [threading.Thread(target=waiter, name=f"pubkit-translate-{k}")
               for k in range(max(1, min(parallel, len(batches))))]
    for t in threads:
        t.start()
    try:
        for _ in batches:
            batch, values, err = finished.get()
            if err is not None:
                raise err
            for i, value in zip(batch, values, strict=True):
                collect(i, value)
            done += len(batch)
            report(done)
    finally:
        stop.set()
    for t in threads:
        t.join()


def drafts_of(prepared: Sequence[tg.Prepared], out: Sequence[str], logprob: Sequence[float],
              ntok: Sequence[int], credit: tuple[str, str, str], *, scale: int = 1) -> list[Draft]:
    """One draft per prepared text from its sentences' outputs (in order): the text with its tags
    restored, scored by the mean log-probability per output token of its sentences (times
    ``scale``, the steps of a pivot route), never above 0. ``credit``: engine, model, version."""
    drafts, i = [], 0
    for prep in prepared:
        n = len(prep.sentences)
        text_lp, text_nt = sum(logprob[i:i + n]), sum(ntok[i:i + n])
        text = tg.restore(prep, list(out[i:i + n]))
        i += n
        score = round(text_lp / text_nt * scale, 4) if text_nt else 0.0
        drafts.append(Draft(text, min(score, 0.0), *credit))
    return drafts


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def thread_plan(threads: int = 0) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for ``threads`` cores (0: all).

    On a few cores, batches in parallel with one thread each beat one batch on all
    cores (measured 1.5x on 2 cores); on more cores, 2 threads per batch.
    """
    cores = threads if threads and threads > 0 else cpu_count()
    if cores <= 4:
        return cores, 1
    return cores // 2, 2


def pip_cublas_dirs() -> list[Path]:
    """Folders holding CUDA 12 cuBLAS from the ``nvidia-cublas-cu12`` wheel (pubkit's ``gpu`` extra):
    ``site-packages/nvidia/cublas/lib``, wherever ``nvidia.cublas`` is importable from."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("nvidia.cublas")
    except (ImportError, ValueError):
        return []
    found = [Path(p) / "lib" for p in (spec.submodule_search_locations or [])] if spec else []
    return [d for d in found if d.is_dir()]


def load_cublas() -> str | None:
    """Make CUDA 12 cuBLAS loadable by CTranslate2; None when done, else what is missing.

    The system's libraries first; else the wheel's, loaded by full path with RTLD_GLOBAL, so that
    CTranslate2's own ``dlopen("libcublas.so.12")`` finds them already loaded (the dynamic loader
    matches the SONAME): no LD_LIBRARY_PATH, no symlinks. Lt first: libcublas needs it.
    """
    missing = []
    for lib in reversed(CUDA_LIBS):
        try:
            ctypes.CDLL(lib, mode=ctypes.RTLD_GLOBAL)
            continue
        except OSError:
            pass
        for folder in pip_cublas_dirs():
            try:
                ctypes.CDLL(str(folder / lib), mode=ctypes.RTLD_GLOBAL)
                break
            except OSError:
                continue
        else:
            missing.append(lib)
    return " and ".join(reversed(missing)) or None


def check_cuda() -> str | None:
    """None when CUDA can run CTranslate2 here, else what is missing (in words)."""
    import ctranslate2

    try:
        count = ctranslate2.get_cuda_device_count()
    except Exception as err:  # noqa: BLE001 - the wheel reports driver trouble in many ways
        return f"CTranslate2 cannot query CUDA ({err})"
    if count < 1:
        return "no CUDA device (GPU and NVIDIA driver) is visible to CTranslate2"
    missing = load_cublas()
    if missing:
        return (f"{missing} (CUDA 12 cuBLAS, which ctranslate2 {ctranslate2.__version__} is built against) "
                "cannot be loaded")
    return None


def resolve_device(device: str) -> tuple[str, str]:
    """``(device, note)``: validates ``cpu|cuda|auto``; cuda raises when unusable, auto falls back."""
    if device not in DEVICES:
        raise InputError(f"unknown device '{device}'", hint="use --device cpu, cuda or auto")
    if device == "cpu":
        return "cpu", ""
    problem = check_cuda()
    if problem is None:
        return "cuda", ""
    if device == "auto":
        return "cpu", f"CUDA not used: {problem}; translating on the CPU"
    raise UnavailableError(
        f"--device cuda cannot be used: {problem}",
        hint=("install CUDA 12's cuBLAS: `pip install 'pubkit-press[gpu]'` (the nvidia-cublas-cu12 wheel, "
              "found without LD_LIBRARY_PATH), or use --device cpu (or auto)") if "cuBLAS" in problem
        else "use --device cpu (or auto, which falls back to the CPU)",
    )


@dataclass
class _Step:
    """One package loaded: tokenizer and CTranslate2 translator."""

    package: pk.Package
    sp: Any  # sentencepiece.SentencePieceProcessor
    translator: Any  # ctranslate2.Translator
    prefix: str
    plan: tuple[int, int]  # (inter_threads, intra_threads) of the translator


class ArgosEngine:
    """Translates unit texts with one package, or two chained through English (pivot)."""

    def __init__(self, route: list[pk.Package], *, device: str = "cpu", threads: int = 0):
        import ctranslate2
        import sentencepiece as spm

        self.source, self.target = route[0].from_code, route[-1].to_code
        self.device, self.note = resolve_device(device)
        self.inter, self.intra = (1, 1) if self.device == "cuda" else thread_plan(threads)
        supported = ctranslate2.get_supported_compute_types(self.device)
        want = "float16" if self.device == "cuda" else "int8"
        self.compute_type = want if want in supported else "auto"
        self.batch_sizes = CUDA_BATCH if self.device == "cuda" else CPU_BATCH
        self.packages = route
        self.engine_name = f"argos/ctranslate2 {ctranslate2.__version__}"
        self.model_name = "+".join(p.name for p in route)
        self.model_version = "+".join(p.version for p in route)
        self._steps = []
        for pkg in route:
            try:
                sp = spm.SentencePieceProcessor(model_file=str(pkg.path / "sentencepiece.model"))
                tr = self._load(pkg, self.inter, self.intra)
            except (RuntimeError, OSError, ValueError) as err:
                if self.device == "cuda":
                    raise UnavailableError(f"CUDA failed to load the model: {err}",
                                           hint="use --device cpu") from None
                raise InputError(f"the model cannot be loaded: {err}", location=Location(pkg.path),
                                 hint=f"reinstall it: invoke models.install --pair {pkg.pair}") from None
            self._steps.append(_Step(pkg, sp, tr, pkg.target_prefix, (self.inter, self.intra)))
        cores = self.inter * self.intra
        # (inter, intra) candidates: batches in parallel, or one batch on every core
        self._plans = [(self.inter, self.intra), (1, cores)] if self.device == "cpu" and cores > 1 else []
        self.probe: dict[str, Any] | None = None

    def _load(self, pkg: pk.Package, inter: int, intra: int) -> Any:
        import ctranslate2

        return ctranslate2.Translator(str(pkg.path / "model"), device=self.device,
                                      compute_type=self.compute_type, inter_threads=inter,
                                      intra_threads=intra)

    # ------------------------------------------------------------------ public

    def translate(self, texts: Sequence[str], *, progress: Progress | None = None) -> list[Draft]:
        """One draft per text, same order: all sentences of all texts in one batch per package."""
        prepared = [tg.prepare(t) for t in texts]
        sentences = [s for p in prepared for s in p.sentences]
        total = len(sentences) * len(self._steps)
        logprob = [0.0] * len(sentences)
        ntok = [0] * len(sentences)
        current = sentences
        for k, step in enumerate(self._steps):
            def report(done: int, k: int = k) -> None:
                if progress:
                    progress(k * len(sentences) + done, total)
            current, lp, nt = self._run(step, current, report)
            logprob = [a + b for a, b in zip(logprob, lp, strict=True)]
            ntok = [a + b for a, b in zip(ntok, nt, strict=True)]
        drafts = drafts_of(prepared, current, logprob, ntok, (self.engine_name, self.model_name,
                                                              self.model_version), scale=len(self._steps))
        if progress and not total:
            progress(0, 0)
        return drafts

    # ------------------------------------------------------------------ internals

    def _run(self, step: _Step, sentences: list[str], report) -> tuple[list[str], list[float], list[int]]:
        """Translate plain sentences; returns texts, summed log-probs and target token counts."""
        out = [""] * len(sentences)
        lps = [0.0] * len(sentences)
        nts = [0] * len(sentences)
        tokens = [step.sp.encode(s, out_type=str) for s in sentences]
        todo = [i for i, t in enumerate(tokens) if t]
        if not todo:
            report(len(sentences))
            return out, lps, nts

        def collect(i: int, result: Any) -> None:
            self._collect(step, result, i, out, lps, nts)

        if self._plans and self.probe is None and len(todo) >= PROBE_MIN:
            todo = self._probe(step, tokens, todo, collect)
            report(len(sentences) - len(todo))
        elif self._plans and step.plan != (self.inter, self.intra):  # pivot's second step: the chosen plan
            step.plan = (self.inter, self.intra)
            step.translator = self._load(step.package, *step.plan)
        try:
            self._translate(step, step.translator, tokens, todo, self.inter, collect, report,
                            len(sentences) - len(todo))
        except RuntimeError as err:
            if self.device == "cuda":
                raise UnavailableError(f"CUDA translation failed: {err}", hint="use --device cpu") from None
            raise
        return out, lps, nts

    def _translate(self, step: _Step, translator: Any, tokens: list[list[str]], positions: list[int],
                   parallel: int, collect: Callable[[int, Any], None], report: Callable[[int], None],
                   done: int) -> None:
        """Translate the sentences at ``positions`` (into ``tokens``) with ``translator`` and its
        ``parallel`` translators, in the batches of plan_batches, handed out by run_batches."""
        prefix = [[step.prefix]] if step.prefix else None

        def submit(batch: list[int]) -> Sequence[Any]:
            return translator.translate_batch(
                [tokens[i] for i in batch], target_prefix=prefix * len(batch) if prefix else None,
                asynchronous=True, beam_size=BEAM_SIZE, length_penalty=LENGTH_PENALTY, num_hypotheses=1,
                return_scores=True, replace_unknowns=True)

        batches = plan_batches([len(tokens[i]) for i in positions], self.batch_sizes, parallel)
        run_batches(submit, [[positions[j] for j in b] for b in batches], collect, report, done, parallel)

    def _probe(self, step: _Step, tokens: list[list[str]], todo: list[int],
               collect: Callable[[int, Any], None]) -> list[int]:
        """Translate the first sentences half with each thread plan, keep the faster; returns what is left.

        Which plan wins depends on the machine and its load, not only on the core count: on 2 quiet
        cores two batches in parallel (1 thread each) are 1.4x faster than one batch on both cores;
        on 2 cores shared with a dozen other processes one batch on both cores was 2.3x faster
        (bench/README.md). Both plans give the same output, so the probe's translations are kept:
        it costs one extra model load, no extra translation.
        """
        n = PROBE_SENTENCES
        timings = []
        for k, (inter, intra) in enumerate(self._plans):
            part = todo[k * n:(k + 1) * n]
            tr = step.translator if k == 0 else self._load(step.package, inter, intra)
            start = time.perf_counter()
            self._translate(step, tr, tokens, part, inter, collect, lambda done: None, 0)
            seconds = time.perf_counter() - start
            timings.append((seconds / max(1, sum(len(tokens[i]) for i in part)), inter, intra, tr))
        best = min(timings, key=lambda t: t[0])
        self.inter, self.intra = best[1], best[2]
        step.translator, step.plan = best[3], (best[1], best[2])
        self.probe = {"plans": [{"inter": t[1], "intra": t[2], "ms_per_token": round(t[0] * 1000, 3)}
                                for t in timings], "chosen": {"inter": best[1], "intra": best[2]}}
        return todo[len(self._plans) * n:]

    @staticmethod
    def _collect(step: _Step, result, i: int, out, lps, nts) -> None:
        hyp = list(result.hypotheses[0])
        if step.prefix and hyp[:1] == [step.prefix]:
            hyp = hyp[1:]  # strip the forced prefix per sentence (argos does it per paragraph)
        # sentencepiece's own decode: argos's joins pieces and turns every "_" into a space
        out[i] = step.sp.decode(hyp).strip() if hyp else ""
        length = len(result.hypotheses[0]) + 1  # + </s>
        # CTranslate2's score is the summed log-prob divided by length ** length_penalty
        lps[i] = float(result.scores[0]) * length ** LENGTH_PENALTY
        nts[i] = length


def load(cfg, source: str, target: str, *, device: str = "cpu", threads: int = 0) -> ArgosEngine:
    folder = pk.packages_dir(cfg)
    chain = pk.route(folder, source, target)
    if not chain:
        raise pk.missing_error(source, target, folder)
    engine = ArgosEngine(chain, device=device, threads=threads)
    from ..ui import info

    dups = pk.duplicates(folder)
    for pkg in chain:
        if pkg.pair in dups:
            others = ", ".join(p.version for p in dups[pkg.pair][:-1])
            info(f"{pkg.pair}: using the newest installed version, {pkg.version} ({pkg.path.name}); also "
                 f"installed: {others} (`invoke models.remove --pair {pkg.pair} --keep-newest` removes them)")
    if engine.note:
        info(engine.note)
    return engine
