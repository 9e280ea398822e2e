"""Editions for the renderer tests, built once per session and shared.

The English edition is the seed article (source language); the Russian, Kyrgyz and French
editions are synthetic: small documents written here with the letters, quotes and
numbers each language's typography must handle (Kyrgyz ң ө ү), one passage left
untranslated, a machine-translation credit and a coverage count.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pubkit.config import load_config
from pubkit.edition import Coverage, Edition
from pubkit.model import (
    Author, Code, Dateline, Document, Emph, Heading, Link, ListBlock, ListItem, Meta, Paragraph,
    Signature, Strong, Text,
)
from pubkit.project import load_articles
from pubkit.segment import segment

ROOT = Path(__file__).resolve().parents[2]
EPOCH = "1643241600"  # 2022-01-27


@pytest.fixture(scope="session")
def cfg():
    return load_config(ROOT)


@pytest.fixture(scope="session")
def en_edition(cfg):
    doc = next(d for d in load_articles(cfg) if d.meta.slug == "kazakh-workers-revolt-2022")
    units = segment(doc)
    return Edition(
        doc=doc, language=cfg.language("en"), source_language=cfg.language("en"), is_source=True,
        coverage=Coverage(total=len(units), reviewed=len(units)),
        build_date="2022-01-27", identifier="urn:pubkit:kazakh-workers-revolt-2022:en",
    )


UNTRANSLATED_EN = "This passage has not been translated yet."

TEXTS = {
    "ky": dict(
        title="Казак жумушчуларынын көтөрүлүшү: жыйынтыктар жана келечек",
        subtitle="Таптар бири-бири менен күрөшөт, тарых уланууда",
        heading="Көтөрүлүштүн башталышы",
        p1='Жумушчулар "Саал, кет!" деп кыйкырышты. Орточо айлык $570, 12,000 адам камакка алынды, '
           "компаниянын 75% үлүшү америкалык компанияларга таандык. Бул 1992-2019 жылдары болгон.",
        p2="Өнөр жай шаарларында иш таштоолор күчөдү: мунай, көмүр жана жез кендери токтоду.",
        item="Бардык саясий туткундарга эркиндик!",
        dateline="2022-жылдын 27-январы",
        mt="Argos Translate, translate-en_ky 1.9",
    ),
    "ru": dict(
        title="Восстание казахских рабочих: итоги и перспективы",
        subtitle="Классы борются друг с другом, и история продолжается",
        heading="Начало восстания",
        p1='Рабочие скандировали "Шал, кет!" ("Уходи, старик!"), а власти говорили о "внешнем вмешательстве". '
           "Средняя зарплата — $570, арестованы 12,000 человек, 75% акций принадлежат американским компаниям (1992-2019).",
        p2="Забастовки охватили нефтяные, угольные и медные месторождения.",
        item="Свобода всем политическим заключённым!",
        dateline="27 января 2022 г.",
        mt="Argos Translate, translate-en_ru 1.9",
    ),
    "fr": dict(
        title="La révolte des travailleurs kazakhs : bilan et perspectives",
        subtitle="Les classes s'affrontent, et l'histoire continue",
        heading="Le début du soulèvement",
        p1='Les travailleurs criaient "Shal, ket!" ("Dégage, vieil homme!"). Pourquoi? Le salaire moyen est de 570 $, '
           "12,000 personnes ont été arrêtées, 75% du capital est américain (1992-2019).",
        p2="Les grèves ont touché les gisements de pétrole, de charbon et de cuivre ; l'armée est intervenue.",
        item="Liberté pour tous les prisonniers politiques !",
        dateline="27 janvier 2022",
        mt="Argos Translate, translate-en_fr 1.9",
    ),
}


def synthetic_doc(lang: str) -> Document:
    t = TEXTS[lang]
    return Document(
        meta=Meta(title=t["title"], slug="synthetic", lang=lang, subtitle=t["subtitle"],
                  authors=(Author("Permanent Revolution Collective", ("Austria", "France")),),
                  date="2022-01-27", source="https://example.org/article"),
        blocks=(
            Paragraph((Text(t["p1"]),)),
            Heading(1, (Text(t["heading"]),)),
            Paragraph((Text(t["p2"] + " "), Emph((Text("ң ө ү Ң Ө Ү"),)), Text(" "), Code("x = \"a\"; y: 1"),
                       Text(" "), Link((Text("example.org"),), "https://example.org/?a=1&b=2"), Text("."))),
            Paragraph((Text(UNTRANSLATED_EN),)),
            Heading(1, (Strong((Text(t["heading"] + " 2"),)),)),
            ListBlock((ListItem((Text(t["item"]),)), ListItem((Text(t["item"] + " 2"),)))),
            Dateline((Text(t["dateline"]),)),
            Signature((Text("Permanent Revolution Collective"),)),
        ),
    )


def synthetic_edition(cfg, lang: str) -> Edition:
    doc = synthetic_doc(lang)
    units = segment(doc)
    untranslated = frozenset(u.key for u in units if u.text == UNTRANSLATED_EN)
    return Edition(
        doc=doc, language=cfg.language(lang), source_language=cfg.language("en"), is_source=False,
        coverage=Coverage(total=len(units), reviewed=len(units) - 4, machine=3, untranslated=1),
        translators=("Айгүл Осмонова",), machine_credits=(TEXTS[lang]["mt"],),
        untranslated_keys=untranslated, build_date="2022-01-27",
        identifier=f"urn:pubkit:synthetic:{lang}",
    )


@pytest.fixture(scope="session")
def editions(cfg, en_edition):
    out = {"en": en_edition}
    for lang in ("ru", "ky", "fr"):
        out[lang] = synthetic_edition(cfg, lang)
    return out


@pytest.fixture(scope="session")
def built(tmp_path_factory, cfg, editions):
    """Every edition in both formats, built once: {(lang, fmt): path}."""
    from pubkit.render import render_edition

    folder = tmp_path_factory.mktemp("editions")
    out = {}
    for lang, ed in editions.items():
        for fmt in ("epub", "pdf"):
            path = folder / f"{lang}.{fmt}"
            render_edition(fmt, ed, cfg, path)
            out[(lang, fmt)] = path
    return out


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return EPOCH


os.environ.setdefault("PUBKIT_TEST", "1")


@pytest.fixture(scope="session")
def article_dist(tmp_path_factory):
    """The article's real editions, built once from a copy of the project: {lang: epub path}."""
    from pubkit.pipeline import build

    from ..conftest import copy_project

    project = load_config(copy_project(tmp_path_factory.mktemp("article")))
    build(project, workers=1)
    return {lang: project.dist / f"kazakh-workers-revolt-2022.{lang}.epub"
            for lang in project.edition_langs}
