"""pubkit.toml is read through a strict schema: a typo or a wrong type stops with file:line, exit 78."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pubkit.commands.init import CONFIG_TEXT
from pubkit.config import load_config
from pubkit.config_schema import KNOWN
from pubkit.errors import ConfigError, ExitCode

ROOT = Path(__file__).resolve().parents[1]
BASE = '[project]\nsource_lang = "en"\ntargets = ["ru"]\n\n[languages]\nen = { name = "English" }\nru = { name = "Russian" }\n'


def _load(tmp_path: Path, text: str):
    (tmp_path / "pubkit.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def _error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text)
    assert err.value.exit_code == ExitCode.CONFIG == 78
    return err.value


@pytest.mark.parametrize("text, line, message, hint", [
    ('[project]\ntarget = ["ru"]\n', 2, "unknown key `[project] target`", "did you mean `targets`?"),
    (BASE + '\n[pdf]\npagesize = "A4"\n', 10, "unknown key `[pdf] pagesize`", "did you mean `page_size`?"),
    (BASE + '\n[publishr]\nname = "Press"\n', 9, "unknown table [publishr]", "did you mean [publisher]?"),
    ('targets = ["ru"]\n' + BASE, 1, "unknown key `targets` outside any table", "`[project] targets`"),
    (BASE + 'kk = { nme = "Kazakh" }\n', 8, "unknown key `[languages] kk.nme`", "did you mean `name`?"),
    (BASE + '\n[engines]\ndefualt = "argos"\n', 10, "unknown key `[engines] defualt`", "did you mean `default`?"),
    (BASE + '\n[paths]\ntempltes = "t"\n', 10, "unknown key `[paths] templtes`", "did you mean `templates`?"),
    (BASE + '\n[typography]\nhyphenaton = { en = "en_GB" }\n', 10, "[typography] hyphenaton", "`hyphenation`"),
])
def test_a_typo_names_the_nearest_known_key_with_its_line(tmp_path, text, line, message, hint):
    err = _error(tmp_path, text)
    assert message in err.message and hint in (err.hint or "")
    assert err.location.line == line and Path(err.location.path) == tmp_path / "pubkit.toml"


@pytest.mark.parametrize("text, message", [
    ('[project]\ntargets = "ru"\n' + BASE.split("\n", 3)[3], '`[project] targets` must be a list'),
    (BASE + '\n[models]\nallow_noncommercial = "yes"\n', "must be true or false, not \"yes\""),
    (BASE + '\n[models]\nmax_mb = -3\n', "must be a number above 0"),
    (BASE + '\n[pdf]\npage_size = 5\n', "`[pdf] page_size` must be text in quotes, not 5"),
    (BASE.replace('ru = { name = "Russian" }', 'ru = { name = "Russian", dir = "up" }'), "one of 'ltr' or 'rtl'"),
    (BASE.replace('ru = { name = "Russian" }', 'ru = { native = "Русский" }'), "`[languages] ru.name` is missing"),
    (BASE + '\n[publisher]\nname = ["a", "b"]\n', "[publisher] name"),
])
def test_a_wrong_type_says_what_is_expected(tmp_path, text, message):
    assert message in _error(tmp_path, text).message


def _uncommented(text: str) -> str:
    """The TOML with every commented-out table and `key = value` line switched on."""
    out = []
    for line in text.splitlines():
        m = re.match(r"#\s?(\[[a-z_]+\]\s*$|[a-z_]+ = .*)", line)
        candidate = re.sub(r"\s+#.*$", "", m.group(1)) if m else ""
        try:
            tomllib.loads(candidate)  # a commented-out setting, not prose about one
        except tomllib.TOMLDecodeError:
            candidate = ""
        out.append(candidate if m and candidate else line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("source", ["checkout", "init"])
def test_every_documented_key_is_known(tmp_path, source):
    """The checkout's pubkit.toml and `pubkit init`'s, with every commented key switched on, load."""
    text = (ROOT / "pubkit.toml").read_text(encoding="utf-8") if source == "checkout" else CONFIG_TEXT
    (tmp_path / "models").mkdir()
    full = _uncommented(text).replace('dir = "..."', 'dir = "models"').replace('multilingual_dir = "..."',
                                                                              'multilingual_dir = "models"')
    cfg = _load(tmp_path, full)
    documented = set(re.findall(r"^\[([a-z_]+)\]", full, re.M))
    assert documented == set(KNOWN[()]), documented ^ set(KNOWN[()])  # every table is documented, and known
    assert cfg.raw["models"]["allow_noncommercial"] is False


def test_dir_is_read(tmp_path):
    cfg = _load(tmp_path, BASE.replace('ru = { name = "Russian" }', 'ru = { name = "Russian", dir = "rtl" }'))
    assert cfg.language("ru").dir == "rtl" and cfg.language("en").dir == "ltr"


def test_engines_keys_are_languages(tmp_path):
    err = _error(tmp_path, BASE + '\n[engines]\nruu = "multilingual"\n')
    assert "[engines] ruu" in err.message and "did you mean `ru`?" in (err.hint or "")
    assert err.location.line == 10


def test_the_console_script_exits_78_on_a_typo(tmp_path, capsys):
    from .test_cli import pubkit

    (tmp_path / "pubkit.toml").write_text(BASE + '\n[pdf]\npagesize = "A4"\n', encoding="utf-8")
    code, text = pubkit(capsys, "status", cwd=tmp_path)
    assert code == 78 and "pubkit.toml:10: unknown key `[pdf] pagesize`" in text and "page_size" in text
