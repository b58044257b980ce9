"""Occurrences of a defined abbreviation, found without compiling a pattern for it."""

from __future__ import annotations

import random
import re

import pytest

from extractor.fields.diagnosis_match import standalone


def _regex(text: str, word: str) -> list[tuple[int, int]]:
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}s?(?![\w-])")
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("An IMT (IMT). IMTs recur; the IMT.", "IMT", [(3, 6), (8, 11), (14, 18), (30, 33)]),
        ("IMTsx, xIMT, IMT-1, _IMT, IMT_, IMTé", "IMT", []),  # joined to a word or "-"
        ("IMTs-like and IMTss", "IMT", []),  # the "s" is followed by a word character
        ("MPNST/MPNSTs", "MPNST", [(0, 5), (6, 12)]),
        ("SFTSFT SFT", "SFT", [(7, 10)]),  # overlapping occurrences
        ("a b. a b", "a b", [(0, 3), (5, 8)]),  # a word with a space
        ("Ωx Ω Ωs", "Ω", [(3, 4), (5, 7)]),  # non-ASCII
    ],
)
def test_standalone_occurrences(text: str, word: str, expected: list[tuple[int, int]]) -> None:
    assert standalone(text, word) == expected == _regex(text, word)


@pytest.mark.parametrize("seed", range(5))
def test_standalone_equals_the_pattern_on_random_text(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ABs s-_(é)1."
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        word = rng.choice(["AB", "A", "Bs", "s", "A-B", "(A)"])
        assert standalone(text, word) == _regex(text, word), (text, word)
