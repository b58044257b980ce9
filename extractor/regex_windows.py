"""Where a pattern's matches can start, from its literals' places in a text (pure).

:func:`placed_literals` reads a compiled pattern's syntax tree and returns literals with,
for each, the range of its offset from the start of a match: every match contains one of
them at an offset in that range (:func:`extractor.regex_literals.required_literals` only
says that it contains one). A match starting at ``s`` therefore has an occurrence ``q``
of a literal with ``lo <= q - s <= hi``: the positions ``q - hi .. q - lo`` of all the
occurrences are the only places where a match can start. :func:`match_starts` lists them
(None when they are too many to beat a scan of the text) and :func:`finditer` tries the
pattern only there: the matches of ``regex.finditer``, without a scan of the text.
:func:`placed_in_tree` reads a tree already parsed (the rule loader parses each pattern
once for these and its required literals). Literals expected too often in any text
(:data:`MAX_COST`: "g", or "M" at eight offsets) are not placed: counting them would
only add to the scan. The occurrences of a literal are found once per text
(:func:`occurrences`, kept for the last text): the rules of a field share literals.

Offsets come from the widths of the tree (a lookaround has none; an item matches one
character, also under IGNORECASE); a literal after an unbounded repeat has no bounded
offset and is not placed. Under IGNORECASE the literals are lower-case and looked for in
the :func:`~extractor.regex_literals.searchable` form of the text, whose offsets must be
those of the text; a case-sensitive pattern's literals keep their case and are looked
for in the text itself (a group that turns IGNORECASE on places none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from extractor.regex_literals import searchable

#: (literal, lowest offset, highest offset) from the start of a match
Places = tuple[tuple[str, int, int], ...]

#: candidate starts per character of text above which a scan of the text is cheaper: a
#: try at one start costs ~0.2 µs, a first-character scan ~0.01 µs a character when few
#: characters can start a match, ~0.035 µs when many can (digits and the first letters
#: of number words: the age rules, 58 µs a report through their scan, 19 µs at their
#: ~90 starts)
MAX_STARTS_PER_CHAR = 1 / 8
#: starts always worth trying rather than scanning, however short the text
MIN_STARTS = 4
#: above this :func:`_cost`, literals are too common to be worth counting in a text
MAX_COST = 0.02
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


@dataclass(frozen=True)
class Placed:
    """The placed literals of a pattern; ``folded``: lower-case, looked for in the
    lower-case text (the pattern ignores case)."""

    places: Places
    folded: bool


@cache
def placed_literals(regex: re.Pattern[str]) -> Placed | None:
    """The placed literals of ``regex`` (see the module docstring), or None."""
    return placed_in_tree(sre_parse.parse(regex.pattern, regex.flags), regex.flags)


def placed_in_tree(tree: Any, flags: int) -> Placed | None:
    """:func:`placed_literals` of a pattern with ``flags`` already parsed
    (``re._parser.parse``)."""
    folded = bool(flags & re.IGNORECASE)
    places = _Reader(tree.state, folded).sequence(tree.data)
    if places is None or _cost(places) > MAX_COST:
        return None
    return Placed(places, folded)


def match_starts(placed: Placed, text: str) -> list[int] | None:
    """Sorted positions of ``text`` where a match can start (some repeated), or None
    when unknown (the lower-case text does not keep the offsets) or when they are more
    than :data:`MIN_STARTS` and :data:`MAX_STARTS_PER_CHAR` allow."""
    where = searchable(text) if placed.folded else text
    if where is None or len(where) != len(text):
        return None
    budget = start_budget(len(text))
    present = []
    for literal, lo, hi in placed.places:
        if literal not in where:  # most are not: one test, nothing kept
            continue
        found = occurrences(where, literal)
        budget -= (hi - lo + 1) * len(found)
        if budget < 0:
            return None
        present.append((found, lo, hi))
    starts: list[int] = []
    for found, lo, hi in present:
        for at in found:
            starts.extend(range(max(0, at - hi), at - lo + 1))
    starts.sort()
    return starts


#: (text, literal -> its positions there): the occurrences of the last text searched;
#: the text is held, so that an identity test cannot mistake another text for it
_FOUND: list[tuple[str, dict[str, tuple[int, ...]]]] = [("", {})]


def occurrences(where: str, literal: str) -> tuple[int, ...]:
    """The positions of ``literal`` in ``where`` (overlapping ones too). The rules of a
    field look for their literals in the same text, several for the same ones ("old",
    " of "): those found in the last text searched are kept (one text: bounded; a
    caller reads the pair it checked, never another text's)."""
    text, found = _FOUND[0]
    if text is not where:
        found = {}
        _FOUND[0] = (where, found)
    positions = found.get(literal)
    if positions is None:
        at = where.find(literal)
        hits = []
        while at >= 0:
            hits.append(at)
            at = where.find(literal, at + 1)
        positions = found[literal] = tuple(hits)
    return positions


def start_budget(length: int) -> float:
    """The most starts worth trying in a text of ``length`` characters rather than
    scanning it (:data:`MIN_STARTS`, :data:`MAX_STARTS_PER_CHAR`)."""
    return MIN_STARTS + length * MAX_STARTS_PER_CHAR


def finditer(regex: re.Pattern[str], text: str, starts: Sequence[int]) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)`` for a pattern that cannot match the empty string and
    whose every match starts at one of the sorted ``starts``: left to right, the match at
    each start that is not before the end of the previous match."""
    last = 0
    for start in starts:
        if start >= last:
            match = regex.match(text, start)
            if match is not None:
                last = match.end()
                yield match


def _rank(places: Places) -> tuple[float, int]:
    """:func:`_cost`, then the number of spaces: of two requirements of equal cost the
    one with fewer spaces, the commonest character of a text ("axis" rather than
    "the ": the same 16**-4, but "the " is in every sentence)."""
    return _cost(places), sum(literal.count(" ") for literal, _, _ in places)


def _cost(places: Places) -> float:
    """Expected starts per character: an occurrence of a literal of n characters is
    counted 16**-n times (a rough frequency), for each offset of its range."""
    return sum((hi - lo + 1) * 16.0 ** -len(lit) for lit, lo, hi in places)


class _Reader:
    """Placed literals of the parts of one parsed pattern."""

    def __init__(self, state: Any, folded: bool) -> None:
        self.state = state
        self.folded = folded

    def width(self, op: Any, av: Any) -> tuple[int, int]:
        return sre_parse.SubPattern(self.state, [(op, av)]).getwidth()

    def sequence(self, items: Any) -> Places | None:
        """The cheapest (:func:`_rank`) of the requirements of a sequence's items, each
        shifted by the widths of the items before it."""
        candidates: list[Places] = []
        low = high = 0  # the widths of the items before the current one
        run, run_low, run_high = "", 0, 0
        for op, av in items:
            if op == sre.LITERAL and av < 128:
                if not run:
                    run_low, run_high = low, high
                run += chr(av).lower() if self.folded else chr(av)
                low, high = low + 1, high + 1
                continue
            if run:
                candidates.append(((run, run_low, run_high),))
                run = ""
            found = self.node(op, av)
            if found:
                candidates.append(tuple((lit, a + low, b + high) for lit, a, b in found))
            width = self.width(op, av)
            low, high = low + width[0], high + width[1]
        if run:
            candidates.append(((run, run_low, run_high),))
        bounded = [c for c in candidates if all(b < sre.MAXREPEAT for _, _, b in c)]
        return min(bounded, key=_rank) if bounded else None

    def node(self, op: Any, av: Any) -> Places | None:
        """Placed literals of one non-literal node, offsets from the node's start."""
        if op == sre.SUBPATTERN:
            if not self.folded and av[1] & re.IGNORECASE:
                return None
            return self.sequence(av[3])
        if op == getattr(sre, "ATOMIC_GROUP", None):
            return self.sequence(av)
        if op in _REPEATS:
            return self.sequence(av[2]) if av[0] >= 1 else None
        if op == sre.BRANCH:
            union: list[tuple[str, int, int]] = []
            for branch in av[1]:
                found = self.sequence(branch)
                if not found:
                    return None
                union.extend(found)
            return tuple(dict.fromkeys(union))
        return None
