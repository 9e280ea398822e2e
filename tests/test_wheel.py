"""The product as a user installs it: sdist → wheel → a fresh venv outside the checkout → a new project.

One module-scoped run, as README's "Installing pubkit-press" says: the sdist is built from a
copy of the checkout (nothing is written into it), the wheel from the unpacked sdist (so the
sdist holds what builds the wheel), installed with the runtime lock (``--require-hashes
--no-deps -r requirements.lock``, then the wheel ``--no-deps``) into a venv in a temporary
folder. There, with no checkout on the path and no translation model, ``pubkit init`` makes a
project, one Markdown article goes into ``seeds/``, and ``pubkit publish`` builds the
source-language edition and the untranslated target editions: EPUBCheck reports 0 errors and 0
warnings and pdffonts shows every font embedded. Needs the package index pip is configured with
(or pip's cache) for the runtime lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .render.test_epub import epubcheck
from .tools import epubcheck_jar, require_tool

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "pubkit"
SKIP = {".git", ".venv", "dist", "build", "__pycache__", ".pytest_cache", ".hypothesis", ".pubkit", "proofs",
        "results", ".work", ".venv-argos", "ace", "node_modules"}

ARTICLE = """\
---
title: "A first article"
authors: [Ada Example]
date: 2026-03-01
---

The first paragraph of the first article, with *emphasis* and a [link](https://example.org).

## A heading

- one item
- another item
"""

pytestmark = [pytest.mark.slow]


def _run(args: list[str], **kw) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=900, **kw)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def _copy_checkout(dest: Path) -> Path:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIP or n.endswith(".egg-info")}

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, sdist, wheel): pubkit-press built and installed as a user would, outside the checkout."""
    base = tmp_path_factory.mktemp("wheel")
    source = _copy_checkout(base / "checkout")
    backend = "import sys; from setuptools import build_meta as b; print(getattr(b, sys.argv[1])(sys.argv[2]))"
    built = _run([sys.executable, "-W", "always", "-c", backend, "build_sdist", str(base / "sdist")], cwd=source)
    assert "Deprecat" not in built.stderr, built.stderr  # the SPDX licence and license-files, PEP 639
    sdist = next((base / "sdist").glob("pubkit_press-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        tar.extractall(base / "unpacked", filter="data")
    unpacked = next((base / "unpacked").iterdir())
    # what `pip wheel --no-deps --no-build-isolation` runs, with the backend's warnings shown
    built = _run([sys.executable, "-W", "always", "-c", backend, "build_wheel", str(base / "wheel")], cwd=unpacked)
    assert "Deprecat" not in built.stderr, built.stderr
    wheel = next((base / "wheel").glob("pubkit_press-*.whl"))
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    _run([*pip, "--require-hashes", "--no-deps", "-r", str(ROOT / "requirements.lock")])
    _run([*pip, "--no-deps", str(wheel)])
    _run([str(venv / "bin" / "python"), "-m", "pip", "check"])
    return venv, sdist, wheel


def _tracked() -> set[str]:
    if shutil.which("git") and (ROOT / ".git").exists():
        done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
        if done.returncode == 0:
            return {line for line in done.stdout.splitlines() if (ROOT / line).is_file()}
    return {str(p.relative_to(ROOT)) for top in ("src", "tests", "seeds", "translations")
            for p in (ROOT / top).rglob("*") if p.is_file() and not SKIP & set(p.parts)}


def test_the_sdist_holds_every_file_of_the_checkout(installed):
    _, sdist, _ = installed
    with tarfile.open(sdist) as tar:
        members = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    missing = sorted(_tracked() - members - {".gitignore"})
    assert not missing, f"the sdist lacks {missing[:20]}"


def test_the_wheel_holds_every_file_of_the_package_and_the_licences(installed):
    _, _, wheel = installed
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta = next(z.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    package = {f"pubkit/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert not package - names, sorted(package - names)
    for data in ("pubkit/templates/fonts/PTF55F.ttf", "pubkit/templates/fonts/LICENSE-ParaType.txt",
                 "pubkit/templates/strings.yaml", "pubkit/templates/proof/proof.css",
                 "pubkit/templates/epub/text.xhtml.j2", "pubkit/templates/pdf/book.html.j2"):
        assert data in names
    licences = {n.split("/licenses/", 1)[1] for n in names if "/licenses/" in n}
    assert {"LICENSE", "THIRD-PARTY.md"} <= licences
    assert "License-Expression: AGPL-3.0-or-later" in meta and "Name: pubkit-press" in meta
    assert "\nLicense: " not in meta  # no deprecated licence text field


def test_init_article_publish_in_an_empty_folder(installed, tmp_path):
    venv, _, _ = installed
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}", "HOME": str(home), "LANG": "C.UTF-8",
           "ARGOS_PACKAGES_DIR": str(home / "no-models"), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local" / "share"), "SOURCE_DATE_EPOCH": "1772323200"}
    where = _run([str(venv / "bin" / "python"), "-c", "import pubkit; print(pubkit.__file__)"], env=env, cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout's code
    pubkit = str(venv / "bin" / "pubkit")
    _run([pubkit, "init", "press"], env=env, cwd=tmp_path)
    project = tmp_path / "press"
    assert not (project / "templates").exists()
    (project / "seeds" / "first-article.md").write_text(ARTICLE, encoding="utf-8")
    done = _run([pubkit, "publish"], env=env, cwd=project)
    assert "invoke" not in done.stdout + done.stderr
    dist = project / "dist"
    langs = ("en", "ru", "fr")  # pubkit init's targets: untranslated, printed in English and marked
    for lang in langs:
        for fmt in ("epub", "pdf"):
            assert (dist / f"first-article.{lang}.{fmt}").is_file(), sorted(p.name for p in dist.iterdir())

    jar = epubcheck_jar()
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda lang: epubcheck(jar, dist / f"first-article.{lang}.epub"), ("en", "ru")))
    for proc, report in reports:
        messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
        assert report["checker"]["nFatal"] == report["checker"]["nError"] == report["checker"]["nWarning"] == 0, messages

    pdffonts = require_tool("pdffonts")
    for lang in ("en", "ru"):
        table = _run([pdffonts, str(dist / f"first-article.{lang}.pdf")]).stdout.splitlines()[2:]
        assert table and all(row.split()[-5] == "yes" for row in table), table  # the "emb" column
