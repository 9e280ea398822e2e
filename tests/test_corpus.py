"""The bad-input corpus (tests/corpus/cases.yaml): clear message, documented exit code, nothing lost."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest
import yaml

from pubkit.errors import PubkitError

CORPUS = Path(__file__).parent / "corpus"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for d in ("translations", "dist") for p in sorted((root / d).rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_corpus_case(project, case):
    spec = CASES[case]
    target = project / spec["as"]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / case, target)
    before = _snapshot(project)
    command = importlib.import_module(f"pubkit.commands.{spec['run']}")
    if spec["exit"] == 0:
        assert command.run(root=project) == 0
        return
    with pytest.raises(PubkitError) as err:
        command.run(root=project)
    e = err.value
    assert int(e.exit_code) == spec["exit"], str(e)
    assert e.location is not None and Path(e.location.path).name == target.name, str(e)
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
