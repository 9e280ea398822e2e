"""`--json` on status, check, models.list, outline, build and publish: README's documented shapes.

Each runs as the console script in a small project (`pubkit init --example`); JSON goes to
stdout alone (messages stay on stderr), so a CI job or a web front-end can read it as it is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pubkit import cli


def run_json(capsys, cwd: Path, *args: str):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        cli.main(["pubkit", *args])
        code = 0
    except SystemExit as end:
        code = int(end.code or 0)
    finally:
        os.chdir(old)
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.fixture(scope="module")
def press(tmp_path_factory):
    root = tmp_path_factory.mktemp("json") / "press"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARGOS_PACKAGES_DIR", str(root.parent / "no-models"))
        mp.setenv("PUBKIT_MULTILINGUAL_DIR", str(root.parent / "no-models"))
        cli_code = None
        try:
            cli.main(["pubkit", "init", "--example", str(root)])
        except SystemExit as end:
            cli_code = end.code
        assert not cli_code
        yield root


@pytest.fixture(autouse=True)
def no_models(press, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(press.parent / "no-models"))
    monkeypatch.setenv("PUBKIT_MULTILINGUAL_DIR", str(press.parent / "no-models"))


def test_publish_then_build_json(press, capsys):
    data = run_json(capsys, press, "publish", "--json", "--no-translate")
    assert set(data) == {"updated", "findings", "unsettled_guesses", "build"}
    assert data["updated"] == ["ru", "fr"] and data["unsettled_guesses"] == 0
    assert set(data["findings"]) == {"error", "warning", "info"} and data["findings"]["warning"] > 0  # untranslated
    built = data["build"]
    assert set(built) == {"built", "up_to_date", "checksums", "checksums_rewritten"}
    assert "dist/example-article.ru.epub" in built["built"] and len(built["built"]) == 6
    again = run_json(capsys, press, "build", "--json")
    assert again["built"] == [] and sorted(again["up_to_date"]) == sorted(built["built"])
    assert again["checksums"] == "dist/SHA256SUMS"


def test_status_check_outline_models_json(press, capsys):
    status = run_json(capsys, press, "status", "--json")
    assert {"rows", "policy", "problems"} <= set(status)
    row = next(r for r in status["rows"] if r["lang"] == "ru")
    assert row["article"] == "example-article" and row["counts"]["untranslated"] > 0
    findings = run_json(capsys, press, "check", "--json")
    assert findings and {"code", "severity", "message", "file", "line", "hint"} <= set(findings[0])
    outline = run_json(capsys, press, "outline", "--json")
    assert [a["slug"] for a in outline] == ["example-article"]
    assert set(outline[0]) == {"file", "slug", "outline", "guesses"} and outline[0]["file"].endswith(".md")
    models = run_json(capsys, press, "models.list", "--json")
    assert set(models) == {"argos", "multilingual", "pairs", "lacking"}
    assert models["lacking"] == ["en-ru", "en-fr"] and models["pairs"][0]["why"] == "no model"
