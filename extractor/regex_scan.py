"""The same matches as ``regex.finditer``, found faster by a first-character scan (pure).

CPython's regex engine skips ahead quickly only when a pattern starts with a literal or
a character class that is not case-insensitive; a pattern that starts with ``\\b``, a
lookbehind or an IGNORECASE word is tried at every position of the text. Most rule
patterns start so. :func:`first_chars` reads a pattern's syntax tree and returns the
class of characters every match starts with (case variants included), and
:func:`scanner` builds ``(?-i:[class])(?<=(?=(?:pattern))(?s:.))``: it consumes one character
of the class (the fast scan), steps back over it and requires the pattern there, so it
finds exactly the positions where ``pattern.match`` succeeds. :func:`finditer` keeps,
left to right, those that start at or after the end of the previous match and returns
``pattern.match`` there: the matches of ``pattern.finditer`` (a pattern that can match
the empty string gets no scanner; a lookbehind of the pattern still sees the text before
the position, as in a search).

A pattern whose every match starts a number (:func:`starts_a_number`) needs no scan of
its own: :func:`number_starts`, one scan of a text shared by such patterns, lists the
only places where it can match.

Under IGNORECASE an ASCII letter also matches its other case and, for "i", "s" and "k",
the characters of :data:`EXTRA_FOLDS` (a test checks every code point); a pattern
starting with a non-ASCII letter, a negated class, a backreference or "." gets no
scanner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

#: non-ASCII characters that IGNORECASE matches to an ASCII letter, by that letter
EXTRA_FOLDS = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}
_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


class _Unknown(Exception):
    """A part of the pattern whose first characters are not read (no scanner)."""


First = tuple[frozenset[str], bool]  # (class items, may match the empty string)


def first_chars(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Class items (single characters, or ``\\d`` ``\\s`` ``\\w``) one of which starts
    every match of ``regex``, case variants included; None when unknown or when the
    pattern can match the empty string."""
    return _first_chars_of_tree(sre_parse.parse(regex.pattern, regex.flags), regex.flags)


def _first_chars_of_tree(tree: Any, flags: int) -> frozenset[str] | None:
    try:
        items, nullable = _sequence(tree, flags)
    except _Unknown:
        return None
    return None if nullable else items


def starts_a_number(tree: Any, flags: int) -> bool:
    """True when every match of a pattern (``tree``: ``re._parser.parse`` of it) starts
    with a digit not preceded by a word character: the pattern starts with a lookbehind
    such as ``(?<![\\w.])`` and then with a digit. Its matches start only at
    :func:`number_starts`."""
    if not tree.data or (flags | tree.state.flags) & (re.ASCII | re.LOCALE):
        return False  # another \\w than the one of number_starts
    op, av = tree.data[0]
    if op != sre.ASSERT_NOT or av[0] != -1 or len(av[1].data) != 1:
        return False
    inner_op, items = av[1].data[0]
    word = (sre.CATEGORY, sre.CATEGORY_WORD)
    if inner_op != sre.IN or word not in items or (sre.NEGATE, None) in items:
        return False
    first = _first_chars_of_tree(tree, flags)
    return bool(first) and all(i == r"\d" or i.isdecimal() for i in first or ())


#: a digit whose previous character is not a word character: the start of a number
_NUMBER_START_RE = re.compile(r"\d(?<!\w\d)")
#: (text, its :func:`number_starts`) of the last text read; the text is held, so that an
#: identity test cannot mistake another text for it
_NUMBERS: list[tuple[str, tuple[int, ...]]] = [("", ())]


def number_starts(text: str) -> tuple[int, ...]:
    """Positions of the digits of ``text`` that follow no word character ("45" in "a
    45-year-old", not "5" in "T5" or in "45"): the only places where a pattern that
    :func:`starts_a_number` can match. One scan (starting with a digit: the regex engine
    skips to digits fast) serves the number rules of every field of a report: those of
    the last text read are kept (one text: bounded)."""
    kept, starts = _NUMBERS[0]
    if kept is not text:
        starts = tuple(m.start() for m in _NUMBER_START_RE.finditer(text))
        _NUMBERS[0] = (text, starts)
    return starts


@cache
def scanner(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """The first-character scanner of ``regex`` (see the module docstring), or None."""
    items = first_chars(regex)
    if not items:
        return None
    cls = "".join(i if i in _CATEGORIES.values() else f"\\U{ord(i):08x}" for i in sorted(items))
    tail = "\n" if regex.flags & re.VERBOSE else ""
    try:
        return re.compile(f"(?-i:[{cls}])(?<=(?=(?:{regex.pattern}{tail}))(?s:.))", regex.flags)
    except re.error:  # e.g. global inline flags not at the start
        return None


def finditer(
    regex: re.Pattern[str],
    scan: re.Pattern[str] | None,
    text: str,
    pos: int = 0,
    endpos: int | None = None,
) -> Iterator[re.Match[str]]:
    """``regex.finditer(text, pos, endpos)``, through ``scan`` (its :func:`scanner`)
    unless that is None."""
    if scan is None:
        yield from (
            regex.finditer(text)
            if pos == 0 and endpos is None
            else regex.finditer(text, pos, len(text) if endpos is None else endpos)
        )
        return
    end = len(text) if endpos is None else endpos
    last = pos
    for hit in scan.finditer(text, pos, end):
        start = hit.start()
        if start >= last:
            match = regex.match(text, start, end)
            if match is not None:  # always: the scanner checked the pattern there
                last = match.end()
                yield match


def _variants(code: int, flags: int) -> set[str]:
    char = chr(code)
    if not flags & re.IGNORECASE:
        return {char}
    if code >= 128:
        raise _Unknown
    return {char.lower(), char.upper(), *EXTRA_FOLDS.get(char.lower(), "")}


def _class(items: Any, flags: int) -> set[str]:
    found: set[str] = set()
    for op, av in items:
        if op == sre.LITERAL:
            found |= _variants(av, flags)
        elif op == sre.RANGE and av[1] < 128:
            for code in range(av[0], av[1] + 1):
                found |= _variants(code, flags)
        elif op == sre.CATEGORY and av in _CATEGORIES:
            found.add(_CATEGORIES[av])
        else:  # NEGATE, non-ASCII ranges, other categories
            raise _Unknown
    return found


def _sequence(items: Any, flags: int) -> First:
    """First characters of a sequence: those of its items up to the first one that
    cannot match the empty string."""
    found: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        chars, nullable = _node(op, av, flags)
        found |= chars
        if not nullable:
            return frozenset(found), False
    return frozenset(found), True


def _node(op: Any, av: Any, flags: int) -> First:
    if op == sre.LITERAL:
        return frozenset(_variants(av, flags)), False
    if op == sre.IN:
        return frozenset(_class(av, flags)), False
    if op == sre.SUBPATTERN:
        if av[1] or av[2]:  # the group changes flags
            raise _Unknown
        return _sequence(av[3], flags)
    if op == getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(av, flags)
    if op in _REPEATS:
        low, _high, item = av
        chars, nullable = _sequence(item, flags)
        return chars, nullable or low == 0
    if op == sre.BRANCH:
        found: set[str] = set()
        any_nullable = False
        for branch in av[1]:
            chars, nullable = _sequence(branch, flags)
            found |= chars
            any_nullable |= nullable
        return frozenset(found), any_nullable
    raise _Unknown  # ANY, NOT_LITERAL, GROUPREF, ...


def search(regex: re.Pattern[str], scan: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    """``regex.search(text)``, through ``scan`` (its :func:`scanner`) unless that is None:
    the match at the first position where the pattern matches."""
    if scan is None:
        return regex.search(text)
    hit = scan.search(text)
    return None if hit is None else regex.match(text, hit.start())


def find_all(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)`` through the cached :func:`scanner` of ``regex``."""
    return finditer(regex, scanner(regex), text)


def find_first(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``regex.search(text)`` through the cached :func:`scanner` of ``regex``."""
    return search(regex, scanner(regex), text)
