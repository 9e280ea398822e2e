"""The article's real editions (from the reviewed PO files) pass the independent validators:
EPUBCheck (0 errors, 0 warnings), DAISY Ace (no violations), pdffonts (all embedded) and
mutool (no missing glyph).

Ace is a Node.js tool driving a headless Chromium; `.ci/run` installs both. Locally it is
found as `ace-cli` on PATH, in `.ci/ace/` (where `.ci/run` puts it) or via $PUBKIT_ACE.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pubkit.config import load_config
from pubkit.pipeline import build

from ..conftest import ROOT, copy_project
from ..tools import _missing, epubcheck_jar, require_tool

LANGS = ("en", "ru", "ky", "fr")


def _ace() -> str:
    for candidate in (os.environ.get("PUBKIT_ACE"), ROOT / ".ci" / "ace" / "node_modules" / ".bin" / "ace-cli",
                      shutil.which("ace-cli")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    _missing("DAISY Ace is not installed (PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .ci/ace @daisy/ace-cli@1.4.6)")
    return ""  # pragma: no cover


@pytest.fixture(scope="module")
def epubs(tmp_path_factory):
    cfg = load_config(copy_project(tmp_path_factory.mktemp("ace")))
    build(cfg, workers=1)
    return {lang: cfg.dist / f"kazakh-workers-revolt-2022.{lang}.epub" for lang in LANGS}


@pytest.mark.validator
@pytest.mark.parametrize("lang", LANGS)
def test_epubcheck_no_errors_no_warnings(epubs, lang):
    from .test_epub import epubcheck

    proc, report = epubcheck(epubcheck_jar(), epubs[lang])
    found = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]
             if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert found == [], found


@pytest.mark.validator
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_fonts_embedded_and_no_missing_glyph(epubs, lang):
    pdf = epubs[lang].with_suffix(".pdf")
    fonts = subprocess.run([require_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and {r.split()[-5] for r in rows} == {"yes"}, fonts  # the "emb" column
    trace = subprocess.run([require_tool("mutool"), "trace", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 'glyph="' in trace and 'glyph="0"' not in trace


@pytest.mark.validator
@pytest.mark.parametrize("lang", LANGS)
def test_ace_finds_no_violation(epubs, lang, tmp_path):
    ace = _ace()
    chromium = require_tool("chromium")
    out = tmp_path / "report"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    proc = subprocess.run([ace, "--silent", "--force", "--outdir", str(out), str(epubs[lang])],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    violations = [
        (a["earl:test"]["earl:impact"], a["earl:test"]["dct:title"], outer.get("earl:testSubject", {}).get("url"))
        for outer in report["assertions"] for a in outer.get("assertions", [])
    ]
    assert report["earl:result"]["earl:outcome"] == "pass" and violations == [], violations
