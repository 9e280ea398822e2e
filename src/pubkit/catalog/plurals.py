"""A PO file's ``Plural-Forms`` for any language, from CLDR's plural rules through Babel.

gettext counts whole numbers only, so the forms are CLDR's categories that whole numbers reach
(Russian: one, few, many; CLDR's "other" there is for fractions and is left out). A category
that whole numbers reach only at a million and beyond (French, Spanish, Italian … "many", for
"1 000 000 de") is counted with "other", as gettext's own table and msginit do, so that a
reviewer is not asked for a form no count in an article needs. The expression written is the one
of Babel's gettext table (``babel.messages.plurals``, the way msginit writes it) when it counts
every whole number the same way, else Babel's ``to_gettext`` of the reduced rule. A language CLDR does not know (a private-use code such as
``qaa``) gets the Germanic rule. ``tests/catalog/test_plurals.py`` compares the result with
msginit's for the languages its table has.
"""

from __future__ import annotations

import functools
import gettext
import re

GERMANIC = "nplurals=2; plural=(n != 1);"
REACH = 1_000_000  # whole numbers below this decide which categories a language has
ORDER = ("zero", "one", "two", "few", "many", "other")


@functools.lru_cache(maxsize=64)
def plural_forms(lang: str) -> str:
    """``nplurals=N; plural=EXPR;`` for ``lang`` (a BCP 47-like code: ``ru``, ``pt-BR``)."""
    from babel import Locale, UnknownLocaleError
    from babel.plural import PluralRule, to_gettext

    try:
        rule = Locale.parse(lang.replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError):
        return GERMANIC
    reached = {rule(n) for n in SAMPLE}
    kept = [tag for tag in ORDER if tag in reached]
    if "other" not in reached:  # the last category whole numbers reach stands for the rest
        kept = kept[:-1]
    reduced = PluralRule({tag: text for tag, text in rule.rules.items() if tag in kept})
    forms = re.sub(r"\(0 == 0\)", "1", to_gettext(reduced))
    tidy = _babel_table(lang)
    return tidy if tidy and same_counts(tidy, forms) else forms


SAMPLE = (*range(0, 2000), *range(2000, REACH, 97))


def _babel_table(lang: str) -> str | None:
    from babel.messages.plurals import get_plural

    try:
        return str(get_plural(lang.replace("-", "_")).plural_forms)
    except (ValueError, LookupError):
        return None


def split(forms: str) -> tuple[int, str]:
    """``nplurals=N; plural=EXPR;`` → (N, EXPR)."""
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*", forms)
    if not match:
        raise ValueError(f"not a Plural-Forms value: {forms!r}")
    return int(match.group(1)), match.group(2)


def same_counts(a: str, b: str, numbers=SAMPLE) -> bool:
    """Whether two Plural-Forms values have as many forms and give every whole number the same one."""
    (na, ea), (nb, eb) = split(a), split(b)
    fa, fb = gettext.c2py(ea), gettext.c2py(eb)
    return na == nb and all(fa(n) == fb(n) for n in numbers)
