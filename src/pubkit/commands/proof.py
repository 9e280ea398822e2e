"""`invoke proof`: a bilingual reviewer's proof per article and language, HTML and PDF.

Writes ``proofs/<slug>.<lang>.proof.html`` and ``.proof.pdf`` (WeasyPrint, the editions'
fonts; the HTML loads copies of them in ``proofs/fonts/``, so the folder can be sent to a
reviewer whatever the templates' place, a checkout or site-packages): every passage with its
source and what the edition prints side by side, its state, key, source line, check findings
and, for stale entries, a word diff of the previous source against the current one (see :mod:`pubkit.proof`).
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from ..catalog.store import GLOSSARY_NAME
from ..checks import load_glossary
from ..config import Config, load_config, template_file
from ..fsio import atomic_write, project_lock
from ..project import load_articles
from ..proof import ProofView, build_proof
from ..ui import info
from .update import select_langs

PROOFS = "proofs"
TEMPLATE = "proof/proof.html.j2"
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")  # the editions' fonts, in base.css


def render(view: ProofView, cfg: Config) -> str:
    """The proof's HTML; its fonts are ``fonts/<file>``, beside it (HTML) or the templates' (PDF)."""
    from ..render.assets import font_paths, require
    from ..render.html import render_template

    font_paths(cfg)  # every font is there (a clear error names a missing one)
    base = require(template_file(cfg.templates, "base.css"), "stylesheet").read_text(encoding="utf-8")
    faces = "\n".join(FONT_FACE.findall(base))
    css = require(template_file(cfg.templates, "proof/proof.css"), "stylesheet").read_text(encoding="utf-8")
    css = f"{faces}\n{css}".replace("</", "<\\/")  # a stylesheet, never markup
    return render_template(cfg.templates, TEMPLATE, {"view": view, "css": Markup(css)})


def copy_fonts(cfg: Config, folder: Path) -> None:
    """The editions' fonts and their licences beside the proof's HTML (only those that changed)."""
    from ..render.assets import FONTS, font_paths, require

    paths = [*font_paths(cfg), *(require(template_file(cfg.templates, f"fonts/{lic}"), "font licence")
                                 for lic in sorted(set(FONTS.values())))]
    files = {p.name: p.read_bytes() for p in paths}
    for name, data in sorted(files.items()):
        target = folder / name
        if not (target.is_file() and target.read_bytes() == data):
            atomic_write(target, data, root=cfg.root)


def write_proof(cfg: Config, view: ProofView, edition) -> tuple[Path, Path]:
    from ..render.assets import source_date_epoch
    from ..render.pdf import to_pdf_bytes

    out = cfg.root / PROOFS
    html_path = out / f"{view.slug}.{view.lang}.proof.html"
    pdf_path = out / f"{view.slug}.{view.lang}.proof.pdf"
    html = render(view, cfg)
    copy_fonts(cfg, out / "fonts")
    atomic_write(html_path, html)
    with source_date_epoch(edition):
        data = to_pdf_bytes(html, cfg)
    atomic_write(pdf_path, data)
    return html_path, pdf_path


def run(root: Path | None = None, langs=None, article: str | None = None, **_ignored) -> int:
    cfg = load_config(root)
    docs = load_articles(cfg, article) if article else load_articles(cfg)
    langs = select_langs(cfg, langs)
    glossary = load_glossary(cfg.translations / GLOSSARY_NAME, cfg.root)
    with project_lock(cfg.root, wait=30):
        for lang in langs:
            for doc in docs:
                view, edition = build_proof(cfg, doc, lang, glossary)
                html_path, pdf_path = write_proof(cfg, view, edition)
                tally = ", ".join(f"{n} {label}" for label, n in sorted(view.counts.items()))
                info(f"{lang}/{doc.meta.slug}: {len(view.passages)} passages ({tally}) → "
                     f"{html_path.relative_to(cfg.root)}, {pdf_path.relative_to(cfg.root)}")
    return 0
