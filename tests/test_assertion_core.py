"""The position index of extractor.assertion.core (sentences starting in a patient
section) against the plain test it replaces."""

from __future__ import annotations

import pytest

from extractor.assertion.core import _Cover
from extractor.assertion.engine import _TokenChars, get_engine

RANGES = [
    [(0, 10)],
    [(20, 30), (0, 10)],  # not in order
    [(0, 10), (5, 15), (15, 18)],  # overlapping, then adjacent
    [(4, 4), (9, 2)],  # empty ranges cover nothing
    [],
]


@pytest.mark.parametrize("ranges", RANGES)
def test_cover_as_any_range(ranges: list[tuple[int, int]]) -> None:
    covered = _Cover(ranges)
    for pos in range(-1, 35):
        # the counter-examples: a range's end, the gap between two ranges
        assert covered(pos) is any(a <= pos < b for a, b in ranges), pos


@pytest.mark.parametrize(
    ("text", "tokens", "expected"),
    [
        ("No fever, no rash.", (0, 2), (0, 8)),
        ("No fever, no rash.", (3, 5), (10, 17)),
        ("There was  no mass", (3, 4), (11, 13)),  # after a white-space token
        ("No fever", (1, 1), (5, 5)),  # an empty scope sits where it is asked to
    ],
)
def test_token_chars_as_span(text: str, tokens: tuple[int, int], expected: tuple[int, int]) -> None:
    doc = get_engine().nlp.make_doc(text)
    chars = _TokenChars(doc, text)
    assert chars.chars(*tokens, at=5 if tokens[0] == tokens[1] else 0) == expected
    if tokens[1] > tokens[0]:
        span = doc[tokens[0] : tokens[1]]
        assert (span.start_char, span.end_char) == expected
        assert chars.text[expected[0] : expected[1]] == span.text
