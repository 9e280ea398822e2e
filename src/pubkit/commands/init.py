"""`pubkit init [FOLDER]`: a new project, ready for a first article and `pubkit publish`.

Writes ``pubkit.toml`` (every key commented, with the language table), ``seeds/`` and
``translations/``, and a ``.gitignore`` for what pubkit generates. ``--example`` adds an
example Markdown article; ``--templates`` copies pubkit's templates into ``templates/`` for
editing (without it the packaged templates are used, and a file put in ``templates/`` later
overrides one of them). An existing project is never touched: everything is checked before
the first file is written, and a folder that already holds ``pubkit.toml`` (or a file
``init`` would write) is refused with exit 73.
"""

from __future__ import annotations

from pathlib import Path

from ..config import CONFIG_NAME, PACKAGED_TEMPLATES
from ..errors import EnvironmentProblem, Location
from ..fsio import atomic_write, make_dir
from ..ui import info

CONFIG_TEXT = '''\
# pubkit project configuration (README: "Set-up", "The workflow"). Every key is optional
# except the languages an edition is built in; an unknown key is an error naming the nearest one.

[project]
source_lang = "en"              # the language of the articles in seeds/
# Languages an edition is built for besides the source language, in this order. With no
# translation model installed, an edition prints the source text, marked and counted as
# untranslated; `pubkit models.install` adds a model, `pubkit models.list` says what is missing.
targets = ["ru", "fr"]

[languages]
# code = { name = English name, native = the language's own name, dir = "ltr" or "rtl" }
# Every language in source_lang and targets needs a line here. Codes name the folders under
# translations/ (ru, ky, pt-BR).
en = { name = "English", native = "English" }
ru = { name = "Russian", native = "Русский" }
fr = { name = "French", native = "Français" }
ky = { name = "Kyrgyz", native = "Кыргызча" }
kk = { name = "Kazakh", native = "Қазақша" }
# ar = { name = "Arabic", native = "العربية", dir = "rtl" }

# Which engine translates a language when both an Argos package and a multilingual model
# serve it: "argos", "multilingual", or a multilingual model's name, per target language.
[engines]
default = "argos"
# kk = "multilingual"

# [models]
# dir = "..."                  # Argos packages (default: where argostranslate keeps them)
# multilingual_dir = "..."     # multilingual models (default: ~/.local/share/pubkit/multilingual-models)
# allow_noncommercial = false  # refuse models licensed for non-commercial use only (NLLB-200)
# max_mb = 4096                # largest multilingual model accepted by models.install
# index_deadline_s = 60        # the whole index fetch, in seconds (then exit 69)
# download_deadline_s = 3600   # the whole model download, in seconds
# min_bytes_per_s = 1024       # a transfer slower than this (after its first seconds) is cut off

[paths]
seeds = "seeds"                # the articles: <slug>.md, or <slug>.txt with <slug>.yaml
translations = "translations"  # the PO files reviewers edit: translations/<lang>/<slug>.po
dist = "dist"                  # the editions: dist/<slug>.<lang>.epub and .pdf
# templates = "templates"      # your own templates, each overriding pubkit's file of that name

[pdf]
page_size = "A5"               # A5, A4, B5, letter, or two lengths ("148mm 210mm")

# [publisher]: printed in each edition's colophon and written to the EPUB's metadata.
# Each value is text, or a table of texts per language (`name = { en = "…", ru = "…" }`).
# [publisher]
# name = "Example Press"
# rights = "© 2026 Example Press. Translations under CC BY 4.0."

# [typography]: the variant each language is written in (English dates, the PDF's language tag
# and hyphenation follow it; English is en-US without it); `hyphenation` names other patterns.
# [typography]
# variant = { en = "en-GB" }
# hyphenation = { en = "en_GB" }

# [site]: the download site and OPDS catalog `site` writes from dist/ (README, "Distributing").
# [site]
# dir = "dist/site"            # where the site goes (inside the project)
# base_url = "https://example.org/books"   # the address at which dist/ is served: absolute links
'''

GITIGNORE = """\
# what pubkit generates (rebuilt by `pubkit publish`)
/dist/
/proofs/
/.pubkit/
"""

EXAMPLE_NAME = "example-article.md"
EXAMPLE = """\
---
title: An example article
subtitle: What pubkit does with a Markdown file
authors:
  - name: Jane Doe
    countries: [Kazakhstan]
date: 2026-01-15
source: "The Example Review, 15 January 2026"
---

This paragraph becomes one entry of each language's PO file in `translations/`.
A reviewer corrects the machine draft there; the editions print what the reviewer approved.

## A heading

Emphasis, *like this*, **and this**, and [links](https://example.org) survive translation
as numbered tags. A footnote works too.[^1]

- A list item
- Another one

[^1]: Footnotes are printed at the end of the article.
"""


def _plan(folder: Path, example: bool, templates: bool) -> dict[Path, bytes]:
    files = {folder / CONFIG_NAME: CONFIG_TEXT.encode("utf-8")}
    if not (folder / ".gitignore").exists():
        files[folder / ".gitignore"] = GITIGNORE.encode("utf-8")
    if example:
        files[folder / "seeds" / EXAMPLE_NAME] = EXAMPLE.encode("utf-8")
    if templates:
        for path in sorted(PACKAGED_TEMPLATES.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[folder / "templates" / path.relative_to(PACKAGED_TEMPLATES)] = path.read_bytes()
    return files


def run(root: Path | None = None, folder: str | None = None, example: bool = False,
        templates: bool = False, **_ignored) -> int:
    target = Path(folder or ".").absolute()
    if target.exists() and not target.is_dir():
        raise EnvironmentProblem(f"{target} is a file, not a folder", location=Location(target),
                                 hint="name a new folder, or an existing folder for the project")
    if (target / CONFIG_NAME).exists():
        raise EnvironmentProblem(
            f"{target} already holds a project ({CONFIG_NAME}); nothing was written",
            location=Location(target / CONFIG_NAME),
            hint="edit that pubkit.toml, or run `invoke init` with a new folder",
        )
    files = _plan(target, example, templates)
    taken = [p for p in files if p.exists() or p.is_symlink()]
    if taken:
        raise EnvironmentProblem(
            f"{taken[0]} already exists; nothing was written",
            location=Location(taken[0]),
            hint="move it away first (init never replaces a file)",
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise EnvironmentProblem(f"cannot make the folder {target}: {err.strerror}",
                                 location=Location(target), hint="choose a folder you can write to") from None
    for sub in ("seeds", "translations"):
        make_dir(target, target / sub)
    for path, data in files.items():
        atomic_write(path, data, expect_absent=True, root=target)
    shown = folder or "."
    info(f"a new project in {target}: {CONFIG_NAME}, seeds/, translations/"
         + (f", seeds/{EXAMPLE_NAME}" if example else "") + (", templates/" if templates else ""))
    where = f"cd {shown} && " if folder and folder != "." else ""
    info(f"next: put an article into seeds/ (<slug>.md, or <slug>.txt with <slug>.yaml), then "
         f"`{where}invoke publish`")
    return 0
