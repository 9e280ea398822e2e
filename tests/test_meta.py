"""The one metadata schema (readers/meta.py): every bad value is a clear error with file:line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit.errors import ExitCode, InputError
from pubkit.readers import meta as M

P = Path("seeds/x.yaml")


def bad(text: str, *, offset: int = 0) -> InputError:
    with pytest.raises(InputError) as err:
        M.parse(text, P, line_offset=offset)
    e = err.value
    assert e.exit_code == ExitCode.INPUT and e.location is not None and e.location.path == P
    assert e.hint, "every error says what to do"
    return e


def ok(text: str) -> M.ArticleMeta:
    return M.parse(text, P).meta


def test_the_seed_sidecar_is_valid():
    root = Path(__file__).resolve().parents[1]
    m = ok((root / "seeds" / "kazakh-workers-revolt-2022.yaml").read_text(encoding="utf-8"))
    assert m.slug == "kazakh-workers-revolt-2022" and m.date == "2022-01-27" and len(m.corrections) == 3
    assert m.author_list[0].countries == ("Austria", "France", "Spain", "Turkey")


@pytest.mark.parametrize("text, line, words", [
    ("title: [a, b]\n", 1, "must be text, not a list"),
    ("lang: en\nsubtitle: {a: b}\n", 2, "not a mapping"),
    ("title: 1984\n", 1, "not a number"),
    ("title: ''\n", 1, "empty"),
    ("subtitle: ''\n", 1, "subtitle: none"),
    ("date: 2022-02-30\n", 1, "does not exist"),
    ("date: 27 January 2022\n", 1, "YYYY-MM-DD"),
    ("date: 2022-01-27 at noon\n", 1, "YYYY-MM-DD"),
    ("date: 2022-01-27 25:00:00 +0000\n", 1, "does not exist"),
    ("description: [a]\n", 1, "must be text"),
    ("draft: maybe\n", 1, "true or false"),
    ("slug: ../../../x\n", 1, "slug"),
    ("slug: /elsewhere/x\n", 1, "slug"),
    ("slug: a/b\n", 1, "slug"),
    ('slug: "a\\0b"\n', 1, "slug"),
    ("slug: " + "a" * 300 + "\n", 1, "slug"),
    ("slug: Has-Capitals\n", 1, "slug"),
    ("slug: -leading\n", 1, "slug"),
    ("lang: english\n", 1, "language code"),
    ("authors: 42\n", 1, "authors"),
    ("authors:\n  - name: A\n  - countries: [France]\n", 3, "missing"),
    ("authors:\n  - name: [A, B]\n", 2, "must be text"),
    ("author: A\nauthors: [B]\n", 1, "both"),
    ("corrections:\n  - find: a\n    replace: a\n", 2, "are the same"),
    ("corrections:\n  - find: ''\n    replace: a\n", 2, "empty"),
    ("corrections:\n  - find: a\n", 2, "missing"),
    ("corrections: {find: a, replace: b}\n", 1, "list"),
    ("structure:\n  12: heading\n  24-20: list\n", 3, "ends before it starts"),
    ("structure:\n  x: list\n", 2, "source line"),
    ("structure:\n  0: list\n", 2, "source line"),
    ("structure:\n  3: lst\n", 2, "not one of heading"),
    ("structure: [12, heading]\n", 1, "structure"),
    ("title: a\ntitle: b\n", 2, "given twice (first at line 1)"),
    ("title: !!python/object:os.system x\n", 1, "tag"),
    ("title: !!binary aGVsbG8=\n", 1, "tag"),
    ("- a\n- b\n", 1, "key: value"),
    ("title: a\n---\ntitle: b\n", 2, "more than one YAML document"),
    ("title: a\n  b: c\n", 2, "not valid YAML"),
    ("a: &x [1]\nb: *x\n", 2, "aliases"),
    ("<<: {title: a}\n", 1, "plain word"),
    ("title: a\n~: x\n", 2, "None is not a key name"),
    ("yes: x\n", 1, "True is not a key name"),
])
def test_bad_values_are_errors_with_their_line(text, line, words):
    e = bad(text)
    assert e.location.line == line, str(e)
    assert words.lower() in str(e).lower()


def test_unknown_keys_name_the_nearest_known_key():
    e = bad("title: T\nautors: [Jane]\n")
    assert e.location.line == 2 and "autors" in e.message and "`authors`" in e.hint
    e = bad("corrections:\n  - find: a\n    replce: b\n")
    assert e.location.line == 3 and "`replace`" in e.hint
    e = bad("authors:\n  - name: A\n    contries: [France]\n")
    assert e.location.line == 3 and "`countries`" in e.hint
    e = bad("zzzz: 1\n")
    assert "known keys" in e.hint and "title" in e.hint


def test_front_matter_lines_count_from_the_file():
    e = bad("title: T\nautors: [Jane]\n", offset=1)
    assert e.location.line == 3


def test_strict_types_never_guess():
    m = ok("authors: Jane Doe\n")
    assert [a.name for a in m.author_list] == ["Jane Doe"], "a single string is one author, not eight letters"
    m = ok("author: {name: Jane Doe, countries: France}\n")
    assert m.author_list[0].countries == ("France",)
    m = ok("slug: x # a note\ndate: 2022-01-27 # quoted or not\n")
    assert m.slug == "x" and m.date == "2022-01-27"
    m = ok('date: "2024-02-29"\n')
    assert m.date == "2024-02-29"


def test_structure_and_subtitle_none_are_typed():
    ms = M.parse("subtitle: none\nstructure:\n  12: heading\n  20-24: list\n  30: quote\n", P)
    assert ms.meta.no_subtitle
    hints = ms.meta.structure_hints(ms.lines.lines)
    assert [(h.first, h.last, h.kind, h.line) for h in hints] == [
        (12, 12, "heading", 3), (20, 24, "list", 4), (30, 30, "quote", 5)]
    assert not ok("subtitle: None of this matters\n").no_subtitle


def test_alias_bomb_fails_fast():
    bomb = "\n".join(
        [f'{chr(97)}: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    )
    assert 300 < len(bomb) < 600
    start = time.perf_counter()
    e = bad(bomb)
    assert time.perf_counter() - start < 1.0
    assert "aliases" in e.message and e.location.line == 2


def test_deep_nesting_and_many_values_fail_fast():
    start = time.perf_counter()
    e = bad("title: " + "[" * 200_000)
    assert "nested" in e.message
    e = bad("title: [" + ",".join(["a"] * (M.MAX_NODES + 10)) + "]\n")
    assert "more than" in e.message
    e = bad("".join(f"k{i}: v\n" for i in range(100_000)))
    assert "more than" in e.message
    e = bad("# a comment\n" * (M.MAX_TEXT // 10))
    assert "longer than" in e.message
    assert time.perf_counter() - start < 5


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=100))
def test_only_safe_slugs_pass(slug):
    """Invariant: a slug the schema accepts is one plain path component (no '/', '..', NUL, dot)."""
    try:
        m = M.ArticleMeta.model_validate({"slug": slug})
    except Exception:
        return
    assert m.slug == slug and M.SLUG_RE.match(slug)
    assert "/" not in slug and "\0" not in slug and not slug.startswith((".", "-")) and len(slug) <= 80
    assert Path(slug).name == slug and Path(slug).parts == (slug,)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_yaml_text_is_parsed_or_refused_cleanly(text):
    try:
        M.parse(text, P)
    except InputError as e:
        assert e.location is not None and e.location.line >= 1


# ------------------------------------------------------------ through the readers


def test_front_matter_corrections_are_applied(tmp_path):
    from pubkit.readers import read_article

    md = tmp_path / "note.md"
    fix = "---\ncorrections:\n  - find: teh\n    replace: the\n---\n"
    md.write_text(fix + "# A note\n\nteh text.\n", encoding="utf-8")
    doc = read_article(md, tmp_path)
    assert "the text." in repr(doc.blocks) and "teh" not in repr(doc.blocks)
    md.write_text(fix.replace("teh", "nowhere") + "# A note\n\nText.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no longer matches") as err:
        read_article(md, tmp_path)
    assert err.value.location.line == 3


def test_sidecar_and_front_matter_share_keys_and_front_matter_wins(tmp_path):
    from pubkit.readers import article_slug, read_article

    md = tmp_path / "note.md"
    md.write_text("---\ntitle: From front matter\n---\nText.\n", encoding="utf-8")
    md.with_suffix(".yaml").write_text(
        "title: From sidecar\nslug: sidecar-slug\nauthors: Jane Doe\n", encoding="utf-8")
    doc = read_article(md, tmp_path)
    assert doc.meta.title == "From front matter" and doc.meta.slug == "sidecar-slug"
    assert [a.name for a in doc.meta.authors] == ["Jane Doe"]
    assert article_slug(md, tmp_path) == "sidecar-slug"


def test_sidecar_correction_that_no_longer_matches_names_its_line(tmp_path):
    from pubkit.readers import read_article

    txt = tmp_path / "a.txt"
    txt.write_text("Title\n\nBody text here.\n", encoding="utf-8")
    txt.with_suffix(".yaml").write_text(
        "slug: a\ncorrections:\n  - find: Body\n    replace: The body\n  - find: gone\n    replace: x\n",
        encoding="utf-8")
    with pytest.raises(InputError, match="correction #2") as err:
        read_article(txt, tmp_path)
    assert err.value.location.path.name == "a.yaml" and err.value.location.line == 5


@pytest.mark.parametrize("name", [
    "Has Space.txt", "UPPER.txt", "new\nline.txt", "-dash.txt", "x" * 81 + ".txt"])
def test_a_file_name_that_is_no_slug_is_refused_naming_the_file(tmp_path, name):
    from pubkit.readers import article_slug, read_article

    src = tmp_path / name
    src.write_text("Title\n\nText.\n", encoding="utf-8")
    for fn in (read_article, article_slug):
        with pytest.raises(InputError, match="cannot name the output files") as err:
            fn(src, tmp_path)
        assert Path(err.value.location.path).name == name.replace("\n", "\\x0a") and "slug:" in err.value.hint
        assert "\n" not in str(err.value).split("\n  hint")[0], "the message is one line"
    src.with_suffix(".yaml").write_text("slug: fine\n", encoding="utf-8")
    assert article_slug(src, tmp_path) == read_article(src, tmp_path).meta.slug == "fine"


def test_subtitle_none_keeps_the_guessed_subtitle_in_the_text(tmp_path):
    from pubkit.model import Heading
    from pubkit.readers import read_article

    txt = tmp_path / "a.txt"
    txt.write_text("Title\n\nA short heading\n\nBody text here.\n", encoding="utf-8")
    assert read_article(txt, tmp_path).meta.subtitle == "A short heading"
    txt.with_suffix(".yaml").write_text("subtitle: none\n", encoding="utf-8")
    doc = read_article(txt, tmp_path)
    assert doc.meta.subtitle == "" and isinstance(doc.blocks[0], Heading)


def test_the_readme_example_is_valid_and_means_what_it_says():
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### The metadata keys.*?```yaml\n(.*?)```", readme, re.S).group(1)
    ms = M.parse(block, Path("README.md"))
    m = ms.meta
    assert m.title == "Kazakhstan: the workers' revolt" and m.no_subtitle and m.date == "2022-01-27"
    assert m.author_list[0].countries == ("Austria", "France", "Spain", "Turkey")
    assert m.corrections[0].why and [h.kind for h in m.structure_hints()] == ["date", "heading", "list"]
    assert m.description == "What the strike won" and m.subjects == ("labour", "Kazakhstan") and not m.draft
    assert M.MAX_DEPTH == 8 and "more than 8 levels" in readme.replace("\n", " ")
    from pubkit.fsio import MB, READ_LIMITS

    assert (READ_LIMITS["seed"], READ_LIMITS["sidecar"], READ_LIMITS["po"]) == (20 * MB, 1 * MB, 50 * MB)


def test_errors_quoting_user_text_print_as_text(capsys):
    """A value such as `[/note]` or `[bold]` in a message is printed as written, never as markup."""
    from pubkit.ui import print_error

    e = bad('slug: "[/note] [bold]x"\n')
    print_error(e)
    err = capsys.readouterr().err
    assert "slug '[/note] [bold]x'" in err and "hint:" in err


def test_title_lines_point_into_the_source_file(tmp_path):
    """A PO reference (`#: seeds/x.md:N`) names a line of the source, never one of the sidecar."""
    from pubkit.readers import read_article

    md = tmp_path / "note.md"
    md.write_text("---\nlang: en\ntitle: From front matter\n---\nText.\n", encoding="utf-8")
    assert read_article(md, tmp_path).meta.title_line == 3
    md.write_text("---\nlang: en\n---\n# Heading title\n\nText.\n", encoding="utf-8")
    md.with_suffix(".yaml").write_text("slug: a\n\n\n\n\ntitle: From sidecar\n", encoding="utf-8")
    doc = read_article(md, tmp_path)
    assert doc.meta.title == "From sidecar" and doc.meta.title_line == 0
