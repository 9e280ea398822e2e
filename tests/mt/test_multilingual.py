"""Multilingual models (M2M-100 / NLLB-200 layout), synthetic CTranslate2 ones: install, choose, translate.

The models are genuine CTranslate2 Transformers with a SentencePiece model and language
tokens in the vocabulary (built by :mod:`pubkit.mt.synthetic_multilingual`, seeded random
weights): tests assert structure and provenance, never content.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubkit.commands import models, translate
from pubkit.config import load_config
from pubkit.errors import ConfigError, InputError, MissingError
from pubkit.mt import load_engine
from pubkit.mt import mlpackages as ml
from pubkit.mt import select as sel
from pubkit.mt.multilingual import MultilingualEngine
from pubkit.mt.synthetic_multilingual import KAZAKH_SAMPLE, build
from pubkit.segment import tags_in

from .conftest import ROOT, TEXT

SLUG = "kazakh-workers-revolt-2022"
TEXTS = [
    "The workers of Zhanaozen went on strike. Mr. Smith said the U.S. embassy was closed.",
    "Prices for <1>gas</1> doubled overnight, e.g. in <2>Mangystau</2>. Protests spread to Almaty.",
    "Run <1/> to see the decree.",
    "",
    "A <1>nested <2>emphasis</2> here</1>.",
]


@pytest.fixture(scope="session")
def ml_models(tmp_path_factory) -> dict[str, Path]:
    """Synthetic models: an M2M-100 style folder and zip (MIT), an NLLB-200 style zip (CC-BY-NC)."""
    out = tmp_path_factory.mktemp("mlmodels")
    return {
        "m2m": build(TEXT, out / "folder"),
        "m2m-zip": build(TEXT, out / "zip", archive=True),
        "nllb-zip": build(TEXT, out / "nllb", ("en", "ru", "kk"), family="nllb", archive=True),
    }


def make_project(tmp_path: Path, *, targets=("ru", "ky", "fr", "kk"), extra: str = "") -> Path:
    """A scratch project whose Argos and multilingual models live in its own folders."""
    dest = tmp_path / "project"
    dest.mkdir()
    toml = (ROOT / "pubkit.toml").read_text(encoding="utf-8")
    toml = re.sub(r"(?m)^targets = .*$", "targets = " + json.dumps(list(targets)), toml)
    (dest / "pubkit.toml").write_text(
        toml + f'\n[models]\ndir = "models"\nmultilingual_dir = "mlmodels"\n{extra}', encoding="utf-8"
    )
    shutil.copytree(ROOT / "seeds", dest / "seeds")
    return dest


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ------------------------------------------------------------------ model folders


def test_metadata_languages_tokens_and_licence(ml_models):
    m2m = ml.load_model(ml_models["m2m"], check_files=True)
    assert m2m.family == "m2m100" and m2m.languages["kk"] == "__kk__" and m2m.languages["en"] == "__en__"
    assert m2m.licence == "MIT" and not m2m.noncommercial and m2m.licence_note == "licence MIT"
    assert m2m.serves("en", "kk") and not m2m.serves("en", "de") and not m2m.serves("kk", "kk")
    vocab = ml.vocabulary(ml_models["m2m"])
    assert {"__en__", "__kk__", "__ru__", "</s>"} <= set(vocab)


def test_languages_read_from_the_vocabulary_when_not_listed(ml_models, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(ml_models["m2m"], folder)
    meta = json.loads((folder / ml.METADATA).read_text(encoding="utf-8"))
    del meta["languages"]
    (folder / ml.METADATA).write_text(json.dumps(meta), encoding="utf-8")
    assert sorted(ml.load_model(folder, check_files=True).languages) == ["en", "fr", "kk", "ky", "ru"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"family": "marian"}, "unknown model family"),
        ({"licence": ""}, "licence"),
        ({"languages": {"en": "__en__", "kk": "__kaz__"}}, "missing from the vocabulary"),
        ({"languages": ["en"]}, "fewer than two"),
        ({"name": "../evil"}, "not a plain file name"),
        ({"noncommercial": "yes"}, "true or false"),
    ],
)
def test_bad_metadata_is_refused_with_the_file_named(ml_models, tmp_path, change, message):
    folder = tmp_path / "m"
    shutil.copytree(ml_models["m2m"], folder)
    meta = {**json.loads((folder / ml.METADATA).read_text(encoding="utf-8")), **change}
    (folder / ml.METADATA).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(InputError) as err:
        ml.install(folder, tmp_path / "dest")
    assert message in err.value.message and err.value.location is not None
    assert [n for n in _leftovers(tmp_path / "dest") if not n.startswith(".")] == []


def test_noncommercial_is_read_from_the_licence_even_when_not_declared(ml_models, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(ml_models["m2m"], folder)
    meta = json.loads((folder / ml.METADATA).read_text(encoding="utf-8"))
    meta.update(licence="CC-BY-NC-4.0")
    meta.pop("noncommercial")
    (folder / ml.METADATA).write_text(json.dumps(meta), encoding="utf-8")
    model = ml.load_model(folder)
    assert model.noncommercial and model.licence_note == "licence CC-BY-NC-4.0, non-commercial use only"


# ------------------------------------------------------------------ the engine


@pytest.fixture(scope="module")
def m2m_engine(ml_models):
    return MultilingualEngine(ml.load_model(ml_models["m2m"]), "en", "kk", threads=2)


def test_source_token_and_eos_around_the_pieces(m2m_engine):
    tokens = m2m_engine.encode("The workers went on strike.")
    assert tokens[0] == "__en__" and tokens[-1] == "</s>" and len(tokens) > 3
    assert m2m_engine.encode("") == []


def test_target_language_is_forced_as_prefix_and_stripped(m2m_engine):
    raw = m2m_engine._translator.translate_batch(
        [m2m_engine.encode("The workers went on strike.")], target_prefix=[["__kk__"]], beam_size=1
    )
    assert raw[0].hypotheses[0][0] == "__kk__"
    draft = m2m_engine.translate(["The workers went on strike."])[0]
    assert draft.text and "__kk__" not in draft.text and "kk" not in draft.text.split()


def test_one_draft_per_text_tags_kept_provenance_with_licence(m2m_engine):
    drafts = m2m_engine.translate(TEXTS)
    assert len(drafts) == len(TEXTS)
    for text, draft in zip(TEXTS, drafts):
        assert tags_in(draft.text) == tags_in(text)
        assert draft.engine.startswith("m2m100/ctranslate2 ") and draft.model == "synthetic-m2m100-tiny"
        assert draft.version == "1.0, licence MIT" and draft.score <= 0
        if text:
            assert draft.text.strip() and draft.score < 0
    assert drafts[3].text == ""
    assert m2m_engine.translate(TEXTS) == drafts  # deterministic


def test_progress_counts_sentences(m2m_engine):
    seen: list[tuple[int, int]] = []
    m2m_engine.translate(TEXTS, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (6, 6) and [d for d, _ in seen] == sorted(d for d, _ in seen)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "Workers",
                "strike",
                "in",
                "Almaty",
                ".",
                "<1>gas</1>",
                "<2/>",
                "5 %",
                "«quoted»",
                "Mr.",
                "Zhanaozen!",
            ]
        ),
        max_size=12,
    )
)
def test_property_every_tag_survives(m2m_engine, words):
    text = " ".join(words)
    draft = m2m_engine.translate([text])[0]
    assert tags_in(draft.text) == tags_in(text)


def test_nllb_family_uses_flores_tokens(ml_models, tmp_path):
    dest = tmp_path / "ml"
    model = ml.install(ml_models["nllb-zip"], dest)
    assert model.languages == {"en": "eng_Latn", "ru": "rus_Cyrl", "kk": "kaz_Cyrl"}
    assert model.noncommercial and model.licence == "CC-BY-NC-4.0"
    engine = MultilingualEngine(model, "en", "kk", threads=1)
    assert engine.encode("Workers.")[0] == "eng_Latn" and engine.target_token == "kaz_Cyrl"
    draft = engine.translate(["The workers went on strike."])[0]
    assert draft.engine.startswith("nllb/ctranslate2 ") and "kaz_Cyrl" not in draft.text
    assert draft.version == "1.0, licence CC-BY-NC-4.0, non-commercial use only"


# ------------------------------------------------------------------ install, list, remove


def test_install_folder_and_zip_list_and_remove(ml_models, tmp_path, capsys):
    proj = make_project(tmp_path)
    assert models.run(root=proj, action="install", file=str(ml_models["m2m-zip"])) == 0
    out = capsys.readouterr()
    assert "project languages it serves: en, ru, ky, fr, kk" in out.err
    assert (proj / "mlmodels" / "synthetic-m2m100-tiny" / "model.bin").is_file()
    assert not (proj / "models").exists()  # Argos's folder untouched: argostranslate would choke on it
    assert models.run(root=proj, action="install", file=str(ml_models["m2m"])) == 0  # folder; replaces
    assert _leftovers(proj / "mlmodels") == ["synthetic-m2m100-tiny"]
    models.run(root=proj, action="list")
    out = capsys.readouterr().out
    assert "synthetic-m2m100-tiny" in out and "MIT" in out and "en, ru, ky, fr, kk" in out
    assert re.search(r"en→kk: multilingual: synthetic-m2m100-tiny 1\.0 \(licence MIT\) \[only model\]", out)
    assert "Every project language has a model." in out
    assert models.run(root=proj, action="remove", name="synthetic-m2m100-tiny") == 0
    assert _leftovers(proj / "mlmodels") == []
    with pytest.raises(MissingError):
        models.run(root=proj, action="remove", name="synthetic-m2m100-tiny")


def test_install_with_a_pair_the_model_lacks_keeps_nothing(ml_models, tmp_path):
    proj = make_project(tmp_path)
    with pytest.raises(InputError) as err:
        models.run(root=proj, action="install", file=str(ml_models["nllb-zip"]), pair="en-ky")
    assert "does not translate en→ky" in err.value.message
    assert _leftovers(proj / "mlmodels") == []


def test_noncommercial_model_listed_as_such_and_refused_by_default(ml_models, tmp_path, capsys):
    proj = make_project(tmp_path)
    models.run(root=proj, action="install", file=str(ml_models["nllb-zip"]))
    assert "NON-COMMERCIAL" in capsys.readouterr().err
    models.run(root=proj, action="list")
    out = capsys.readouterr().out
    assert "CC-BY-NC-4.0 NON-COMMERCIAL (refused by pubkit.toml)" in out
    assert "en→kk: missing (refused: non-commercial licence" in out
    with pytest.raises(MissingError) as err:
        load_engine(load_config(proj), "en", "kk")
    assert "allow_noncommercial" in err.value.message + err.value.hint


def test_noncommercial_model_used_when_allowed(ml_models, tmp_path, capsys):
    proj = make_project(tmp_path, extra="allow_noncommercial = true\n")
    models.run(root=proj, action="install", file=str(ml_models["nllb-zip"]))
    engine = load_engine(load_config(proj), "en", "kk")
    assert engine.target_token == "kaz_Cyrl" and "non-commercial" in engine.model_version


def _zip_of(folder: Path, dest: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(dest, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
        for info, data in extra:
            zf.writestr(info, data)
    return dest


def _link_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("synthetic-m2m100-tiny/link")
    info.external_attr = 0o120777 << 16
    return info


@pytest.mark.parametrize(
    "extra, message",
    [
        ([("synthetic-m2m100-tiny/../../evil.txt", b"x")], "unsafe path"),
        ([(_link_entry(), b"/etc/passwd")], "symbolic link"),
        ([("other/file.txt", b"x")], "exactly one top-level folder"),
    ],
)
def test_unsafe_archives_are_refused_and_nothing_is_left(ml_models, tmp_path, extra, message):
    archive = _zip_of(ml_models["m2m"], tmp_path / "evil.zip", extra)
    dest = tmp_path / "dest"
    with pytest.raises(InputError) as err:
        ml.install(archive, dest)
    assert message in err.value.message
    assert _leftovers(dest) == [] and not (tmp_path / "evil.txt").exists()


def test_folder_with_a_link_is_refused(ml_models, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(ml_models["m2m"], folder)
    os.symlink("/etc/hostname", folder / "extra")
    with pytest.raises(InputError) as err:
        ml.install(folder, tmp_path / "dest")
    assert "symbolic link" in err.value.message and _leftovers(tmp_path / "dest") == []


@pytest.mark.parametrize("key", ["m2m", "m2m-zip"])
def test_size_cap(ml_models, tmp_path, key):
    with pytest.raises(InputError) as err:
        ml.install(ml_models[key], tmp_path / "dest", max_bytes=100_000)
    assert "more than 0 MB" in err.value.message
    assert [n for n in _leftovers(tmp_path / "dest") if not n.startswith(".")] == []


def test_size_cap_setting_validated(ml_models, tmp_path):
    proj = make_project(tmp_path, extra="max_mb = 0\n")
    with pytest.raises(ConfigError) as err:
        models.run(root=proj, action="install", file=str(ml_models["m2m-zip"]))
    assert "max_mb" in err.value.message


def test_missing_tokenizer_refused(ml_models, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(ml_models["m2m"], folder)
    (folder / "sentencepiece.bpe.model").unlink()
    with pytest.raises(InputError) as err:
        ml.install(folder, tmp_path / "dest")
    assert "SentencePiece" in err.value.message and "--copy_files" in err.value.hint


# ------------------------------------------------------------------ choosing an engine


@pytest.fixture
def both(ml_models, archives, tmp_path):
    """A project with the Argos en→ky package and the multilingual model (which serves ky too)."""

    def make(extra: str = "") -> Path:
        proj = make_project(tmp_path, extra=extra)
        models.run(root=proj, action="install", file=str(archives["en-ky"]))
        models.run(root=proj, action="install", file=str(ml_models["m2m"]))
        return proj

    return make


def test_argos_is_the_recorded_default_when_both_serve(both):
    cfg = load_config(both())
    plan = sel.plan(cfg, "en", "ky")
    assert plan.chosen and plan.chosen.family == "argos" and plan.why == "[engines] default"
    assert [c.family for c in plan.others] == ["multilingual"]
    assert sel.plan(cfg, "en", "kk").chosen.family == "multilingual"  # the only model for kk
    assert load_engine(cfg, "en", "ky").engine_name.startswith("argos/")


def test_per_language_choice_in_pubkit_toml(both):
    proj = both()
    toml = (proj / "pubkit.toml").read_text(encoding="utf-8")
    (proj / "pubkit.toml").write_text(
        toml.replace('default = "argos"', 'default = "argos"\nky = "multilingual"'), encoding="utf-8"
    )
    cfg = load_config(proj)
    assert sel.plan(cfg, "en", "ky").why == "[engines] ky"
    assert load_engine(cfg, "en", "ky").engine_name.startswith("m2m100/")
    (proj / "pubkit.toml").write_text(
        toml.replace('default = "argos"', 'default = "argos"\nky = "nosuch"'), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as err:
        sel.plan(load_config(proj), "en", "ky")
    assert "nosuch" in err.value.message and "synthetic-m2m100-tiny" in err.value.hint


def test_no_model_at_all_names_both_ways_to_install(tmp_path):
    with pytest.raises(MissingError) as err:
        load_engine(load_config(make_project(tmp_path)), "en", "kk")
    assert "en→kk" in err.value.message
    assert "--pair en-kk" in err.value.hint and "multilingual" in err.value.hint


# ------------------------------------------------------------------ the translate command


def test_translate_writes_kazakh_drafts_with_licence_provenance(ml_models, tmp_path):
    proj = make_project(tmp_path)
    models.run(root=proj, action="install", file=str(ml_models["m2m-zip"]))
    assert translate.run(root=proj, langs=["kk"], verbose=False) == 0
    po = polib.pofile(str(proj / "translations" / "kk" / f"{SLUG}.po"))
    entries = [e for e in po if not e.obsolete and not (e.msgctxt or "").startswith("meta:")]
    assert entries and all("fuzzy" in e.flags and e.msgstr for e in entries)
    # names, countries and the source line are never sent to a model
    assert all(not e.msgstr for e in po if (e.msgctxt or "").startswith("meta:"))
    lines = {ln for e in entries for ln in e.comment.splitlines() if ln.startswith("pubkit-")}
    assert lines and all(
        re.fullmatch(r"pubkit-mt: m2m100/ctranslate2 [\d.]+ \| synthetic-m2m100-tiny 1\.0, licence MIT", ln)
        or re.fullmatch(r"pubkit-draft: [0-9a-f]{12} \| score -\d+\.\d{3} \| \d{4}-\d\d-\d\d", ln)
        for ln in lines
    ), lines
    assert all(tags_in(e.msgstr) == tags_in(e.msgid) for e in entries)
    kazakh = set("әіғқңөұүһ")
    assert kazakh & set("".join(e.msgstr for e in entries))  # drawn from the Kazakh sample's pieces
    assert kazakh <= set(KAZAKH_SAMPLE)


def test_install_from_a_url(ml_models, index_server, tmp_path):
    shutil.copy(ml_models["m2m-zip"], index_server["root"] / "m2m.zip")
    proj = make_project(tmp_path)
    assert models.run(root=proj, action="install", url=f"{index_server['base']}/m2m.zip") == 0
    assert _leftovers(proj / "mlmodels") == ["synthetic-m2m100-tiny"]
    assert [n for n in _leftovers(proj / "models") if not n.startswith(".")] == []  # no download left


@pytest.mark.parametrize("engines, message", [
    ('default = "marian"', "is not an engine family"),
    ('default = "argos"\nkk = 3', "`[engines] kk` must be text"),
])
def test_bad_engines_table_is_a_config_error(tmp_path, engines, message):
    proj = make_project(tmp_path)
    toml = (proj / "pubkit.toml").read_text(encoding="utf-8")
    (proj / "pubkit.toml").write_text(toml.replace('default = "argos"', engines), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_engine(load_config(proj), "en", "kk")
    assert message in err.value.message and err.value.location.path.name == "pubkit.toml"


def test_an_explicit_choice_of_a_refused_model_says_why(ml_models, tmp_path):
    proj = make_project(tmp_path)
    models.run(root=proj, action="install", file=str(ml_models["nllb-zip"]))
    toml = (proj / "pubkit.toml").read_text(encoding="utf-8")
    toml = toml.replace('default = "argos"', 'default = "argos"\nkk = "multilingual"')
    (proj / "pubkit.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(MissingError) as err:
        load_engine(load_config(proj), "en", "kk")
    assert "non-commercial" in err.value.message and "synthetic-nllb-tiny" in err.value.message


def test_index_install_skips_languages_a_multilingual_model_serves(ml_models, index_server, tmp_path, capsys):
    proj = make_project(tmp_path, targets=("ru", "kk"))
    models.run(root=proj, action="install", file=str(ml_models["nllb-zip"]))  # refused: non-commercial
    capsys.readouterr()
    with pytest.raises(MissingError) as err:  # kk is still lacking, and the index has no en→kk
        models.run(root=proj, action="install", index=index_server["index"])
    assert "en→kk" in err.value.message
    (tmp_path / "two").mkdir()
    proj2 = make_project(tmp_path / "two", targets=("ru", "kk"))
    models.run(root=proj2, action="install", file=str(ml_models["m2m"]))
    capsys.readouterr()
    assert models.run(root=proj2, action="install", index=index_server["index"]) == 0
    assert "nothing to install" in capsys.readouterr().err


def test_a_model_reinstalled_under_the_same_name_is_loaded_again(ml_models, tmp_path):
    proj = make_project(tmp_path)
    models.run(root=proj, action="install", file=str(ml_models["m2m"]))
    first = load_engine(load_config(proj), "en", "kk").translate(["The workers went on strike."])[0]
    other = build(TEXT, tmp_path / "other", seed=99)  # same name and version, other weights
    models.run(root=proj, action="install", file=str(other))
    second = load_engine(load_config(proj), "en", "kk").translate(["The workers went on strike."])[0]
    assert second.text != first.text
    gone = ml.load_model(proj / "mlmodels" / "synthetic-m2m100-tiny")
    (gone.path / "model.bin").unlink()  # removed behind pubkit's back
    with pytest.raises(InputError) as err:
        MultilingualEngine(gone, "en", "kk")
    assert "reinstall" in err.value.hint
