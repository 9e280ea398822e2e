"""Total-fit line breaking (Knuth and Plass) for justified paragraphs.

A paragraph is given as its break candidates in reading order, each with the measured widths
around it (:class:`Break`): the content before it ends at ``x_end`` (plus a hyphen's width when
the break is a hyphenation point), the next line starts at ``x_next``, and ``spaces`` counts the
inter-word spaces before the break (``space_width`` their natural width in all). A line from
break ``a`` to break ``b`` therefore has the natural width ``b.x_end - a.x_next`` (+ hyphen) and
``b.spaces - a.spaces_next`` spaces that justification may stretch (WeasyPrint stretches every
space of a line by the same amount) or, within ``SHRINK``, narrow.

:func:`choose` picks the breaks that minimise the paragraph's demerits, as TeX does: a line's
badness grows with the cube of its stretch ratio, hyphens and a hyphen on the second-to-last
line cost extra, consecutive hyphens cost more and never more than ``max_run`` in a row,
adjacent lines of very different tightness cost extra. It tries a strict tolerance first and
widens it only when the paragraph cannot be set within it, so a loose line appears only where
no setting avoids it (a hyphen or a slightly tight line is always preferred). Nothing here
knows about WeasyPrint: :mod:`pubkit.render.pdf_lines` measures and applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STRETCH = 0.5  # a space may grow by half its width at ratio 1 (TeX: 1/6 em on a 1/3 em space)
SHRINK = 0.1  # and narrow by a tenth of its width at ratio -1
TOLERANCES = (1.1, 2.0, 4.0, math.inf)  # stretch ratios tried in turn
LINE_PENALTY = 10
HYPHEN_PENALTY = 400
DOUBLE_HYPHEN_DEMERITS = 3000
FINAL_HYPHEN_DEMERITS = 5000
FITNESS_DEMERITS = 3000
LOOSE = 1.25  # a line stretched beyond this ratio costs more than a hyphen
LOOSE_DEMERITS = 250000
OVERFULL = math.inf


@dataclass(frozen=True)
class Break:
    """A place a line may end (after the paragraph's first break candidate: its start)."""

    offset: int  # where the next line starts, in the caller's units
    x_end: float  # the content before the break ends here
    x_next: float  # the next line's content starts here
    spaces: int  # spaces before x_end
    space_width: float  # their natural width, summed
    spaces_next: int  # spaces before x_next (the break's own space counted)
    space_width_next: float
    hyphen: float = 0.0  # width of the hyphen the line gains when it ends here (0: not a hyphen)
    forbidden: bool = False
    letters: int = 0  # characters before x_end (letter-spacing applies to each)
    letters_next: int = 0


def _fitness(ratio: float) -> int:
    if ratio < -0.5:
        return 0  # tight
    if ratio <= 0.5:
        return 1  # decent
    if ratio <= 1.0:
        return 2  # loose
    return 3  # very loose


def line_ratio(a: Break, b: Break, width: float, track: float = 0.0) -> float:
    """How far the line from ``a`` to ``b`` must stretch (> 0) or narrow (< 0) to fill ``width``.

    ``track``: how much each character may be spaced out at ratio 1 (letter-spacing).
    """
    natural = b.x_end - a.x_next + b.hyphen
    room = width - natural
    space = b.space_width - a.space_width_next
    if room >= 0:
        stretch = space * STRETCH + (b.letters - a.letters_next) * track
        return room / stretch if stretch > 0 else (0.0 if room < 1e-6 else OVERFULL)
    if space <= 0:
        return -OVERFULL
    return room / (space * SHRINK)


def choose(breaks: list[Break], widths: tuple[float, float], *, max_run: int = 2,
           start_run: int = 0, track: float = 0.0) -> list[int] | None:
    """Indices into ``breaks`` where the lines end (the last is always the paragraph's end).

    ``breaks[0]`` is the paragraph's start (its ``x_next`` where the first line begins) and
    ``breaks[-1]`` its end; ``widths`` is the first line's width and every other line's.
    ``start_run`` hyphenated lines precede the first one (a paragraph resumed after fixed lines).
    None when no setting fits (a word wider than the line).
    """
    if len(breaks) < 2:
        return None
    for tolerance in TOLERANCES:
        found = _choose(breaks, widths, tolerance, max_run, start_run, track)
        if found is not None:
            return found
    return None


def _choose(breaks: list[Break], widths: tuple[float, float], tolerance: float, max_run: int,
            start_run: int, track: float) -> list[int] | None:
    last = len(breaks) - 1
    # active nodes: (break index, lines so far, hyphen run, fitness) -> (demerits, previous node)
    Node = tuple[int, int, int, int]
    best: dict[Node, tuple[float, Node | None]] = {(0, 0, start_run, 1): (0.0, None)}
    active: list[Node] = [(0, 0, start_run, 1)]
    for j in range(1, last + 1):
        b = breaks[j]
        if b.forbidden and j != last:
            continue
        reached: dict[Node, tuple[float, Node | None]] = {}
        still: list[Node] = []
        for node in active:
            i, lines, run, fit = node
            a = breaks[i]
            width = widths[0] if lines == 0 else widths[1]
            if j == last:
                natural = b.x_end - a.x_next
                space = b.space_width - a.space_width_next
                if natural > width + space * SHRINK + 1e-6:
                    continue  # the last line is set at its natural width: it must fit
                ratio = 0.0 if natural <= width else (natural - width) / -(space * SHRINK)
            else:
                ratio = line_ratio(a, b, width, track)
            if ratio < -1.0:
                continue  # overfull: so is every later break from ``a``
            still.append(node)
            if ratio > tolerance:
                continue
            new_run = run + 1 if b.hyphen else 0
            if new_run > max_run:
                continue
            badness = 100.0 * abs(ratio) ** 3 if math.isfinite(ratio) else 1e8
            penalty = HYPHEN_PENALTY if b.hyphen else 0
            demerits = (LINE_PENALTY + badness) ** 2 + penalty ** 2
            if ratio > LOOSE and j != last:
                demerits += LOOSE_DEMERITS
            if b.hyphen and run:
                demerits += DOUBLE_HYPHEN_DEMERITS
            fitness = 1 if j == last else _fitness(ratio)
            if abs(fitness - fit) > 1 and j != last:
                demerits += FITNESS_DEMERITS
            if j == last and a.hyphen:
                demerits += FINAL_HYPHEN_DEMERITS
            total = best[node][0] + demerits
            key = (j, lines + 1, new_run, fitness)
            if key not in reached or total < reached[key][0]:
                reached[key] = (total, node)
        # keep the lines-so-far dimension small: the best node per (break, run, fitness)
        pruned: dict[tuple[int, int, int], Node] = {}
        for key, (total, _) in reached.items():
            short = (key[0], key[2], key[3])
            if short not in pruned or total < reached[pruned[short]][0]:
                pruned[short] = key
        for key in pruned.values():
            best[key] = reached[key]
        active = still + list(pruned.values())
        if not active:
            return None
    ends = [node for node in best if node[0] == last]
    if not ends:
        return None
    at: Node | None = min(ends, key=lambda n: best[n][0])
    chosen: list[int] = []
    while at is not None and at[0] != 0:
        chosen.append(at[0])
        at = best[at][1]
    return chosen[::-1]
