"""The bad-input corpus (tests/corpus/cases.yaml): clear message, documented exit code, nothing lost."""

from __future__ import annotations

import importlib
import os
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from pubkit.errors import PubkitError
from pubkit.fsio import printable

CORPUS = Path(__file__).parent / "corpus"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for d in ("translations", "dist") for p in sorted((root / d).rglob("*")) if p.is_file()}


def _outside(scratch: Path, project: Path) -> set[str]:
    """Every path in the scratch tree outside the project (nothing may appear there)."""
    return {str(p) for p in scratch.rglob("*") if not p.is_relative_to(project)}


def _make(spec: dict, target: Path, outside: Path) -> None:
    """Put the case's file where a user would: a copy, or (special/) a FIFO or a link."""
    source = CORPUS / spec["copy"] if "copy" in spec else None
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    kind = spec.get("make")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link-dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "link-outside":
        secret = outside / "secret.txt"
        shutil.copy(source, secret)
        target.symlink_to(secret)
    elif kind == "link-outside-folder":
        target.symlink_to(outside, target_is_directory=True)
    elif kind == "folder":
        target.mkdir()
    else:
        assert kind is None, f"unknown make: {kind}"
        shutil.copy(source or CORPUS / spec["case"], target)


def _run(command, project: Path, timeout: float = 120.0):
    """Run a command in a thread so that a case that blocks (a FIFO) fails instead of hanging."""
    box: dict = {}

    def target():
        try:
            box["rc"] = command.run(root=project)
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "the command blocked"
    if "error" in box:
        raise box["error"]
    return box["rc"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_corpus_case(project, case):
    spec = {**CASES[case], "case": case}
    scratch = project.parent
    outside = scratch / "outside"
    outside.mkdir()
    target = project / spec["as"]
    target.parent.mkdir(parents=True, exist_ok=True)
    _make(spec, target, outside)
    before = _snapshot(project)
    around = _outside(scratch, project)
    command = importlib.import_module(f"pubkit.commands.{spec['run']}")
    if spec["exit"] == 0:
        assert _run(command, project) == 0
        assert _outside(scratch, project) == around, "nothing is written outside the project"
        return
    with pytest.raises(PubkitError) as err:
        _run(command, project)
    e = err.value
    assert int(e.exit_code) == spec["exit"], str(e)
    assert _outside(scratch, project) == around, "nothing is written outside the project"
    assert e.location is not None, str(e)
    assert Path(e.location.path).name == spec.get("file", printable(target.name)), str(e)
    assert "\n" not in str(e).split("\n  hint: ")[0], "the message is one line"
    if "line" in spec:
        assert e.location.line == spec["line"], str(e)
    assert spec["message"].lower() in str(e).lower()
    assert e.hint, "every error says what to do"
    assert _snapshot(project) == before, "an error must leave every file as it was"


def test_hostile_msgstr_is_text_in_both_editions(project):
    """A reviewer's msgstr with <script>, <img onerror> and a javascript: link becomes text."""
    import zipfile

    from lxml import etree

    from pubkit.commands import build, check
    from pubkit.config import load_config

    shutil.copy(CORPUS / "po" / "hostile-msgstr.po", project / "translations" / "ru" / "kazakh-workers-revolt-2022.po")
    assert build.run(root=project, langs=["ru"]) == 0
    with zipfile.ZipFile(project / "dist" / "kazakh-workers-revolt-2022.ru.epub") as zf:
        docs = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith((".xhtml", ".opf", ".ncx"))}
    assert docs
    for name, text in docs.items():
        tree = etree.fromstring(text.encode("utf-8"))
        for el in tree.iter():
            tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
            assert tag not in ("script", "iframe", "object", "embed"), name
            assert not (tag == "img" and "onerror" in el.attrib), name
            for attr, value in el.attrib.items():
                assert not etree.QName(attr).localname.startswith("on"), (name, attr)
                assert not value.strip().lower().startswith("javascript:"), (name, attr)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in t for t in docs.values())
    pdf = (project / "dist" / "kazakh-workers-revolt-2022.ru.pdf").read_bytes()
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf
    findings = check.collect(load_config(project), langs=["ru"])
    html = [d for d in findings if d.code == "html"]
    assert html and html[0].location.line > 0, "check points the reviewer at the markup"
