"""Justified text set whole (total fit): word spaces read back from the PDF's word boxes.

For each body line of 4+ words (``pdftotext -bbox-layout``), the median gap between its words in
units of the line's height; the document's tightest lines (5th percentile) are the reference.
A book designer's measure of rivers: the share of lines whose spaces are more than twice the
tightest, and the largest such ratio.
"""

from __future__ import annotations

import re
import statistics
import subprocess

import pytest

from pubkit.render import justify

from ..tools import require_tool

_LINE = re.compile(r"<line[^>]*>(.*?)</line>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">')


def space_ratios(pdf_path) -> list[float]:
    """Each line's median word space over the tightest 5 % of lines' (4+ words)."""
    tool = require_tool("pdftotext")
    xml = subprocess.run([tool, "-bbox-layout", str(pdf_path), "-"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    medians = []
    for line in _LINE.findall(xml):
        words = [tuple(map(float, w)) for w in _WORD.findall(line)]
        if len(words) < 4:
            continue
        height = statistics.median(w[3] - w[1] for w in words)
        gaps = [b[0] - a[2] for a, b in zip(words, words[1:], strict=False)]
        gaps = [g for g in gaps if g > 0.12 * height]  # kerning and punctuation are not spaces
        if gaps:
            medians.append(statistics.median(gaps) / height)
    tightest = sorted(medians)[len(medians) // 20]
    return [m / tightest for m in medians]


# Issue 23: at most 5 % of lines over twice the tightest, none over three times. Measured on the
# article (share over 2x / largest): WeasyPrint's greedy lines en 23.5 % / 3.7, fr 19.6 % / 4.5,
# ru 40.4 % / 5.6; set whole: en 0.4 % / 2.0, fr 0.4 % / 2.1, ru 4.7 % / 2.8.
LIMITS = {"en": (0.05, 3.0), "fr": (0.05, 3.0), "ru": (0.05, 3.0)}


@pytest.mark.validator
@pytest.mark.parametrize("lang", sorted(LIMITS))
def test_justified_lines_have_no_rivers(article_dist, lang):
    ratios = space_ratios(article_dist[lang].with_suffix(".pdf"))
    share, most = LIMITS[lang]
    over = sum(r > 2 for r in ratios) / len(ratios)
    assert over <= share, f"{over:.1%} of lines have word spaces over twice the tightest"
    assert max(ratios) <= most, max(ratios)


def _breaks(words: list[float], space: float = 4.0, hyphens: dict[int, float] | None = None):
    """Break candidates for words of the given widths (a hyphenation point splits word i in two)."""
    out = [justify.Break(0, 0.0, 0.0, 0, 0.0, 0, 0.0)]
    x = 0.0
    spaces = 0
    for i, w in enumerate(words):
        if hyphens and i in hyphens:
            part = w * hyphens[i]
            out.append(justify.Break(len(out), x + part, x + part, spaces, spaces * space, spaces,
                                     spaces * space, hyphen=3.0))
        x += w
        if i < len(words) - 1:
            out.append(justify.Break(len(out), x, x + space, spaces, spaces * space, spaces + 1,
                                     (spaces + 1) * space))
            x += space
            spaces += 1
    out.append(justify.Break(len(out), x, x, spaces, spaces * space, spaces, spaces * space))
    return out


def _ratios(breaks, chosen, width=100.0):
    starts = [0] + chosen[:-1]
    return [justify.line_ratio(breaks[a], breaks[b], width)
            for a, b in zip(starts[:-1], chosen[:-1], strict=True)]


def _greedy(breaks, width=100.0):
    """First fit: each line takes every break candidate that still fits."""
    chosen, start = [], 0
    for j in range(1, len(breaks)):
        natural = breaks[j].x_end - breaks[start].x_next
        if natural > width and chosen[-1:] != [j - 1] and j - 1 > start:
            chosen.append(j - 1)
            start = j - 1
    return chosen + [len(breaks) - 1]


def test_total_fit_avoids_a_loose_line_greedy_breaking_makes():
    # first fit sets "10 15 15 15 30" and leaves the next line's spaces 3.75x wide (ratio 5.5);
    # the total fit narrows the first line a little instead (ratio -0.6) and keeps both even
    breaks = _breaks([10, 15, 15, 15, 30, 15, 20, 20, 30, 30])
    chosen = justify.choose(breaks, (100.0, 100.0))
    assert chosen is not None and chosen[-1] == len(breaks) - 1
    greedy = _greedy(breaks)
    assert len(chosen) == len(greedy)
    assert max(_ratios(breaks, greedy)) > 2
    assert all(-1 <= r <= 1 for r in _ratios(breaks, chosen)), _ratios(breaks, chosen)


def test_at_most_max_run_hyphens_in_a_row_and_forbidden_breaks_are_kept():
    words = [45, 45, 45, 45, 45, 45, 45, 45]
    hyphens = {i: 0.5 for i in range(len(words))}
    breaks = _breaks(words, hyphens=hyphens)
    for max_run in (0, 1, 2):
        chosen = justify.choose(breaks, (70.0, 70.0), max_run=max_run)
        assert chosen is not None
        run = longest = 0
        for index in chosen[:-1]:
            run = run + 1 if breaks[index].hyphen else 0
            longest = max(longest, run)
        assert longest <= max_run
    forbidden = [justify.Break(**{**b.__dict__, "forbidden": bool(b.hyphen)}) for b in breaks]
    chosen = justify.choose(forbidden, (100.0, 100.0))
    assert chosen is not None and not any(forbidden[i].hyphen for i in chosen)


def test_a_word_wider_than_the_line_cannot_be_set():
    assert justify.choose(_breaks([30, 150, 30]), (100.0, 100.0)) is None
