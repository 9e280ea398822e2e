"""Interface strings: plural forms by each language's CLDR rule (Babel), dates by each
language's typography and the project's English variant, and a colophon that reads well."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import yaml
from babel import Locale

from pubkit.render.html import Strings, plural_category, review_shares

LANGS = ("en", "ru", "ky", "kk", "fr")

# Proofread forms for 1, 2, 5 and 21 (Russian has three forms after a number; Kyrgyz and
# Kazakh keep the noun singular after a number; a label without the number, "Authors" over
# 21 names, is plural for any count but one).
EXPECTED = {
    "en": {"author": ("Author", "Authors", "Authors", "Authors"),
           "articles": ("1 article", "2 articles", "5 articles", "21 articles")},
    "ru": {"author": ("Автор", "Авторы", "Авторы", "Авторы"),  # 21 names: «Авторы», not «Автор»
           "articles": ("1 статья", "2 статьи", "5 статей", "21 статья")},
    "ky": {"author": ("Автору", "Авторлору", "Авторлору", "Авторлору"),
           "articles": ("1 макала", "2 макала", "5 макала", "21 макала")},
    "kk": {"author": ("Авторы", "Авторлары", "Авторлары", "Авторлары"),
           "articles": ("1 мақала", "2 мақала", "5 мақала", "21 мақала")},
    "fr": {"author": ("Auteur", "Auteurs", "Auteurs", "Auteurs"),
           "articles": ("1 article", "2 articles", "5 articles", "21 articles")},
}


def _flat(text: str) -> str:
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


@pytest.fixture(scope="module")
def table(cfg) -> dict:
    return yaml.safe_load((cfg.templates / "strings.yaml").read_text(encoding="utf-8"))


def test_every_plural_string_has_every_form_its_language_uses(table):
    plural_keys = {k for k, v in table["en"].items() if isinstance(v, dict) and "other" in v}
    assert {"author", "articles"} <= plural_keys
    for lang in LANGS:
        needed = set(Locale.parse(lang).plural_form.tags) | {"other"}
        for key in plural_keys:
            forms = table[lang][key]
            assert set(forms) >= needed, (lang, key, needed - set(forms))


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_for_1_2_5_21(cfg, lang):
    t = Strings(cfg.templates, lang)
    for key, forms in EXPECTED[lang].items():
        got = tuple(_flat(t(key, n=n)) for n in (1, 2, 5, 21))
        assert got == forms, (lang, key, got)


def test_cldr_categories_come_from_babel():
    assert [plural_category("ru", n) for n in (1, 2, 5, 21, 11)] == ["one", "few", "many", "one", "many"]
    assert plural_category("fr", 0) == "one" and plural_category("en", 0) == "other"


@pytest.mark.parametrize("lang, iso, expected", [
    ("fr", "2022-05-01", "1er mai 2022"),
    ("fr", "2022-05-02", "2 mai 2022"),
    ("ru", "2022-05-01", "1 мая 2022 г."),
    ("en", "2022-05-01", "May 1, 2022"),
])
def test_dates_as_each_language_writes_them(cfg, lang, iso, expected):
    assert _flat(Strings(cfg.templates, lang).date(iso)) == expected


def test_a_date_range_keeps_its_dates_apart(cfg):
    assert _flat(Strings(cfg.templates, "en", "en-GB").date_range("2022-01-27", "2022-02-01")) == \
        "27 January 2022 – 1 February 2022"
    assert _flat(Strings(cfg.templates, "ru").date_range("2022-01-27", "2022-02-01")) == \
        "27 января 2022 г. — 1 февраля 2022 г."
    assert _flat(Strings(cfg.templates, "fr").date_range("2022-05-01", "2022-05-01")) == "1er mai 2022"


def test_english_dates_follow_the_projects_variant(cfg):
    gb = Strings(cfg.templates, "en", "en-GB")
    assert _flat(gb.date("2022-05-01")) == "1 May 2022"
    assert _flat(Strings(cfg.templates, "en", "en-US").date("2022-05-01")) == "May 1, 2022"
    # a variant of another language changes nothing
    assert _flat(Strings(cfg.templates, "ru", "en-GB").date("2022-05-01")) == "1 мая 2022 г."


def test_variant_sets_hyphenation_and_a_conflict_is_a_config_error(cfg):
    from pubkit.errors import ConfigError
    from pubkit.render.html import hyphenation_lang, language_variant

    def with_typography(section: dict):
        return replace(cfg, raw={**cfg.raw, "typography": section})

    assert hyphenation_lang("en", with_typography({})) == "en-US"
    gb = with_typography({"variant": {"en": "en-GB"}})
    assert language_variant("en", gb) == "en-GB" and hyphenation_lang("en", gb) == "en-GB"
    both = with_typography({"variant": {"en": "en-GB"}, "hyphenation": {"en": "en_GB"}})
    assert hyphenation_lang("en", both) == "en-GB"
    with pytest.raises(ConfigError, match="disagree"):
        hyphenation_lang("en", with_typography({"variant": {"en": "en-GB"}, "hyphenation": {"en": "en_US"}}))
    with pytest.raises(ConfigError, match="variant"):
        language_variant("en", with_typography({"variant": {"en": "ru-RU"}}))


def test_shares_sum_to_100_and_a_present_share_is_never_0():
    from pubkit.edition import Coverage

    shares = dict(review_shares(Coverage(total=44, reviewed=1, machine=43)))
    assert shares == {"share_reviewed": 2, "share_machine": 98}
    tiny = dict(review_shares(Coverage(total=300, reviewed=298, untranslated=1, stale=1)))
    assert sum(tiny.values()) == 100 and tiny["share_untranslated"] == 1 and tiny["share_pending"] == 1
    assert review_shares(Coverage(total=3, reviewed=3)) == [("share_reviewed", 100)]


def test_colophon_reads_well_in_every_language(cfg, editions):
    """Plural "Authors" for several authors; the machine-translation line does not repeat its
    label; strings in the edition's language (none fall back to English unmarked)."""
    from pubkit.model import Author
    from pubkit.render.pdf import render_html

    for lang in ("ru", "fr", "ky"):
        ed = editions[lang]
        three = tuple(Author(n) for n in ("Anna Lee", "Boris Orlov", "Chen Wu"))
        ed = replace(ed, doc=ed.doc.with_meta(authors=three), machine_credits=())
        html = _flat(render_html(ed, cfg))
        t = Strings(cfg.templates, lang)
        assert f"<dt>{_flat(t('author', n=3))}</dt>" in html and t("author", n=3) != t("author", n=1)
        label, none = _flat(t("machine_translation")), _flat(t("no_machine"))
        assert f"<dt>{label}</dt>\n  <dd>{none}</dd>" in html
        assert label.lower() not in none.lower()
