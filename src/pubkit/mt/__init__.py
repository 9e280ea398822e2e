"""Machine translation engines behind one small protocol (see :mod:`pubkit.mt.base`).

``load_engine`` is the entry point of the translate command; CTranslate2 is imported only
when an engine is loaded, so that other commands start fast.
"""

from __future__ import annotations

from .base import Draft, Engine, Progress

__all__ = ["Draft", "Engine", "Progress", "load_engine"]


def load_engine(cfg, source: str, target: str, *, device: str = "cpu", threads: int = 0) -> Engine:
    """An engine for ``source``→``target``: installed Argos packages (direct or via English) or a
    multilingual model, as :mod:`pubkit.mt.select` chooses (``[engines]`` in pubkit.toml).

    Raises MissingError (with the install command) when no usable model covers the pair,
    UnavailableError when ``device="cuda"`` cannot be used.
    """
    from .select import load_engine as choose

    return choose(cfg, source, target, device=device, threads=threads)
