"""The Argos/CTranslate2 engine on a tiny synthetic package: structure, tags, offline, determinism."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap

from pathlib import Path

import pytest

from pubkit.errors import InputError, MissingError, UnavailableError
from pubkit.mt import Draft, load_engine
from pubkit.mt import argos
from pubkit.segment import tags_in

TEXTS = [
    "The workers of Zhanaozen went on strike. Mr. Smith said the U.S. embassy was closed.",
    "Prices for <1>gas</1> doubled overnight, e.g. in <2>Mangystau</2>. Protests spread to Almaty.",
    "Run <1/> to see the decree. See No. 5 for details.",
    "",
    "<1/>",
    "A <1>nested <2>emphasis</2> here</1>.",
]


@pytest.fixture(scope="module")
def engine_ru(shared_packages, tmp_path_factory):
    from pubkit.config import load_config

    proj = tmp_path_factory.mktemp("cfg")
    from .conftest import ROOT

    toml = (ROOT / "pubkit.toml").read_text(encoding="utf-8")
    (proj / "pubkit.toml").write_text(toml + f'\n[models]\ndir = "{shared_packages}"\n', encoding="utf-8")
    cfg = load_config(proj)
    return cfg, load_engine(cfg, "en", "ru", threads=2)


def test_one_draft_per_text_with_provenance(engine_ru):
    _, engine = engine_ru
    drafts = engine.translate(TEXTS)
    assert len(drafts) == len(TEXTS)
    for text, draft in zip(TEXTS, drafts):
        assert isinstance(draft, Draft)
        assert draft.model == "translate-en_ru" and draft.version == "1.0"
        assert draft.engine.startswith("argos/ctranslate2 ")
        assert draft.score <= 0
        assert tags_in(draft.text) == tags_in(text)
        if text and text != "<1/>":
            assert draft.text.strip() and draft.score < 0
    assert drafts[3].text == "" and drafts[4].text == "<1/>"


def test_deterministic(engine_ru):
    _, engine = engine_ru
    assert engine.translate(TEXTS) == engine.translate(TEXTS)


def test_progress_reports_sentences(engine_ru):
    _, engine = engine_ru
    seen = []
    engine.translate(TEXTS, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] == 7  # sentences of TEXTS
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_offline_with_networking_blocked(engine_ru, monkeypatch):
    cfg, _ = engine_ru

    def refuse(*args, **kwargs):
        raise OSError("networking is blocked in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine = load_engine(cfg, "en", "ky")
    drafts = engine.translate(TEXTS[:3])
    assert all(d.text for d in drafts)


def test_pivot_through_english(engine_ru):
    cfg, _ = engine_ru
    engine = load_engine(cfg, "fr", "ru")
    drafts = engine.translate(["Ce texte est en <1>français</1>. Il est court."])
    assert drafts[0].model == "translate-fr_en+translate-en_ru" and drafts[0].version == "1.0+1.0"
    assert tags_in(drafts[0].text) == ["<1>", "</1>"]


def test_target_prefix_is_stripped_per_sentence(engine_ru):
    cfg, _ = engine_ru
    engine = load_engine(cfg, "en", "de")
    drafts = engine.translate(["One sentence here. Another one there. A third."])
    assert "__de__" not in drafts[0].text and "de" not in drafts[0].text.split()[:1]


def test_missing_pair(engine_ru):
    cfg, _ = engine_ru
    with pytest.raises(MissingError) as err:
        load_engine(cfg, "en", "kk")
    assert "en→kk" in err.value.message and "invoke models.install --pair en-kk" in err.value.hint


def test_cuda_unavailable_is_explained(engine_ru, monkeypatch):
    cfg, _ = engine_ru
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    with pytest.raises(UnavailableError, match="no CUDA device") as err:
        load_engine(cfg, "en", "ru", device="cuda")
    assert "--device cpu" in err.value.hint
    assert "cuBLAS" not in err.value.hint
    assert load_engine(cfg, "en", "ru", device="auto").device == "cpu"
    with pytest.raises(InputError, match="unknown device"):
        load_engine(cfg, "en", "ru", device="tpu")


def test_cublas_missing_is_named(monkeypatch):
    import ctypes

    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)

    def no_lib(name, *a, **k):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", no_lib)
    assert "libcublas.so.12" in argos.check_cuda()


def test_cublas_from_the_gpu_extra_is_found_without_ld_library_path(monkeypatch, tmp_path):
    """The nvidia-cublas-cu12 wheel's layout (site-packages/nvidia/cublas/lib): loaded by full path
    when the system has no CUDA 12 cuBLAS. Stand-ins are copies of a real shared library."""
    import ctypes
    import ctypes.util
    import shutil

    import ctranslate2

    libdir = tmp_path / "site" / "nvidia" / "cublas" / "lib"
    libdir.mkdir(parents=True)
    real = next(Path(d) / "libz.so.1" for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
                                                "/usr/lib64") if (Path(d) / "libz.so.1").exists())
    for name in argos.CUDA_LIBS:
        shutil.copy(real, libdir / name)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    loaded = []
    real_cdll = ctypes.CDLL

    def system_has_none(name, *a, **k):
        if "/" not in str(name) and str(name).startswith("libcublas"):
            raise OSError(f"{name}: cannot open shared object file")
        loaded.append(str(name))
        return real_cdll(name, *a, **k)

    monkeypatch.setattr(ctypes, "CDLL", system_has_none)
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    assert argos.pip_cublas_dirs() == [libdir]
    assert argos.check_cuda() is None
    assert loaded == [str(libdir / "libcublasLt.so.12"), str(libdir / "libcublas.so.12")]
    shutil.rmtree(libdir)
    assert "libcublas.so.12 and libcublasLt.so.12" in argos.check_cuda()


def test_thread_plan():
    assert argos.thread_plan(2) == (2, 1)
    assert argos.thread_plan(1) == (1, 1)
    assert argos.thread_plan(16) == (8, 2)


def test_no_torch_or_stanza_imported(shared_packages, tmp_path):
    """In a fresh interpreter: translating imports neither torch nor stanza (nor argostranslate.translate)."""
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from pubkit.mt import packages as pk
        from pubkit.mt.argos import ArgosEngine
        engine = ArgosEngine(pk.route(Path({str(shared_packages)!r}), "en", "ru"))
        engine.translate(["A sentence. Another <1>one</1>."])
        print(json.dumps([m for m in ("torch", "stanza", "argostranslate.translate", "spacy")
                          if m in sys.modules]))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    for name in ("torch", "stanza"):
        assert name not in sys.modules


def test_ctrl_c_while_translating_stops_after_the_batches_in_flight(shared_packages):
    """A real engine in a fresh interpreter, Ctrl-C once the first batch is done: it exits after the
    batches in flight (one per translator, and what they took meanwhile), not after all 100. The
    count is printed at exit, after Python has waited for its threads."""
    script = textwrap.dedent(f"""
        import atexit, signal, sys
        from pathlib import Path
        from pubkit.mt import packages as pk
        from pubkit.mt import argos
        argos.PROBE_MIN = 10**9  # two translators, one thread each, from the start
        engine = argos.ArgosEngine(pk.route(Path({str(shared_packages)!r}), "en", "ru"), threads=2)
        step, submitted = engine._steps[0], []

        class Counting:
            def __init__(self, real):
                self.real = real

            def translate_batch(self, batch, **kw):
                submitted.append(len(batch))
                return self.real.translate_batch(batch, **kw)

        step.translator = Counting(step.translator)
        atexit.register(lambda: print("submitted", len(submitted), flush=True))
        texts = [f"Sentence {{i}} tells of the strike in Zhanaozen and the price of gas."
                 for i in range(3200)]
        def progress(done, total):
            print("progress", done, total, flush=True)
            if done:
                signal.raise_signal(signal.SIGINT)
        try:
            engine.translate(texts, progress=progress)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 130, out.stderr
    assert "Traceback" not in out.stderr and "interrupted" in out.stdout
    first = next(line for line in out.stdout.splitlines() if line.startswith("progress"))
    assert first.split()[1:] == ["32", "3200"]
    submitted = int(out.stdout.split("submitted")[-1].split()[0])
    assert 2 <= submitted <= 4, out.stdout[-500:]  # of 100 batches


def test_plan_batches_covers_every_sentence_once_longest_first_and_feeds_every_translator():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.integers(1, 80), max_size=600), st.sampled_from([1, 2, 3, 8]),
           st.sampled_from([(1, 1), (16, 32), (256, 256)]))
    def check(lengths, parallel, sizes):
        batches = argos.plan_batches(lengths, sizes, parallel)
        flat = [i for b in batches for i in b]
        assert sorted(flat) == list(range(len(lengths)))  # each sentence exactly once
        assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)  # longest first
        n, cut = len(lengths), [len(b) for b in batches]
        assert all(1 <= c <= sizes[1] for c in cut) and cut == sorted(cut, reverse=True)
        assert len(batches) >= min(n, parallel)  # every translator gets work
        if n >= parallel * argos.ROUNDS * sizes[0]:  # a long run: ROUNDS batches or more per translator
            assert len(batches) >= parallel * argos.ROUNDS or cut[0] == sizes[1]
            assert cut[0] >= sizes[0] and len(set(cut[:-1])) == 1

    check()
    article = [24] * 108  # the article on 2 cores: as CTranslate2's max_batch_size=16 cuts it
    assert [len(b) for b in argos.plan_batches(article, argos.CPU_BATCH, 2)] == [16] * 6 + [12]
    assert [len(b) for b in argos.plan_batches([24] * 337, argos.CPU_BATCH, 2)] == [32] * 10 + [17]
    assert [len(b) for b in argos.plan_batches([24] * 108, argos.CPU_BATCH, 8)] == [14] * 7 + [10]
    assert [len(b) for b in argos.plan_batches([5, 9, 7], argos.CPU_BATCH, 2)] == [2, 1]
    assert [len(b) for b in argos.plan_batches([5, 9, 7, 1], argos.CPU_BATCH, 3)] == [2, 1, 1]
    assert argos.plan_batches([5, 9, 7, 1], argos.CPU_BATCH, 3)[0] == [1, 2]  # 9 and 7 tokens


def test_the_engine_drafts_what_one_direct_translate_batch_call_gives(engine_ru):
    """pubkit hands out its own batches, cut as CTranslate2 cuts one call: with the test model, the
    drafts are those of one ``translate_batch`` call with the same batch size, sentence for sentence,
    for a run with many sentence lengths (a near tie at a batch boundary may differ with a larger
    model: equal lengths are ordered differently, see plan_batches)."""
    import random

    cfg, _ = engine_ru
    rng = random.Random(7)
    words = "strike workers gas price Zhanaozen government protest city union wage".split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))).capitalize() + "."
             for _ in range(150)]
    engine = load_engine(cfg, "en", "ru", threads=2)
    step = engine._steps[0]
    tokens = [step.sp.encode(t, out_type=str) for t in texts]
    size = len(argos.plan_batches(list(map(len, tokens)), engine.batch_sizes, engine.inter)[0])
    direct = step.translator.translate_batch(tokens, max_batch_size=size, beam_size=argos.BEAM_SIZE,
                                             length_penalty=argos.LENGTH_PENALTY, replace_unknowns=True)
    assert [d.text for d in engine.translate(texts)] == [step.sp.decode(r.hypotheses[0]).strip()
                                                          for r in direct]


class _Result:
    """Stands in for CTranslate2's asynchronous result: ``result()`` blocks until ``ready`` is set."""

    def __init__(self, value, ready):
        self.value, self.ready = value, ready

    def result(self):
        assert self.ready.wait(10), "never released"
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


def test_run_batches_collects_every_batch_and_reports_after_each():
    import threading

    for parallel in (1, 2, 3):
        batches = [[3, 0], [1], [2, 4], [5]]
        submitted = []
        go = threading.Event()
        go.set()

        def submit(batch, submitted=submitted, go=go):
            submitted.append(list(batch))
            return [_Result(i * 10, go) for i in batch]

        seen, reports = [], []
        argos.run_batches(submit, batches, lambda i, r, seen=seen: seen.append((i, r)), reports.append,
                          done=5, parallel=parallel)
        assert sorted(map(tuple, submitted)) == sorted(map(tuple, batches))
        assert sorted(seen) == [(i, i * 10) for i in range(6)]
        assert reports[-1] == 11 and len(reports) == 4 and reports == sorted(reports)
        if parallel == 1:  # one at a time: in order
            assert submitted == batches and [i for i, _ in seen] == [3, 0, 1, 2, 4, 5]
        assert not [t for t in threading.enumerate() if t.name.startswith("pubkit-translate")]


def test_run_batches_stops_taking_batches_on_ctrl_c_and_passes_errors_on():
    """Ctrl-C while translating: the batches in flight finish, no further batch is submitted (the
    command exits after one batch, not after all of them); an error in a batch is raised as it is."""
    import threading

    batches = [[i] for i in range(20)]
    submitted = []
    gates = {i: threading.Event() for i in range(20)}

    def submit(batch):
        submitted.append(batch[0])
        if batch[0] == 0:
            gates[0].set()
        return [_Result(batch[0], gates[batch[0]])]

    def collect(i, value):  # the batches in flight (1, and 2 or 3) finish a little after Ctrl-C
        threading.Timer(0.3, lambda: [gates[k].set() for k in (1, 2, 3)]).start()
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        argos.run_batches(submit, batches, collect, lambda done: None, done=0, parallel=2)
    for t in threading.enumerate():
        if t.name.startswith("pubkit-translate"):
            t.join(5)
    assert len(submitted) <= 3 and 0 in submitted, submitted

    ready = threading.Event()
    ready.set()
    with pytest.raises(RuntimeError, match="out of memory"):
        argos.run_batches(lambda b: [_Result(RuntimeError("out of memory"), ready)], [[0], [1]],
                          lambda i, v: None, lambda d: None, done=0, parallel=2)


def test_a_long_run_probes_both_thread_plans_and_keeps_the_output(engine_ru, monkeypatch):
    """The first sentences go through each CPU thread plan once; the faster one translates the rest.
    The drafts are the same as with no probe (the plans differ in speed only)."""
    cfg, _ = engine_ru
    texts = [f"Sentence number {i} is about the strike in Zhanaozen. It lasted {i} days." for i in range(40)]
    monkeypatch.setattr(argos, "PROBE_MIN", 10**9)
    plain = load_engine(cfg, "en", "ru", threads=2)
    expected = [(d.text, d.score) for d in plain.translate(texts)]
    assert plain.probe is None
    monkeypatch.setattr(argos, "PROBE_MIN", 48)
    probing = load_engine(cfg, "en", "ru", threads=2)
    assert [(d.text, d.score) for d in probing.translate(texts)] == expected
    assert [(p["inter"], p["intra"]) for p in probing.probe["plans"]] == [(2, 1), (1, 2)]
    assert (probing.inter, probing.intra) in {(2, 1), (1, 2)}
    pivot = load_engine(cfg, "fr", "ru", threads=2)  # the second package follows the chosen plan
    assert len(pivot.translate(texts)) == len(texts) and pivot.probe is not None
