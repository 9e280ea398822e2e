"""pubkit's tasks: `pubkit --list` (or `invoke --list` in a checkout) shows them, `--help TASK` explains one.

The same collection serves both front doors: the console script ``pubkit`` (:mod:`pubkit.cli`,
an Invoke ``Program``) and the checkout's ``tasks.py``, which only puts ``src/`` on the path
and names the checkout as the project. Each task only parses its options and calls the library
(`pubkit.commands.*`), so that the same code is used by the tests. Errors a user can fix end
with a message and an exit code (README, "When something goes wrong"); nothing else is caught.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from invoke import Collection, Exit, task

# The project: set by the checkout's tasks.py; None for the console script, where every command
# finds the project from the working folder (the nearest folder upwards with pubkit.toml).
ROOT: Path | None = None


def project_root() -> Path:
    from pubkit.config import find_root

    return ROOT or find_root(None)


def _call(c, module: str, **kwargs) -> None:
    import importlib

    from pubkit.errors import ExitCode, PubkitError
    from pubkit.ui import print_error

    if c.config.run.dry:  # Invoke's --dry only echoes c.run(); these tasks never run one
        print_error("--dry is not supported: pubkit's tasks write files themselves, never through a shell "
                    "command that --dry could print instead (drop --dry; `check` and `status` write nothing)")
        raise Exit(code=int(ExitCode.USAGE))
    try:
        code = importlib.import_module(f"pubkit.commands.{module}").run(root=ROOT, **kwargs)
    except PubkitError as err:
        print_error(err)
        raise Exit(code=int(err.exit_code)) from None
    except KeyboardInterrupt:
        print_error("interrupted; files already written are complete, nothing is half-written")
        raise Exit(code=int(ExitCode.INTERRUPTED)) from None
    if code:
        raise Exit(code=int(code))


def _langs(lang: str | None) -> list[str] | None:
    return [x.strip() for x in lang.split(",") if x.strip()] if lang else None


@task(help={
    "lang": "only these languages, comma-separated (default: all configured)",
    "article": "only this article (its slug)",
    "no_translate": "build from the translation files as they are, without machine translation",
    "strict": "stop before building when the checks find an error (exit 1)",
    "json": "print a JSON summary on stdout (messages stay on stderr)",
})
def publish(c, lang=None, article=None, no_translate=False, strict=False, json=False):
    """Everything: update the translation files, machine-translate, check, build every edition."""
    _call(c, "publish", langs=_langs(lang), article=article, translate=not no_translate, strict=strict,
          as_json=json)


@task(optional=["ray"], help={
    "lang": "only these languages, comma-separated (default: all configured)",
    "article": "only this article (its slug)",
    "format": "only this format: epub or pdf (default: both)",
    "ray": "render on Ray: --ray for a local cluster, --ray ADDRESS for one "
           "(pip install 'pubkit-press[ray]')",
    "json": "print a JSON summary on stdout (messages stay on stderr)",
})
def build(c, lang=None, article=None, format=None, ray=None, json=False):
    """Build EPUB and PDF editions into dist/ from the sources and translation files as they are."""
    _call(c, "build", langs=_langs(lang), article=article, formats=[format] if format else None, ray=ray,
          as_json=json)


@task(help={"lang": "only these languages, comma-separated", "article": "only this article (its slug)"})
def update(c, lang=None, article=None):
    """Merge source changes into translations/<lang>/<article>.po (no model; never drops reviewed text)."""
    _call(c, "update", langs=_langs(lang), article=article)


@task(optional=["ray"], help={
    "lang": "only these languages, comma-separated",
    "article": "only this article (its slug)",
    "device": "cpu, cuda or auto (default: cpu)",
    "threads": "CPU threads for the model (default: all cores)",
    "ray": "translate on Ray actors: --ray for a local cluster, --ray ADDRESS for a cluster",
})
def translate(c, lang=None, article=None, device="cpu", threads=0, ray=None):
    """Machine-translate untranslated passages offline (Argos models) into fuzzy drafts for review."""
    _call(c, "translate", langs=_langs(lang), article=article, device=device, threads=int(threads), ray=ray)


@task(help={"lang": "only these languages", "article": "only this article",
            "json": "print JSON instead of a table",
            "queue": "list the entries to review, worst first (checks failed, stale, lowest model score)"})
def status(c, lang=None, article=None, json=False, queue=False):
    """How much of each translation is reviewed, machine-drafted, stale or untranslated."""
    _call(c, "status", langs=_langs(lang), article=article, as_json=json, queue=queue)


@task(iterable=["key", "line"], help={
    "lang": "only these languages, comma-separated", "article": "only this article (its slug)",
    "key": "approve the entry with this key (as `status --queue` and the proof show it); repeatable",
    "line": "approve the entry of this source line (seeds/x.txt:7 or 7); repeatable",
    "edited": "approve every draft whose text you changed since the machine wrote it",
    "accept_unchanged": "also approve machine drafts as they are (recorded as 'accepted unchanged')",
})
def approve(c, lang=None, article=None, key=None, line=None, edited=False, accept_unchanged=False):
    """Mark entries reviewed in the PO files (drops the fuzzy flag), atomically and under the lock."""
    _call(c, "approve", langs=_langs(lang), article=article, keys=key or (), lines=line or (), edited=edited,
          accept_unchanged=accept_unchanged)


@task(help={
    "lang": "only these languages", "article": "only this article",
    "strict": "exit non-zero when any error is found", "json": "print findings as JSON",
})
def check(c, lang=None, article=None, strict=False, json=False):
    """Quality checks on the translations: numbers, URLs, tags, glossary terms, untranslated text …"""
    _call(c, "check", langs=_langs(lang), article=article, strict=strict, as_json=json)


@task(help={"article": "only this article (its slug)", "json": "print JSON instead of the outline"})
def outline(c, article=None, json=False):
    """The structure of each article as read: block kinds, source lines, every guess, the key settling it."""
    _call(c, "outline", article=article, as_json=json)


@task(help={"article": "the slug of the article to retire"})
def retire(c, article=None):
    """Take an article out: its seed, translations and editions are moved aside (nothing is deleted)."""
    _call(c, "retire", article=article)


@task
def site(c):
    """The download site and OPDS catalog (dist/site/) from the editions in dist/; builds nothing."""
    _call(c, "site")


@task(help={
    "lang": "only these languages, comma-separated (default: all targets)",
    "article": "only this article (its slug)",
})
def proof(c, lang=None, article=None):
    """A bilingual reviewer's proof (HTML + PDF in proofs/): source and translation side by side."""
    _call(c, "proof", langs=_langs(lang), article=article)


@task(name="list", help={"json": "print JSON instead of tables"})
def models_list(c, json=False):
    """Installed translation models per language pair, and what the project's languages still lack."""
    _call(c, "models", action="list", as_json=json)


@task(name="install", help={
    "pair": "a language pair from the index, e.g. en-ru (default: every pair the project lacks)",
    "file": "a local .argosmodel file, or a multilingual model folder or .zip (pubkit-model.json)",
    "url": "install from this URL",
    "index": "package index URL (default: the Argos Translate index)",
})
def models_install(c, pair=None, file=None, url=None, index=None):
    """Install Argos Translate models (index, URL, .argosmodel) or a multilingual model (folder, .zip)."""
    _call(c, "models", action="install", pair=pair, file=file, url=url, index=index)


@task(name="remove", help={"pair": "the language pair to remove, e.g. en-ru",
                           "keep_newest": "remove only the older versions of the pair",
                           "name": "or the multilingual model to remove, by its name in models.list"})
def models_remove(c, pair=None, keep_newest=False, name=None):
    """Remove an installed model."""
    _call(c, "models", action="remove", pair=pair, keep_newest=keep_newest, name=name)


@task(positional=["folder"], help={
    "folder": "the project folder to make (`pubkit init` alone: the working folder; `invoke init .`)",
    "example": "add an example article, seeds/example-article.md",
    "templates": "copy pubkit's templates into templates/ to edit them (default: use the packaged ones)",
})
def init(c, folder=None, example=False, templates=False):
    """Make a new project: a commented pubkit.toml, seeds/ and translations/ (an existing one is refused)."""
    _call(c, "init", folder=folder, example=example, templates=templates)


@task(name="init-lang", positional=["lang"], help={"lang": "the language code to add, e.g. kk, ar or pt-BR"})
def init_lang(c, lang):
    """Add a target language to pubkit.toml (names and direction from CLDR) and make its PO files."""
    _call(c, "init_lang", lang=lang)


@task(help={"k": "only tests matching this expression (pytest -k)", "x": "stop at the first failure"})
def test(c, k=None, x=False):
    """Run the whole test suite (pytest)."""
    args = [sys.executable, "-m", "pytest"]
    if k:
        args += ["-k", k]
    if x:
        args.append("-x")
    os.chdir(project_root())
    result = c.run(" ".join(_quote(a) for a in args), warn=True, pty=False)
    if result.exited:
        raise Exit(code=result.exited)


@task(help={"what": "translate, editions or archive (default: translate and editions)"})
def bench(c, what=None):
    """Benchmarks (bench/README.md): translation speed vs argostranslate, build and no-op times."""
    os.chdir(project_root())
    result = c.run(f"{_quote(sys.executable)} bench/run.py {what or ''}", warn=True, pty=False)
    if result.exited:
        raise Exit(code=result.exited)


@task
def lint(c):
    """ruff (rules in pyproject.toml) and mypy on src/ and tasks.py; exits non-zero on any finding."""
    os.chdir(project_root())
    failed = 0
    for tool in ("ruff check src tasks.py", "mypy"):
        result = c.run(f"{_quote(sys.executable)} -m {tool}", warn=True, pty=False)
        failed = failed or result.exited
    if failed:
        raise Exit(code=failed)


def _quote(s: str) -> str:
    import shlex

    return shlex.quote(s)


models = Collection("models", models_list, models_install, models_remove)
# What the console script offers: the tasks that work in any project. The checkout's `invoke`
# adds those that need the checkout (its tests, benchmarks and linters).
PRODUCT = (init, init_lang, publish, build, update, translate, status, check, outline, approve, proof, retire,
           site)
product = Collection(*PRODUCT, models)
ns = Collection(*PRODUCT, test, bench, lint, models)
