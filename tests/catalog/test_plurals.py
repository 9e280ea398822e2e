"""Plural-Forms for any language from CLDR through Babel, compared with what msginit writes.

The comparison is semantic: the same number of forms, and every whole number below a
million (and samples beyond) given the same form by both expressions (``gettext.c2py``),
since the two spell the same rule differently (``(n > 1)`` and ``n >= 0 && n <= 1 ? 0 : 1``).
msginit (gettext 0.21) has no rule for ar, kk and ky: there the expected forms are CLDR's
categories, in CLDR's order, read from Babel directly. For ga msginit 0.21 still writes the
older 3-form rule; CLDR (and Weblate) have Irish's 5, which is what pubkit writes (asserted).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel import Locale

from pubkit.catalog.plurals import SAMPLE, plural_forms, same_counts, split
from pubkit.catalog.po import header_fields

from .helpers import gettext_tool, msgfmt_check

LANGS = ("pl", "cs", "ga", "ar", "ja", "ru", "fr", "kk", "ky")
POT = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'


def msginit_plural(lang: str, tmp: Path) -> str | None:
    pot = tmp / "t.pot"
    pot.write_text(POT, encoding="utf-8")
    out = tmp / f"{lang}.po"
    subprocess.run([gettext_tool("msginit"), "--no-translator", "-l", lang, "-i", str(pot), "-o", str(out)],
                   capture_output=True, text=True, check=True)
    text = out.read_text(encoding="utf-8")
    header = "".join(re.findall(r'^"(.*)"$', text, re.M)).replace("\\n", "\n")
    found = re.search(r"^Plural-Forms:\s*(.+)$", header, re.M)
    return found.group(1).strip() if found else None


def cldr_form(lang: str):
    """CLDR's category of a whole number as a form index (categories whole numbers reach, in order)."""
    rule = Locale.parse(lang).plural_form
    order = [t for t in ("zero", "one", "two", "few", "many", "other") if t in {rule(n) for n in SAMPLE}]
    return lambda n: order.index(rule(n))


@pytest.mark.validator
@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_match_msginit_or_cldr(lang, tmp_path):
    ours = plural_forms(lang)
    theirs = msginit_plural(lang, tmp_path)
    if lang == "ga" and theirs and split(theirs)[0] == 3:
        assert split(ours)[0] == 5  # CLDR's one, two, few, many, other (msginit 0.21: 3)
    elif theirs:
        assert same_counts(ours, theirs), f"{lang}: ours {ours!r}, msginit {theirs!r}"
    if theirs is None or lang == "ga":
        n, expr = split(ours)
        import gettext

        form, expected = gettext.c2py(expr), cldr_form(lang)
        assert all(form(k) == expected(k) for k in SAMPLE), f"{lang}: {ours}"
        assert n == len({expected(k) for k in SAMPLE})
    header = "".join(f'"{k}: {v}\\n"\n' for k, v in header_fields(slug="x", lang_code=lang, lang_name=lang,
                                                                  date="2026-01-01 00:00+0000").items())
    po = tmp_path / "check.po"
    po.write_text(f'msgid ""\nmsgstr ""\n{header}', encoding="utf-8")
    msgfmt_check(po)  # msgfmt -c accepts the header, plural expression included


def test_the_forms_follow_the_language_not_a_table():
    assert split(plural_forms("ar"))[0] == 6 and split(plural_forms("ja"))[0] == 1
    assert split(plural_forms("pl"))[0] == 3 and split(plural_forms("pt-BR"))[0] == 2
    assert plural_forms("qaa") == "nplurals=2; plural=(n != 1);"  # unknown to CLDR: the Germanic rule
    assert same_counts(plural_forms("fr"), "nplurals=2; plural=(n > 1);")  # not CLDR's "many" of millions
