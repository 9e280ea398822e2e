"""The multilingual engine: one M2M-100 / NLLB-200 style CTranslate2 model for many language pairs.

The source sentence goes to the model as ``[source token] + pieces + ["</s>"]`` (what the
Hugging Face tokenizers of both families produce, e.g. ``__en__ … </s>`` or ``eng_Latn … </s>``)
and the target language is forced as the first target token (``__kk__``, ``kaz_Cyrl``), then
stripped from every hypothesis. Everything else is the Argos engine's way (:mod:`.argos`):
inline tags stripped and restored by :mod:`.tags` around :mod:`.sentences`' split, every
sentence of the call in one ``translate_batch`` (int8, batches of up to 1024 source tokens,
the same thread plan and CUDA checks), the same :class:`~.base.Draft` provenance. The licence
travels in the draft's version ("1.0, licence CC-BY-NC-4.0, non-commercial use only"), so
the PO file's ``pubkit-mt`` line, the colophon and the EPUB metadata all name it.

A loaded model is kept for the next language of the same run (a 418M model loads in seconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InputError, Location, UnavailableError
from . import argos
from . import mlpackages as ml
from . import tags as tg
from .base import Draft, Progress

BEAM_SIZE = argos.BEAM_SIZE
LENGTH_PENALTY = 1.0  # the families' own generation default (Hugging Face generate)
MAX_DECODING_LENGTH = 512
EOS = "</s>"
_CACHE: dict[tuple, tuple[Any, Any]] = {}  # one loaded (tokenizer, translator), the last used


def _load(
    model: ml.MultilingualModel, device: str, compute_type: str, inter: int, intra: int
) -> tuple[Any, Any]:
    import ctranslate2
    import sentencepiece as spm

    # the weights' identity too: a model reinstalled at the same path must be loaded again
    try:
        weights = (model.path / "model.bin").stat()
    except OSError as err:
        raise InputError(f"the model cannot be loaded: {err.strerror}", location=Location(model.path),
                         hint="reinstall it: invoke models.install --file MODEL_FOLDER_OR_ZIP") from None
    key = (str(model.path), model.version, weights.st_mtime_ns, weights.st_ino, device, compute_type,
           inter, intra)
    if key not in _CACHE:
        _CACHE.clear()
        try:
            sp = spm.SentencePieceProcessor(model_file=str(model.path / model.tokenizer))
            tr = ctranslate2.Translator(
                str(model.path),
                device=device,
                compute_type=compute_type,
                inter_threads=inter,
                intra_threads=intra,
            )
        except (RuntimeError, OSError, ValueError) as err:
            if device == "cuda":
                raise UnavailableError(
                    f"CUDA failed to load the model: {err}", hint="use --device cpu"
                ) from None
            raise InputError(
                f"the model cannot be loaded: {err}",
                location=Location(model.path),
                hint="reinstall it: invoke models.install --file MODEL_FOLDER_OR_ZIP",
            ) from None
        _CACHE[key] = (sp, tr)
    return _CACHE[key]


class MultilingualEngine:
    """Translates unit texts ``source``→``target`` with one multilingual model."""

    def __init__(
        self, model: ml.MultilingualModel, source: str, target: str, *, device: str = "cpu", threads: int = 0
    ):
        import ctranslate2

        if not model.serves(source, target):
            raise InputError(
                f"{model.name} does not translate {source}→{target}", location=Location(model.path)
            )
        self.source, self.target = source, target
        self.model = model
        self.source_token, self.target_token = model.languages[source], model.languages[target]
        self.device, self.note = argos.resolve_device(device)
        self.inter, self.intra = (1, 1) if self.device == "cuda" else argos.thread_plan(threads)
        supported = ctranslate2.get_supported_compute_types(self.device)
        want = "float16" if self.device == "cuda" else "int8"
        self.compute_type = want if want in supported else "auto"
        self.batch_sizes = argos.CUDA_BATCH if self.device == "cuda" else argos.CPU_BATCH
        self.engine_name = f"{model.family}/ctranslate2 {ctranslate2.__version__}"
        self.model_name = model.name
        self.model_version = f"{model.version or '?'}, {model.licence_note}"
        self._sp, self._translator = _load(model, self.device, self.compute_type, self.inter, self.intra)

    def translate(self, texts: Sequence[str], *, progress: Progress | None = None) -> list[Draft]:
        """One draft per text, same order: all sentences of all texts in one batched call."""
        prepared = [tg.prepare(t) for t in texts]
        sentences = [s for p in prepared for s in p.sentences]
        out, lps, nts = self._run(sentences, progress)
        drafts = argos.drafts_of(prepared, out, lps, nts,
                                 (self.engine_name, self.model_name, self.model_version))
        if progress and not sentences:
            progress(0, 0)
        return drafts

    def encode(self, sentence: str) -> list[str]:
        """The source tokens the model sees: language token, pieces, end of sentence."""
        pieces = self._sp.encode(sentence, out_type=str)
        return [self.source_token, *pieces, EOS] if pieces else []

    def _run(
        self, sentences: list[str], progress: Progress | None
    ) -> tuple[list[str], list[float], list[int]]:
        total = len(sentences)
        out, lps, nts = [""] * total, [0.0] * total, [0] * total
        tokens = [self.encode(s) for s in sentences]
        todo = [i for i, t in enumerate(tokens) if t]
        done = total - len(todo)
        if not todo:
            if progress and total:
                progress(total, total)
            return out, lps, nts

        def report(done: int) -> None:
            if progress:
                progress(done, total)

        def submit(batch: list[int]) -> Sequence[Any]:
            return self._translator.translate_batch(
                [tokens[i] for i in batch],
                target_prefix=[[self.target_token]] * len(batch),
                asynchronous=True,
                beam_size=BEAM_SIZE,
                length_penalty=LENGTH_PENALTY,
                num_hypotheses=1,
                return_scores=True,
                max_decoding_length=MAX_DECODING_LENGTH,
            )

        batches = argos.plan_batches([len(tokens[i]) for i in todo], self.batch_sizes, self.inter)
        try:
            argos.run_batches(submit, [[todo[j] for j in b] for b in batches],
                              lambda i, result: self._collect(result, i, out, lps, nts), report, done,
                              self.inter)
        except RuntimeError as err:
            if self.device == "cuda":
                raise UnavailableError(f"CUDA translation failed: {err}", hint="use --device cpu") from None
            raise
        return out, lps, nts

    def _collect(self, result: Any, i: int, out: list[str], lps: list[float], nts: list[int]) -> None:
        hyp = list(result.hypotheses[0])
        if hyp[:1] == [self.target_token]:
            hyp = hyp[1:]  # the forced language token, per sentence
        hyp = [t for t in hyp if t not in (EOS, self.target_token)]
        out[i] = self._sp.decode(hyp).strip() if hyp else ""
        length = len(result.hypotheses[0]) + 1  # + </s>
        lps[i] = float(result.scores[0]) * length**LENGTH_PENALTY
        nts[i] = length


def load(
    model: ml.MultilingualModel, source: str, target: str, *, device: str = "cpu", threads: int = 0
) -> MultilingualEngine:
    engine = MultilingualEngine(model, source, target, device=device, threads=threads)
    if engine.note:
        from ..ui import info

        info(engine.note)
    return engine
