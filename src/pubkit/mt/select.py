"""Which installed model translates a language pair: Argos packages or a multilingual model.

Why explicit: when both an Argos package (one pair, trained for it) and a multilingual model
(M2M-100, NLLB-200) serve a pair, the drafts differ, and an editor must be able to see and
change which one is used. ``pubkit.toml`` says it::

    [engines]
    default = "argos"       # when both serve a pair (recorded choice; see README)
    kk = "multilingual"     # per target language: "argos", "multilingual" or a model's name

    [models]
    allow_noncommercial = false   # refuse models whose licence forbids commercial use (NLLB-200)

A pair served by only one family uses that one, whatever the default says. Engine families
are a registry (:data:`FAMILIES`): each says whether it serves a pair and loads an engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Location, MissingError
from . import mlpackages as ml
from . import packages as pk

ARGOS, MULTILINGUAL = "argos", "multilingual"
# Argos first when both serve a pair: a package trained for that one pair, and at equal model size
# as fast or up to 1.25x faster (bench/README.md, "Multilingual models").
DEFAULT_CHOICE = ARGOS


@dataclass(frozen=True)
class Candidate:
    """One way to translate a pair with what is installed."""

    family: str  # "argos" or "multilingual"
    label: str  # what models.list shows: "translate-en_ru 1.9", "m2m100_418M 1.0 (licence MIT)"
    load: Callable[..., Any]  # (device=, threads=) -> Engine
    model_name: str = ""
    noncommercial: bool = False


def _argos(cfg: Any, source: str, target: str) -> list[Candidate]:
    chain = pk.route(pk.packages_dir(cfg), source, target)
    if not chain:
        return []
    label = " + ".join(f"{p.name} {p.version}" for p in chain) + (" (via English)" if len(chain) > 1 else "")

    def load(device: str = "cpu", threads: int = 0) -> Any:
        from .argos import ArgosEngine

        engine = ArgosEngine(chain, device=device, threads=threads)
        _note(engine)
        return engine

    return [Candidate(ARGOS, label, load, "+".join(p.name for p in chain))]


def _multilingual(cfg: Any, source: str, target: str) -> list[Candidate]:
    found = []
    for model in reversed(ml.serving(ml.models_dir(cfg), source, target)):  # newest version first

        def load(device: str = "cpu", threads: int = 0, model: ml.MultilingualModel = model) -> Any:
            from .multilingual import load as load_ml

            return load_ml(model, source, target, device=device, threads=threads)

        label = f"{model.name} {model.version} ({model.licence_note})"
        found.append(Candidate(MULTILINGUAL, label, load, model.name, model.noncommercial))
    return found


FAMILIES: dict[str, Callable[[Any, str, str], list[Candidate]]] = {ARGOS: _argos, MULTILINGUAL: _multilingual}


def _note(engine: Any) -> None:
    if getattr(engine, "note", ""):
        from ..ui import info

        info(engine.note)


def settings(cfg: Any) -> tuple[str, dict[str, str], bool]:
    """``(default, {lang: choice}, allow_noncommercial)`` from pubkit.toml, validated."""
    raw = getattr(cfg, "raw", None) or {}
    where = Location(Path(getattr(cfg, "root", ".")) / "pubkit.toml")
    engines = raw.get("engines", {})
    models = raw.get("models", {})
    if not isinstance(engines, dict) or not all(isinstance(v, str) for v in engines.values()):
        raise ConfigError(
            '[engines] must map language codes to "argos", "multilingual" or a model name',
            location=where,
            hint='e.g. [engines] kk = "multilingual"',
        )
    default = engines.get("default", DEFAULT_CHOICE)
    if default not in FAMILIES:
        raise ConfigError(
            f"[engines] default = {default!r} is not an engine family",
            location=where,
            hint=f"use one of: {', '.join(FAMILIES)}",
        )
    allow = models.get("allow_noncommercial", False) if isinstance(models, dict) else False
    if not isinstance(allow, bool):
        raise ConfigError("[models] allow_noncommercial must be true or false", location=where)
    return default, {k: v for k, v in engines.items() if k != "default"}, allow


@dataclass(frozen=True)
class Plan:
    """What translates one pair: the chosen candidate (or None), the others, and why."""

    source: str
    target: str
    chosen: Candidate | None
    others: tuple[Candidate, ...]
    why: str  # "only model", "[engines] kk", "[engines] default", or why nothing is used


def plan(cfg: Any, source: str, target: str) -> Plan:
    """Choose among the installed models for ``source``→``target`` (no model is loaded)."""
    default, per_lang, allow_nc = settings(cfg)
    every = [c for family in FAMILIES.values() for c in family(cfg, source, target)]
    refused = [c for c in every if c.noncommercial and not allow_nc]
    usable = [c for c in every if c not in refused]
    wish = per_lang.get(target)
    if wish is not None:
        picked = [c for c in usable if wish in (c.family, c.model_name)]
        if not picked:
            if any(wish in (c.family, c.model_name) for c in refused):
                return Plan(
                    source,
                    target,
                    None,
                    tuple(every),
                    f"[engines] {target} = {wish!r} is non-commercial, "
                    "refused by [models] allow_noncommercial",
                )
            if wish not in FAMILIES and not any(wish == c.model_name for c in every):
                known = ", ".join(sorted({*FAMILIES, *(c.model_name for c in every)}))
                raise ConfigError(
                    f"[engines] {target} = {wish!r} is neither an engine family nor an installed "
                    "model for this pair",
                    location=Location(Path(cfg.root) / "pubkit.toml"),
                    hint=f"use one of: {known}",
                )
            return Plan(source, target, None, tuple(every), f"[engines] {target} = {wish!r} is not installed")
        return Plan(
            source, target, picked[0], tuple(c for c in every if c is not picked[0]), f"[engines] {target}"
        )
    if not usable:
        why = (
            "refused: non-commercial licence ([models] allow_noncommercial = false)"
            if refused
            else "no model"
        )
        return Plan(source, target, None, tuple(every), why)
    families = {c.family for c in usable}
    if len(families) > 1:
        chosen = next(c for c in usable if c.family == default)
        why = "[engines] default"
    else:
        chosen, why = usable[0], "only model"
    return Plan(source, target, chosen, tuple(c for c in every if c is not chosen), why)


def load_engine(cfg: Any, source: str, target: str, *, device: str = "cpu", threads: int = 0) -> Any:
    """The chosen engine for a pair; MissingError (exit 66) naming what to install or allow."""
    p = plan(cfg, source, target)
    if p.chosen is not None:
        return p.chosen.load(device=device, threads=threads)
    if p.others:
        labels = "; ".join(c.label for c in p.others)
        raise MissingError(
            f"no usable model for {source}→{target}: {p.why} (installed: {labels})",
            hint="set [models] allow_noncommercial = true in pubkit.toml if your use is "
            "non-commercial, or change [engines]",
        )
    err = pk.missing_error(source, target, pk.packages_dir(cfg))
    raise MissingError(
        str(err.message),
        hint=f"{err.hint}; or a multilingual model (M2M-100, NLLB-200) "
        "with `invoke models.install --file MODEL_FOLDER_OR_ZIP`",
    )
