"""pubkit's tasks: `invoke --list` shows them, `invoke --help TASK` explains one.

Each task only parses its options and calls the library (`pubkit.commands.*`), so that the
same code is used by the tests. Errors a user can fix end with a message and an exit code
(README, "When something goes wrong"); nothing else is caught.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from invoke import Collection, Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout even before `pip install -e .`


def _call(module: str, **kwargs) -> None:
    import importlib

    from pubkit.errors import PubkitError
    from pubkit.ui import print_error

    try:
        code = importlib.import_module(f"pubkit.commands.{module}").run(root=ROOT, **kwargs)
    except PubkitError as err:
        print_error(err)
        raise Exit(code=int(err.exit_code)) from None
    except KeyboardInterrupt:
        print_error("interrupted; files already written are complete, nothing is half-written")
        raise Exit(code=130) from None
    if code:
        raise Exit(code=int(code))


def _langs(lang: str | None) -> list[str] | None:
    return [x.strip() for x in lang.split(",") if x.strip()] if lang else None


@task(help={
    "lang": "only these languages, comma-separated (default: all configured)",
    "article": "only this article (its slug)",
    "no_translate": "build from the translation files as they are, without machine translation",
})
def publish(c, lang=None, article=None, no_translate=False):
    """Everything: update the translation files, machine-translate what is missing, build every edition."""
    _call("publish", langs=_langs(lang), article=article, translate=not no_translate)


@task(help={
    "lang": "only these languages, comma-separated (default: all configured)",
    "article": "only this article (its slug)",
    "format": "only this format: epub or pdf (default: both)",
})
def build(c, lang=None, article=None, format=None):
    """Build EPUB and PDF editions into dist/ from the sources and translation files as they are."""
    _call("build", langs=_langs(lang), article=article, formats=[format] if format else None)


@task(help={"lang": "only these languages, comma-separated", "article": "only this article (its slug)"})
def update(c, lang=None, article=None):
    """Merge source changes into translations/<lang>/<article>.po (no model needed; never drops reviewed text)."""
    _call("update", langs=_langs(lang), article=article)


@task(help={
    "lang": "only these languages, comma-separated",
    "article": "only this article (its slug)",
    "device": "cpu, cuda or auto (default: cpu)",
    "threads": "CPU threads for the model (default: all cores)",
})
def translate(c, lang=None, article=None, device="cpu", threads=0):
    """Machine-translate untranslated passages offline (Argos models) into fuzzy drafts for review."""
    _call("translate", langs=_langs(lang), article=article, device=device, threads=int(threads))


@task(help={"lang": "only these languages", "article": "only this article", "json": "print JSON instead of a table"})
def status(c, lang=None, article=None, json=False):
    """How much of each translation is reviewed, machine-drafted, stale or untranslated."""
    _call("status", langs=_langs(lang), article=article, as_json=json)


@task(help={
    "lang": "only these languages", "article": "only this article",
    "strict": "exit non-zero when any error is found", "json": "print findings as JSON",
})
def check(c, lang=None, article=None, strict=False, json=False):
    """Quality checks on the translations: numbers, URLs, tags, glossary terms, untranslated text …"""
    _call("check", langs=_langs(lang), article=article, strict=strict, as_json=json)


@task(name="list")
def models_list(c):
    """Installed translation models per language pair, and what the project's languages still lack."""
    _call("models", action="list")


@task(name="install", help={
    "pair": "a language pair from the index, e.g. en-ru (default: every pair the project lacks)",
    "file": "install from a local .argosmodel file, or a multilingual model folder or .zip (pubkit-model.json)",
    "url": "install from this URL",
    "index": "package index URL (default: the Argos Translate index)",
})
def models_install(c, pair=None, file=None, url=None, index=None):
    """Install Argos Translate models (index, URL, .argosmodel file) or a multilingual model (folder or .zip)."""
    _call("models", action="install", pair=pair, file=file, url=url, index=index)


@task(name="remove", help={"pair": "the language pair to remove, e.g. en-ru",
                           "name": "or the multilingual model to remove, by its name in models.list"})
def models_remove(c, pair=None, name=None):
    """Remove an installed model."""
    _call("models", action="remove", pair=pair, name=name)


@task(help={"k": "only tests matching this expression (pytest -k)", "x": "stop at the first failure"})
def test(c, k=None, x=False):
    """Run the whole test suite (pytest)."""
    args = [sys.executable, "-m", "pytest"]
    if k:
        args += ["-k", k]
    if x:
        args.append("-x")
    os.chdir(ROOT)
    result = c.run(" ".join(_quote(a) for a in args), warn=True, pty=False)
    if result.exited:
        raise Exit(code=result.exited)


@task(help={"what": "translate or editions (default: both)"})
def bench(c, what=None):
    """Benchmarks (bench/README.md): translation speed vs argostranslate, build and no-op times."""
    os.chdir(ROOT)
    result = c.run(f"{_quote(sys.executable)} bench/run.py {what or ''}", warn=True, pty=False)
    if result.exited:
        raise Exit(code=result.exited)


def _quote(s: str) -> str:
    import shlex

    return shlex.quote(s)


models = Collection("models", models_list, models_install, models_remove)
ns = Collection(publish, build, update, translate, status, check, test, bench, models)
