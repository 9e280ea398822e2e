"""Quality checks on translations: small functions with stable codes, a severity and a hint.

Why: reviewers need to know what to fix before publishing, in the words of Translate
Toolkit's checks (the first docstring line is the title) and with Standard Ebooks' stable
codes. Each check takes the source text, the translation and a :class:`Context`, and
returns messages; :func:`check_entry` turns them into located diagnostics.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import characters
from .catalog.po import PoFile, is_plural, translation_text
from .catalog.wrap import escape
from .catalog.states import State, assess, tag_problem
from .errors import Diagnostic, InputError, Location, Severity
from .fsio import read_bounded
from .segment import tags_in

GLOSSARY_COLUMNS = ("term", "note")


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    targets: dict[str, tuple[str, ...]]  # lang -> accepted forms (a cell "A|B" accepts both)
    note: str = ""


@dataclass
class Context:
    lang: str
    source_lang: str = "en"
    glossary: list[GlossaryTerm] = field(default_factory=list)


CHECKS: list[tuple[str, Severity, Callable]] = []


def check(code: str, severity: Severity):
    """Register a check function under a stable code."""
    def deco(fn):
        CHECKS.append((code, severity, fn))
        return fn
    return deco


# ------------------------------------------------------------------- numbers

_TAGS = re.compile(r"</?\d+/?>")
_NUM = re.compile(r"\d+(?:[,.\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")


def _values(text: str, *, source: bool) -> set[str]:
    """Canonical numbers in a text; for a translation, every plausible reading of each."""
    out: set[str] = set()
    for m in _NUM.finditer(text):
        raw = m.group(0)
        out.update(re.findall(r"\d+", raw))  # the digit runs on their own
        if source:  # English: "," groups thousands, "." is the decimal point
            out.add(raw.replace(",", "").replace("\u00a0", "").replace("\u202f", ""))
        else:  # ru/ky/fr: spaces (or dots) group thousands, "," is the decimal point
            grouped = re.sub(r"[\u00a0\u202f .](?=\d{3}\b)", "", raw)
            out.add(grouped.replace(",", "."))
            out.add(raw.replace(",", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", ""))
    return out


@check("numbers", Severity.ERROR)
def numbers(src: str, tgt: str, ctx: Context) -> list[str]:
    """Numbers differ between source and translation"""
    src, tgt = _TAGS.sub(" ", src), _TAGS.sub(" ", tgt)
    have = _values(tgt, source=False)
    missing = []
    for m in _NUM.finditer(src):
        raw = m.group(0)
        canon = raw.replace(",", "").replace("\u00a0", "").replace("\u202f", "")
        if " " in canon:
            canon = canon.replace(" ", "")
        if canon not in have and not all(p in have for p in re.findall(r"\d+", raw)):
            missing.append(raw)
    return [f"number {n!r} of the source is missing (written as digits, any local grouping)" for n in missing]


_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+[^\s<>\"«».,;:!?)]")


@check("urls", Severity.ERROR)
def urls(src: str, tgt: str, ctx: Context) -> list[str]:
    """A URL of the source is missing or changed"""
    return [f"URL {u} is missing" for u in _URL.findall(src) if u not in tgt]


@check("unchanged", Severity.WARNING)
def unchanged(src: str, tgt: str, ctx: Context) -> list[str]:
    """The translation is the same as the source"""
    if tgt == src and len(re.findall(r"[^\W\d_]{3,}", src)) >= 3:
        return ["the translation is identical to the source text"]
    return []


@check("empty", Severity.ERROR)
def empty(src: str, tgt: str, ctx: Context) -> list[str]:
    """The translation has no words"""
    if tgt and not re.search(r"\w", tgt) and re.search(r"\w", src):
        return ["the translation holds no words (only spaces or punctuation)"]
    return []


@check("tags", Severity.ERROR)
def tags(src: str, tgt: str, ctx: Context) -> list[str]:
    """Inline markup tags do not match the source"""
    problem = tag_problem(src, tgt)
    if problem is not None:
        return [f"{problem} (the source has {' '.join(tags_in(src)) or 'no tags'}); "
                "the edition prints the source text instead"]
    return []


@check("html", Severity.WARNING)
def html(src: str, tgt: str, ctx: Context) -> list[str]:
    """The translation contains HTML or an entity, which is printed as text"""
    found = [m.group(0) for m in re.finditer(r"<[A-Za-z!/][^>]*>?|&[#A-Za-z0-9]+;", tgt)
             if not re.fullmatch(r"</?\d+/?>", m.group(0)) and m.group(0) not in src]
    return [f"{found[0]!r} is not markup here; it will be shown literally"] if found else []


RATIO = {"ru": (0.6, 1.9), "ky": (0.6, 1.9), "fr": (0.7, 1.9), "kk": (0.6, 1.9)}


@check("length", Severity.WARNING)
def length(src: str, tgt: str, ctx: Context) -> list[str]:
    """The translation is much shorter or longer than usual"""
    if len(src) < 40:
        return []
    lo, hi = RATIO.get(ctx.lang, (0.5, 2.0))
    r = len(tgt) / len(src)
    if r < lo or r > hi:
        return [f"the translation is {r:.1f}× the source's length (usual: {lo}–{hi}×); something may be missing or repeated"]
    return []


def _loops(text: str) -> set[str]:
    toks = re.findall(r"\w+|[^\w\s]", text.lower())
    found = set()
    for n in range(1, 5):
        for i in range(len(toks) - 3 * n + 1):
            gram = toks[i:i + n]
            if toks[i + n:i + 2 * n] == gram and toks[i + 2 * n:i + 3 * n] == gram and any(t.isalnum() for t in gram):
                found.add(" ".join(gram))
    return found


@check("loop", Severity.ERROR)
def loop(src: str, tgt: str, ctx: Context) -> list[str]:
    """A word or phrase repeats in a loop (a known failure of neural MT)"""
    extra = _loops(tgt) - _loops(src)
    return [f"“{g}” is repeated three or more times in a row" for g in sorted(extra)[:1]]


@check("glossary", Severity.ERROR)
def glossary(src: str, tgt: str, ctx: Context) -> list[str]:
    """A glossary term is not translated as the glossary says"""
    out = []
    low = tgt.casefold()
    for g in ctx.glossary:
        forms = g.targets.get(ctx.lang)
        if not forms or not re.search(rf"(?<!\w){re.escape(g.term)}(?!\w)", src):
            continue
        # a form matches the start of a word, so inflected forms (Назарбаева) count
        if not any(re.search(rf"(?<!\w){re.escape(f.casefold())}", low) for f in forms):
            out.append(f"“{g.term}” should be {' or '.join(forms)}" + (f" ({g.note})" if g.note else ""))
    return out


# --------------------------------------------------------------- per entry


STATE_FINDINGS: dict[State, tuple[str, Severity, str, str]] = {
    State.UNTRANSLATED: ("untranslated", Severity.WARNING,
                         "not translated yet; the source text will be published",
                         "translate it (or run `invoke translate` for a machine draft)"),
    State.MACHINE: ("machine", Severity.INFO, "machine draft, not reviewed",
                    "review it, then `invoke approve` it (or remove the “fuzzy” flag)"),
    State.MACHINE_OUTDATED: ("machine", Severity.INFO,
                             "machine draft of an older source; the source is published",
                             "run `invoke translate` for a new draft, or translate it"),
    State.NEEDS_WORK: ("needs-work", Severity.WARNING, "marked as needing work (fuzzy), not approved",
                       "finish the translation, then `invoke approve` it (or remove the “fuzzy” flag)"),
    State.STALE: ("stale", Severity.WARNING,
                  "the source changed since this was reviewed (previous source in #| msgid)",
                  "update the translation, then `invoke approve` it (or remove the “fuzzy” flag)"),
}


def check_entry(e: polib.POEntry, ctx: Context, path: Path | str) -> list[Diagnostic]:
    """Every finding for one PO entry: its state (from :func:`assess`, as the editions see it)
    and the registered checks. A translation the edition does not print (broken tags)
    always has a ``tags`` error."""
    loc = Location(path, e.linenum or 0)
    verdict = assess(e)
    if verdict.state is State.OBSOLETE:
        return []
    out = []
    if verdict.state in STATE_FINDINGS:
        code, severity, message, hint = STATE_FINDINGS[verdict.state]
        if verdict.state is State.UNTRANSLATED and (e.msgctxt or "").startswith("meta:"):
            # names and the source line are never machine-drafted (commands/translate.py)
            message, hint = "not translated yet; the edition prints it as the source has it", "translate it by hand"
        out.append(Diagnostic(code, severity, message, loc, hint=hint))
    if verdict.state is State.UNTRANSLATED:
        return out
    for code, severity, fn in CHECKS:
        for msg in fn(e.msgid, translation_text(e), ctx):
            out.append(Diagnostic(code, severity, msg, loc, hint=(fn.__doc__ or "").splitlines()[0]))
    return out


# ------------------------------------------------- invisible characters (shared table)


def _char_name(ch: str) -> str:
    return unicodedata.name(ch, "unnamed")


def _line_with(lines: list[str], start: int, ch: str, keywords: tuple[str, ...]) -> int:
    """1-based line of the first ``ch`` in the entry starting at ``start`` (0-based), within
    the fields named by ``keywords`` and their continuation lines; ``start + 1`` if not found."""
    inside = False
    ch = escape(ch)  # as the file writes it (\a for U+0007)
    for i in range(max(start, 0), len(lines)):
        body = lines[i].strip()
        if not body:
            break
        if body.startswith(keywords):
            inside = True
        elif not body.startswith('"'):
            inside = False
        if inside and ch in body:
            return i + 1
    return start + 1


def invisible_in_entry(e: polib.POEntry, path: Path | str,
                       lines: list[str] | None = None) -> list[Diagnostic]:
    """Bidi controls, zero-width and control characters in a translation, exactly as the source
    reader refuses them in seeds (:data:`pubkit.characters.RULES`); every msgstr[n] included."""
    if e.obsolete:
        return []
    out = []
    texts = [e.msgstr_plural[k] for k in sorted(e.msgstr_plural)] if is_plural(e) else [e.msgstr]
    for text in texts:
        for f in characters.findings(text):
            line = _line_with(lines, (e.linenum or 1) - 1, f.char, ("msgstr",)) if lines else e.linenum or 0
            out.append(_character_diagnostic(f, "the translation", "it would be published as it is",
                                             Location(path, line)))
    return out


def check_header(po: polib.POFile, path: Path | str, lines: list[str]) -> list[Diagnostic]:
    """The same characters in header fields (Last-Translator, Language-Team, X-Pubkit-Translators …),
    which the colophon and the EPUB metadata print."""
    out = []
    for key, value in po.metadata.items():
        for f in characters.findings(f"{key}: {value}"):
            start = next((i for i, ln in enumerate(lines) if ln.lstrip('"').startswith(f"{key}:")), 0)
            line = _line_with(lines, start, f.char, ('"',))
            out.append(_character_diagnostic(
                f, f"the header field {key}", "it would be printed in the colophon and the book's metadata",
                Location(path, line)))
    return out


def _character_diagnostic(f: characters.Finding, where: str, consequence: str,
                          location: Location) -> Diagnostic:
    """One of :data:`pubkit.characters.RULES` found in ``where`` of a PO file, as an error."""
    return Diagnostic(f.rule.code, Severity.ERROR,
                      f"U+{ord(f.char):04X} ({_char_name(f.char)}) in {where} is {f.rule.what}; {consequence}",
                      location, hint=f.rule.hint)


def check_file(pf: PoFile, ctx: Context, path: Path | str) -> list[Diagnostic]:
    """Every finding for one PO file: its header, then each entry."""
    lines = pf.text.split("\n")
    found = check_header(pf.po, path, lines)
    for e in pf.po:
        found += check_entry(e, ctx, path)
        found += invisible_in_entry(e, path, lines)
    return found


def load_glossary(path: Path, root: Path | None = None) -> list[GlossaryTerm]:
    """``term,<lang>…,note`` rows; an empty cell means no rule for that language."""
    shown = path.relative_to(root) if root and path.is_relative_to(root) else path
    if not os.path.lexists(path):
        return []
    try:
        text = read_bounded(path, "glossary", root=root).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", location=Location(shown), hint="save the glossary as UTF-8 CSV") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or "term" not in rows[0]:
        raise InputError("the first row must name the columns: term, <language codes>, note",
                         location=Location(shown, 1), hint="e.g. term,ru,ky,fr,note")
    head = [h.strip() for h in rows[0]]
    terms = []
    for n, row in enumerate(rows[1:], 2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) > len(head):
            raise InputError(f"row has {len(row)} cells but the header has {len(head)}",
                             location=Location(shown, n), hint="quote cells that contain commas")
        cells = dict(zip(head, (c.strip() for c in row), strict=False))
        targets = {k: tuple(f.strip() for f in v.split("|") if f.strip())
                   for k, v in cells.items() if k not in GLOSSARY_COLUMNS and v}
        if cells.get("term"):
            terms.append(GlossaryTerm(cells["term"], targets, cells.get("note", "")))
    return terms
