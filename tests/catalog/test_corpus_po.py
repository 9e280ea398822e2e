"""Real PO files made by other people's tools (Django, Poedit, Lokalize, Virtaal; corpus/SOURCES):
pubkit's load and save write exactly what GNU msgcat writes, so a file msgcat leaves unchanged
is byte-identical through pubkit, and gettext tools and pubkit never rewrap each other's lines."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pubkit.catalog import dumps, load

from .helpers import gettext_tool

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*/*.po"))


def test_the_corpus_is_there_and_named():
    assert len(CORPUS) >= 33
    sources = (Path(__file__).parent / "corpus" / "SOURCES").read_text(encoding="utf-8")
    assert all(p.parent.name in sources for p in CORPUS)


@pytest.mark.validator
@pytest.mark.parametrize("path", CORPUS, ids=[f"{p.parent.name}/{p.name}" for p in CORPUS])
def test_pubkit_writes_a_real_file_as_msgcat_does(path):
    gnu = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, check=True).stdout
    pf = load(path)
    ours = dumps(pf.po).encode(pf.encoding)
    assert ours == gnu
    if gnu == path.read_bytes():  # msgcat leaves it unchanged: so does pubkit
        assert ours == path.read_bytes()
