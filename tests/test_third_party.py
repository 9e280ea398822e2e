"""The licence pubkit is released under, and THIRD-PARTY.md, which must match the installed metadata."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("third_party", ROOT / "bench" / "third_party.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_third_party_table_is_what_the_metadata_says():
    script = _script()
    assert (ROOT / "THIRD-PARTY.md").read_text(encoding="utf-8") == script.render(), (
        "THIRD-PARTY.md is stale: run python bench/third_party.py")


def test_the_table_lists_every_runtime_dependency_and_font():
    text = (ROOT / "THIRD-PARTY.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for dep in deps:
        name = re.match(r"[A-Za-z0-9._-]+", dep).group(0).lower().replace("_", "-")
        assert name in rows, f"{name} (a runtime dependency) is missing from THIRD-PARTY.md"
    assert "Affero" in rows["ebooklib"] or "AGPL" in rows["ebooklib"]
    assert "ParaType Free Font License" in text and "CC0" in text


def test_pubkit_is_agpl_3_or_later_everywhere_it_says_so():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "AGPL-3.0-or-later"
    assert {"LICENSE", "THIRD-PARTY.md"} <= set(project["license-files"])
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE") and "Version 3, 19 November 2007" in licence
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in licence
    assert len(licence.splitlines()) == 661  # the FSF's text, whole
    assert "AGPL-3.0-or-later" in (ROOT / "README.md").read_text(encoding="utf-8")
