"""Required literals of a regex: a cheap test that a pattern cannot match a text (pure).

:func:`required_literals` reads a compiled pattern's syntax tree and returns a set of
lower-case strings such that every match of the pattern contains at least one of them
(or None when it finds no such set). It is a safe over-approximation built from the
tree: a run of literal characters must be in the match; an alternation requires one of
its branches' sets; a group or a repeat of at least one is required when its content
is; an optional part, a class, a lookaround requires nothing. Of a sequence's
requirements the most selective one is kept (the longest shortest literal, then the
fewest literals).

:class:`LiteralGate` is the test, for several patterns at once: an ASCII text whose
lower-case form contains none of a pattern's literals has no match of it (under
IGNORECASE an ASCII character equals another only by ASCII case). Non-ASCII texts
always may match, and non-ASCII pattern characters are never literals: Unicode case
folding pairs some non-ASCII characters with ASCII letters ("ſ" matches "s"), but only
the four of :data:`FOLDS_TO_ASCII` do (a test checks every code point): a text without
them is tested like an ASCII one (:func:`searchable`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

Literals = frozenset[str]

#: the non-ASCII characters that IGNORECASE matches to an ASCII letter ("İ" "ı" "ſ" "K")
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


@cache
def required_literals(regex: re.Pattern[str]) -> Literals | None:
    """Lower-case strings one of which every match of ``regex`` contains, or None; a
    literal containing another one of the set is left out (it adds no test)."""
    return literals_of_tree(sre_parse.parse(regex.pattern, regex.flags))


def literals_of_tree(tree: Any) -> Literals | None:
    """:func:`required_literals` of a pattern already parsed (``re._parser.parse``), for
    a caller that reads the tree for more than its literals."""
    found = _sequence(tree)
    if found is None:
        return None
    return frozenset(a for a in found if not any(b != a and b in a for b in found))


@lru_cache(maxsize=8)
def searchable(text: str) -> str | None:
    """The lower-case form of ``text`` in which a pattern's literals are looked for, or
    None when the test is unsafe (``text`` has a character of :data:`FOLDS_TO_ASCII`)."""
    if not text.isascii() and FOLDS_TO_ASCII.search(text):
        return None
    return text.lower()


def may_contain(literals: Literals | None, text: str) -> bool:
    """False only when a pattern whose required literals are ``literals`` cannot match
    ``text`` (no literal in its :func:`searchable` form)."""
    if literals is None:
        return True
    lower = searchable(text)
    return lower is None or any(map(lower.__contains__, literals))


class LiteralGate:
    """Which of several patterns may match a text: one substring test per distinct
    literal of all of them, then one set test per pattern."""

    def __init__(self, regexes: tuple[re.Pattern[str], ...]) -> None:
        self.literals = [required_literals(r) for r in regexes]
        self.distinct = tuple(sorted(set().union(*(lits or () for lits in self.literals))))

    def possible(self, text: str) -> list[bool]:
        """Per pattern: False only when it cannot match ``text`` (a :func:`searchable`
        text whose lower-case form contains none of the pattern's literals)."""
        lower = searchable(text)
        if lower is None:
            return [True] * len(self.literals)
        present = {lit for lit in self.distinct if lit in lower}
        return [lits is None or not lits.isdisjoint(present) for lits in self.literals]


#: the non-ASCII characters that equal an ASCII character under IGNORECASE (the re
#: module's documentation names them; a test checks every code point)
ASCII_CASE_TWINS = frozenset("\u0130\u0131\u017f\u212a")
_TWIN_RE = re.compile("[" + "".join(sorted(ASCII_CASE_TWINS)) + "]")


def has_twin(text: str) -> bool:
    """``text`` holds a character of :data:`ASCII_CASE_TWINS`: four substring tests,
    about ten times faster than a scan with :data:`_TWIN_RE` on the reports."""
    return not text.isascii() and any(map(text.__contains__, ASCII_CASE_TWINS))


class TextGate:
    """The test of :class:`LiteralGate` for one pattern on every slice of one text, from
    one scan of the text: a slice holding no occurrence of the pattern's literals (and
    no character of :data:`ASCII_CASE_TWINS`) has no match of the pattern.

    A match in a slice contains one of the literals up to case; each of its characters
    equals an ASCII one under IGNORECASE, so it is that character up to ASCII case or a
    twin. Without a twin in the slice, the lower-cased text holds the literal there
    (lower-casing the text maps one character to one when its length is unchanged, and
    an ASCII character's lower case does not depend on its neighbours).
    """

    def __init__(self, text: str, literals: Literals | None) -> None:
        lower = text.lower()
        self.always = literals is None or len(lower) != len(text)
        found: list[tuple[int, int]] = []
        for literal in () if self.always else literals or ():
            at = lower.find(literal)
            while at >= 0:
                found.append((at, at + len(literal)))
                at = lower.find(literal, at + 1)
        found.sort()
        self.starts = [a for a, _ in found]
        self.ends = [b for _, b in found]
        self.twins = [] if not has_twin(text) else [m.start() for m in _TWIN_RE.finditer(text)]

    def possible(self, start: int, end: int) -> bool:
        """False only when the pattern cannot match ``text[start:end]``."""
        if self.always:
            return True
        i = bisect_left(self.twins, start)
        if i < len(self.twins) and self.twins[i] < end:
            return True
        i = bisect_left(self.starts, start)
        while i < len(self.starts) and self.starts[i] < end:
            if self.ends[i] <= end:
                return True
            i += 1
        return False


@cache
def gate_of(regexes: tuple[re.Pattern[str], ...]) -> LiteralGate:
    """The cached :class:`LiteralGate` of ``regexes``."""
    return LiteralGate(regexes)


def _best(candidates: list[Literals]) -> Literals | None:
    """The most selective requirement: longest shortest literal, then fewest literals."""
    if not candidates:
        return None
    return max(candidates, key=lambda lits: (min(map(len, lits)), -len(lits)))


def _sequence(items: Any) -> Literals | None:
    """Requirement of a sequence of nodes: any one of its items' requirements."""
    candidates: list[Literals] = []
    run = ""
    for op, av in items:
        if op == sre.LITERAL and av < 128:
            run += chr(av).lower()
            continue
        if run:
            candidates.append(frozenset({run}))
            run = ""
        found = _node(op, av)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({run}))
    return _best(candidates)


def _node(op: Any, av: Any) -> Literals | None:
    """Requirement of one non-literal node (None: it requires nothing known)."""
    if op == sre.SUBPATTERN:
        return _sequence(av[3])
    if op == getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(av)
    if op in _REPEATS:
        low, _high, item = av
        return _sequence(item) if low >= 1 else None
    if op == sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(branch)
            if not found:
                return None
            union |= found
        return frozenset(union)
    return None
