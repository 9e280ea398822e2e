"""The front door: `pubkit init`, the console script's tasks, exit codes and the program's name in hints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pubkit import cli, tasks
from pubkit.config import PACKAGED_TEMPLATES, load_config
from pubkit.errors import ExitCode
from pubkit.project import load_articles


def pubkit(capsys, *args: str, cwd: Path | None = None) -> tuple[int, str]:
    """Run the console script in this process; its exit code and what it printed (both streams)."""
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        cli.main(["pubkit", *args])
        code = 0
    except SystemExit as end:
        code = int(end.code or 0)
    finally:
        os.chdir(old)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_init_makes_a_project_that_loads_and_reads_its_example(tmp_path, capsys):
    code, text = pubkit(capsys, "init", "--example", str(tmp_path / "press"))
    assert code == 0, text
    root = tmp_path / "press"
    assert (root / "seeds").is_dir() and (root / "translations").is_dir()
    assert not (root / "templates").exists()  # the packaged templates are used
    assert "pubkit publish" in text and "invoke" not in text
    cfg = load_config(root)
    assert cfg.source_lang == "en" and cfg.targets and cfg.templates == PACKAGED_TEMPLATES
    assert "[languages]" in (root / "pubkit.toml").read_text(encoding="utf-8")
    assert [d.meta.slug for d in load_articles(cfg)] == ["example-article"]
    assert "/dist/" in (root / ".gitignore").read_text(encoding="utf-8")


def test_init_refuses_an_existing_project_and_writes_nothing(tmp_path, capsys):
    assert pubkit(capsys, "init", str(tmp_path))[0] == 0
    before = (tmp_path / "pubkit.toml").read_bytes()
    (tmp_path / "pubkit.toml").write_bytes(before + b"# mine\n")
    code, text = pubkit(capsys, "init", "--example", str(tmp_path))
    assert code == ExitCode.ENVIRONMENT == 73
    assert "already holds a project" in text and "nothing was written" in text
    assert (tmp_path / "pubkit.toml").read_bytes() == before + b"# mine\n"
    assert not (tmp_path / "seeds" / "example-article.md").exists()


def test_init_refuses_to_replace_any_file_before_writing_one(tmp_path, capsys):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.css").write_text("/* mine */", encoding="utf-8")
    code, text = pubkit(capsys, "init", "--templates", str(tmp_path))
    assert code == 73 and "base.css already exists" in text
    assert not (tmp_path / "pubkit.toml").exists()
    assert (tmp_path / "templates" / "base.css").read_text(encoding="utf-8") == "/* mine */"


def test_init_templates_copies_every_packaged_file(tmp_path, capsys):
    assert pubkit(capsys, "init", "--templates", str(tmp_path))[0] == 0
    packaged = sorted(p.relative_to(PACKAGED_TEMPLATES) for p in PACKAGED_TEMPLATES.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    copied = sorted(p.relative_to(tmp_path / "templates") for p in (tmp_path / "templates").rglob("*")
                    if p.is_file())
    assert copied == packaged and Path("fonts/PTF55F.ttf") in copied
    assert load_config(tmp_path).templates == tmp_path / "templates"


def test_without_a_project_publish_says_how_to_make_one(tmp_path, capsys):
    code, text = pubkit(capsys, "publish", cwd=tmp_path)
    assert code == ExitCode.CONFIG
    assert "no pubkit.toml" in text and "`pubkit init`" in text and "invoke" not in text


@pytest.mark.parametrize("args, said", [
    (("check", "--strictt"), "No idea what '--strictt' is!"),
    (("nosuch",), "No idea what 'nosuch' is!"),
    (("test",), "No idea what 'test' is!"),  # checkout-only tasks are not offered
    (("lint",), "No idea what 'lint' is!"),
])
def test_an_unknown_task_or_option_exits_64_with_invokes_message(tmp_path, capsys, args, said):
    code, text = pubkit(capsys, *args, cwd=tmp_path)
    assert code == ExitCode.USAGE == 64
    assert said in text and "pubkit --list" in text


def test_dry_is_refused_not_ignored(tmp_path, capsys):
    assert pubkit(capsys, "init", str(tmp_path))[0] == 0
    code, text = pubkit(capsys, "--dry", "build", cwd=tmp_path)
    assert code == 64 and "--dry is not supported" in text
    assert not (tmp_path / "dist").exists()


def test_the_console_script_lists_only_the_tasks_of_a_project(tmp_path, capsys):
    code, text = pubkit(capsys, "--list", cwd=tmp_path)
    assert code == 0
    listed = {line.split()[0] for line in text.splitlines() if line.startswith("  ") and line.split()}
    assert {"init", "publish", "build", "status", "models.install"} <= listed
    assert not listed & {"test", "bench", "lint"}
    assert {"test", "bench", "lint"} <= set(tasks.ns.task_names)  # the checkout's invoke keeps them


def test_hints_name_the_program_that_runs():
    assert cli.as_program("run `invoke status --queue --lang ru` first") == "run `pubkit status --queue --lang ru` first"
    assert cli.as_program("e.g. invoke models.remove --pair en-ru") == "e.g. pubkit models.remove --pair en-ru"
    assert cli.as_program("(invoke retire)") == "(pubkit retire)"
    for untouched in ("invoke the model", "from invoke import task", "reinvoke publish", "invoke publishing"):
        assert cli.as_program(untouched) == untouched


def test_init_lang_adds_a_target_with_cldr_names_and_makes_its_po_files(tmp_path, capsys):
    import polib

    root = tmp_path / "press"
    assert pubkit(capsys, "init", "--example", str(root))[0] == 0
    code, text = pubkit(capsys, "init-lang", "ar", cwd=root)
    assert code == 0, text
    cfg = load_config(root)
    assert cfg.targets[-1] == "ar" and cfg.language("ar").dir == "rtl" and cfg.language("ar").native == "العربية"
    po = polib.pofile(str(root / "translations" / "ar" / "example-article.po"))
    assert po.metadata["Plural-Forms"].startswith("nplurals=6;") and len(po) > 5
    assert "# Languages an edition is built for" in (root / "pubkit.toml").read_text(encoding="utf-8")  # kept
    assert pubkit(capsys, "init-lang", "kk", cwd=root)[0] == 0  # described already: only added to targets
    assert (root / "pubkit.toml").read_text(encoding="utf-8").count("kk = {") == 1
    code, text = pubkit(capsys, "init-lang", "kk", cwd=root)
    assert code == 64 and "already a language" in text
