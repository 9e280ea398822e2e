"""DAISY Ace (accessibility checker for EPUB) on every edition of the article: no violations.

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

from ..conftest import ROOT
from ..tools import _missing, require_tool

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
    dest = tmp_path_factory.mktemp("ace") / "project"
    dest.mkdir()
    shutil.copy(ROOT / "pubkit.toml", dest / "pubkit.toml")
    for name in ("seeds", "translations", "templates"):
        shutil.copytree(ROOT / name, dest / name)
    cfg = load_config(dest)
    build(cfg, formats=["epub"], workers=1)
    return {lang: cfg.dist / f"kazakh-workers-revolt-2022.{lang}.epub" for lang in LANGS}


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
