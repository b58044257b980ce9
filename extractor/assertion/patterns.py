"""spaCy ``Matcher`` token patterns matched in Python over the words of one sentence.

spaCy's ``Matcher`` starts a state for each of its patterns at every token and pays a
fixed cost per call (about 10 us, 600 us with all 107 cue patterns on a short
sentence). A ConText sentence needs a handful of patterns, each of which can start
only at a few tokens (those holding one of its first words), so
:class:`TokenPattern` finds the same matches by trying just those starts.

The matches are those of a non-greedy ``Matcher``: every distinct ``(start, end)``
with ``end > start`` such that the tokens ``start:end`` match the pattern as a regular
expression over tokens (each pattern token with its quantifier ``?``, ``*``, ``+``,
``{n}``, ``{n,m}``, ``{n,}``, ``{,m}``). Token attributes read: ``LOWER`` and
``ORTH``/``TEXT`` (a string or ``IN``, ``NOT_IN``, ``REGEX``), ``LIKE_NUM``,
``IS_ALPHA``, ``IS_DIGIT`` and ``IS_SENT_START``. :func:`compile_pattern` returns ``None`` for
anything else (the caller keeps spaCy's ``Matcher`` for that pattern); a test compares
both on the dev sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

#: predicate over token ``i`` of a :class:`Tokens`
Predicate = Callable[["Tokens", int], bool]
_INF = 1 << 30
_RANGE_RE = re.compile(r"^\{(\d*)(,?)(\d*)\}$")
_OPS = {None: (1, 1), "1": (1, 1), "?": (0, 1), "*": (0, _INF), "+": (1, _INF)}


class Tokens:
    """Token attributes of a Doc (or of a Span), each list read from spaCy once and only
    if needed."""

    def __init__(self, doc: Doc | Span, lower: list[str]) -> None:
        self.doc = doc
        self.lower = lower
        self._orth: list[str] | None = None
        self._where: dict[str, list[int]] | None = None

    @property
    def where(self) -> dict[str, list[int]]:
        """Lower-cased word -> the offsets of its tokens, ascending."""
        if self._where is None:
            where: dict[str, list[int]] = {}
            for i, word in enumerate(self.lower):
                where.setdefault(word, []).append(i)
            self._where = where
        return self._where

    @property
    def orth(self) -> list[str]:
        if self._orth is None:
            self._orth = [token.text for token in self.doc]
        return self._orth

    def like_num(self, i: int) -> bool:
        return self.doc[i].like_num

    def is_alpha(self, i: int) -> bool:
        return self.doc[i].is_alpha

    def is_digit(self, i: int) -> bool:
        return self.doc[i].is_digit

    def is_sent_start(self, i: int) -> bool:
        return self.doc[i].is_sent_start is True


def _quantifier(op: Any) -> tuple[int, int] | None:
    if op in _OPS:
        return _OPS[op]
    match = _RANGE_RE.match(op) if isinstance(op, str) else None
    if match is None or not (match.group(1) or match.group(3)):
        return None
    low = int(match.group(1) or 0)
    if not match.group(2):
        return low, low
    return low, int(match.group(3)) if match.group(3) else _INF


def _string_test(value: Any) -> Callable[[str], bool] | None:
    """A test of a token's ``LOWER`` or ``ORTH`` string, as spaCy reads the value."""
    if isinstance(value, str):
        return value.__eq__
    if not isinstance(value, dict) or not value:
        return None
    tests: list[Callable[[str], bool]] = []
    for op, arg in value.items():
        if op in ("IN", "NOT_IN") and isinstance(arg, list):
            words = frozenset(arg)
            tests.append(words.__contains__ if op == "IN" else (lambda w, s=words: w not in s))
        elif op == "REGEX" and isinstance(arg, str):
            tests.append(lambda w, r=re.compile(arg): r.search(w) is not None)
        else:
            return None
    if len(tests) == 1:
        return tests[0]
    return lambda w: all(test(w) for test in tests)


#: boolean token attributes read, by pattern key
_FLAGS: dict[str, Callable[[Tokens, int], bool]] = {
    "LIKE_NUM": Tokens.like_num,
    "IS_ALPHA": Tokens.is_alpha,
    "IS_DIGIT": Tokens.is_digit,
    "IS_SENT_START": Tokens.is_sent_start,
}


def _predicate(spec: dict[str, Any]) -> Predicate | None:
    tests: list[Predicate] = []
    for key, value in spec.items():
        if key == "OP":
            continue
        if key in ("LOWER", "ORTH", "TEXT"):
            test = _string_test(value)
            if test is None:
                return None
            if key == "LOWER":
                tests.append(lambda t, i, f=test: f(t.lower[i]))
            else:
                tests.append(lambda t, i, f=test: f(t.orth[i]))
        elif key in _FLAGS and isinstance(value, bool):
            attr = _FLAGS[key]
            tests.append(lambda t, i, a=attr, v=value: a(t, i) is v)
        else:
            return None
    if len(tests) == 1:
        return tests[0]
    return lambda t, i: all(test(t, i) for test in tests)


def _words(spec: dict[str, Any]) -> frozenset[str] | None:
    """The lower-cased words a token matching ``spec`` must be one of, if it says (a
    token whose text is ``w`` has the lower-cased text ``w.lower()``)."""
    found: frozenset[str] | None = None
    for key, fold in (("LOWER", False), ("ORTH", True), ("TEXT", True)):
        value = spec.get(key)
        if isinstance(value, dict) and isinstance(value.get("IN"), list):
            value = value["IN"]
        elif isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            words = frozenset(v.lower() if fold else v for v in value)
            found = words if found is None else found & words
    return found


@dataclass(frozen=True)
class Anchor:
    """A pattern token every match passes through: one of ``words``, between ``near``
    and ``far`` tokens after the start of the match."""

    words: frozenset[str]
    near: int
    far: int

    def starts(self, tokens: Tokens) -> list[int]:
        """Start offsets a match can have (a superset), ascending."""
        where = tokens.where
        hits = [i for word in self.words.intersection(where) for i in where[word]]
        near, far = self.near, self.far
        if near == far == 0:
            return sorted(hits)
        return sorted({i - d for i in hits for d in range(near, far + 1) if i >= d})


@dataclass(frozen=True)
class TokenPattern:
    """One compiled token pattern: (predicate, min, max) per pattern token."""

    steps: tuple[tuple[Predicate, int, int], ...]
    #: where matches can start (None: anywhere)
    anchor: Anchor | None

    def matches(self, tokens: Tokens) -> list[tuple[int, int]]:
        """Every distinct (start, end) of a match, end > start, by start then end."""
        if self.anchor is None:
            candidates: Sequence[int] = range(len(tokens.lower))
        else:
            candidates = self.anchor.starts(tokens)
        found: list[tuple[int, int]] = []
        for start in candidates:
            ends = self.ends_from(tokens, start)
            if ends:
                found.extend((start, end) for end in sorted(ends) if end > start)
        return found

    def ends_from(self, tokens: Tokens, start: int) -> set[int]:
        """The ends of the matches starting at token ``start`` (``start`` itself too
        when the pattern can match no token)."""
        n = len(tokens.lower)
        positions = {start}
        for predicate, low, high in self.steps:
            reached: set[int] = set()
            for p in positions:
                count = 0
                if low == 0:
                    reached.add(p)
                while count < high and p + count < n and predicate(tokens, p + count):
                    count += 1
                    if count >= low:
                        reached.add(p + count)
            positions = reached
            if not positions:
                break
        return positions


def compile_pattern(pattern: Any) -> TokenPattern | None:
    """A :class:`TokenPattern` for a spaCy token pattern, or ``None`` when it uses
    something this module does not implement."""
    if not isinstance(pattern, list) or not pattern:
        return None
    steps: list[tuple[Predicate, int, int]] = []
    for spec in pattern:
        if not isinstance(spec, dict):
            return None
        quantifier = _quantifier(spec.get("OP"))
        predicate = _predicate(spec)
        if quantifier is None or predicate is None:
            return None
        steps.append((predicate, *quantifier))
    return TokenPattern(tuple(steps), _anchor(pattern))


def _anchor(pattern: list[dict[str, Any]]) -> Anchor | None:
    """The first required pattern token naming its words, with the bounded distance
    from the start of a match to it; if the tokens before it can be any number, the
    first matched token instead, when the words of those tokens are named too (``None``
    otherwise: a match may start anywhere)."""
    near = far = 0
    leading: set[str] | None = set()
    for spec in pattern:
        low, high = _quantifier(spec.get("OP")) or (0, _INF)
        words = _words(spec)
        if low > 0 and words is not None:
            if far < _INF:
                return Anchor(words, near, far)
            return None if leading is None else Anchor(frozenset(leading | words), 0, 0)
        leading = None if words is None or leading is None else leading | words
        near, far = near + low, min(far + high, _INF)
    return None
