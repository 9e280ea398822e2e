"""QA checks: each code fires on a bad translation and stays quiet on a good one."""

from __future__ import annotations

import polib
import pytest

from pubkit.checks import Context, GlossaryTerm, check_entry, load_glossary
from pubkit.errors import InputError, Severity

GLOSSARY = [GlossaryTerm("Nazarbayev", {"ru": ("Назарбаев",)}), GlossaryTerm("CSTO", {"ru": ("ОДКБ",)})]


def codes(src: str, tgt: str, lang: str = "ru", fuzzy: bool = False) -> set[str]:
    e = polib.POEntry(msgid=src, msgstr=tgt, flags=["fuzzy"] if fuzzy else [])
    e.linenum = 7
    found = check_entry(e, Context(lang, glossary=GLOSSARY), "translations/ru/a.po")
    assert all(str(d.location) == "translations/ru/a.po:7" and d.hint for d in found)
    return {d.code for d in found}


@pytest.mark.parametrize("src,tgt,expected", [
    ("They earn $570 a month.", "Они получают 570 долларов в месяц.", set()),
    ("They earn $570 a month.", "Они получают 750 долларов в месяц.", {"numbers"}),
    ("About 12,000 workers.", "Около 12 000 рабочих.", set()),
    ("About 12,000 workers.", "Около 12\u202f000 рабочих.", set()),
    ("About 12,000 workers.", "Environ 12 000 ouvriers.", set()),
    ("Growth of 3.5 percent.", "Рост на 3,5 процента.", set()),
    ("See https://example.org/x for more.", "См. подробнее.", {"urls"}),
    ("The police arrived in the square.", "The police arrived in the square.", {"unchanged"}),
    ("The police arrived.", "…", {"empty"}),
    ("Read <1>this</1> now.", "Прочтите это сейчас.", {"tags"}),
    ("Read <1>this</1> now.", "Прочтите <1>это</1> сейчас.", set()),
    ("A strike.", "Забастовка <script>alert(1)</script>.", {"html"}),
    ("Workers of the oil fields went on strike for higher pay.", "Рабочие.", {"length"}),
    ("The workers went on strike.", "Рабочие рабочие рабочие рабочие бастовали.", {"loop"}),
    ("Nazarbayev ruled.", "Назарбаева свергли.", set()),
    ("Nazarbayev ruled.", "Nazarbaev правил.", {"glossary"}),
    ("The CSTO sent troops.", "ОДКБ направила войска.", set()),
])
def test_checks(src, tgt, expected):
    assert codes(src, tgt) == expected


def test_states_are_reported():
    assert codes("A text here.", "") == {"untranslated"}
    assert "needs-work" in codes("A text here.", "Текст здесь.", fuzzy=True)
    e = polib.POEntry(msgid="A text here.", msgstr="Текст здесь.", flags=["fuzzy"], previous_msgid="A text.")
    assert "stale" in {d.code for d in check_entry(e, Context("ru"), "a.po")}


def test_severities():
    e = polib.POEntry(msgid="They earn $570.", msgstr="Они получают 750.")
    (d,) = check_entry(e, Context("ru"), "x.po")
    assert d.severity is Severity.ERROR and d.code == "numbers"


def test_glossary_file(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text("term,ru,ky,fr,note\nTokayev,Токаев|Токаева,,Tokaïev,president\nAqtaw,,,,\n", encoding="utf-8")
    terms = load_glossary(path)
    assert terms[0].targets == {"ru": ("Токаев", "Токаева"), "fr": ("Tokaïev",)} and terms[1].targets == {}
    path.write_text("term,ru\nA,b,c,d\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_glossary(path)
    assert err.value.location.line == 2


def test_project_glossary_lists_the_terms():
    from pathlib import Path

    terms = {t.term for t in load_glossary(Path(__file__).resolve().parents[1] / "translations" / "glossary.csv")}
    assert {"Janaozen", "Tokayev", "CSTO", "International Crisis Group", "Putin"} <= terms
