"""The literal gate on every slice of a text (extractor.regex_literals.TextGate)."""

from __future__ import annotations

import random
import re
import sys

import pytest

from extractor.flags import review_rules
from extractor.regex_literals import (
    _TWIN_RE,
    ASCII_CASE_TWINS,
    TextGate,
    has_twin,
    required_literals,
)


def test_case_twins_are_every_non_ascii_match_of_an_ascii_character() -> None:
    """Every code point: under IGNORECASE only the twins equal an ASCII character (as a
    class member, and as a literal letter)."""
    ascii_class = re.compile(r"[\x00-\x7f]", re.I)
    found = {chr(c) for c in range(128, sys.maxunicode + 1) if ascii_class.fullmatch(chr(c))}
    cased = [
        chr(c)
        for c in range(128, sys.maxunicode + 1)
        if chr(c).lower() != chr(c) or chr(c).upper() != chr(c)
    ]
    for letter in "abcdefghijklmnopqrstuvwxyz":
        literal = re.compile(letter + "(?:#)?", re.I)  # a literal node, not a class
        found |= {ch for ch in cased if literal.fullmatch(ch)}
    assert found == ASCII_CASE_TWINS


@pytest.mark.parametrize(
    "text",
    [
        "IHC was done.",  # ASCII
        "A mass \u00d7 2, caf\u00e9.",  # non-ASCII without a twin
        *(f"a ma{twin}s." for twin in sorted(ASCII_CASE_TWINS)),  # each twin: found
        "\u0130stanbul",  # a twin first
    ],
)
def test_has_twin_is_a_twin_search(text: str) -> None:
    assert has_twin(text) is bool(_TWIN_RE.search(text))


STAIN = r"\b(?:immunohisto\w*|IHC|stain(?:s|ed|ing)?)\b"

# pattern | text | slice | may the pattern match the slice
CASES = [
    (STAIN, "A mass. IHC was done. No more.", (0, 7), False),
    (STAIN, "A mass. IHC was done. No more.", (8, 21), True),
    (STAIN, "A mass. ihc was done.", (8, 21), True),  # up to case
    (STAIN, "Staining. A mass.", (0, 9), True),
    (STAIN, "Staining. A mass.", (2, 9), False),  # the literal is cut by the slice
    (STAIN, "Stain", (0, 4), False),
    (STAIN, "A mass × 2. Stain é.", (0, 11), False),  # non-ASCII, no twin
    (STAIN, "A maſs. ſtain.", (8, 14), True),  # a twin: "ſ" is "s" under IGNORECASE
    (STAIN, "İ. A stain.", (3, 11), True),  # lower-casing "İ" shifts offsets
    (r"\d+\s*x\s*\d+", "3 x 2", (0, 5), True),  # no required literal
]


@pytest.mark.parametrize(("pattern", "text", "where", "expected"), CASES)
def test_gate_table(pattern: str, text: str, where: tuple[int, int], expected: bool) -> None:
    regex = re.compile(pattern, re.I)
    assert TextGate(text, required_literals(regex)).possible(*where) is expected
    if regex.search(text[where[0] : where[1]]):
        assert expected


def _review_regexes() -> list[re.Pattern[str]]:
    return [
        value
        for rule in review_rules().values()
        for value in rule.params.values()
        if isinstance(value, re.Pattern)
    ]


_WORDS = (
    "Immunohistochemical staining IHC was positive for CD34 and the mass measuring 3 x 2 "
    "lesion tumour cyst nodule size biopsy resection histology of the dimension"
).split()
_NOISE = ["", ".", ",", "×", "é", "ſ", "İ", "K", "ı", "-", "\n"]


@pytest.mark.parametrize("seed", range(4))
def test_gate_never_hides_a_match_of_a_review_rule(seed: int) -> None:
    """Random texts of cue words with case changes and non-ASCII noise: for every slice
    between two spaces in which a review pattern matches, the gate says it may."""
    rng = random.Random(seed)
    regexes = _review_regexes()
    matched = 0
    for _ in range(60):
        words = [rng.choice(_WORDS) for _ in range(12)]
        words = [w.upper() if rng.random() < 0.2 else w + rng.choice(_NOISE) for w in words]
        text = " ".join(words)
        edges = [0] + [m.start() for m in re.finditer(" ", text)] + [len(text)]
        gates = [TextGate(text, required_literals(r)) for r in regexes]
        for a in edges:
            for b in edges:
                if b <= a:
                    continue
                for regex, gate in zip(regexes, gates, strict=True):
                    if regex.search(text[a:b]):
                        matched += 1
                        assert gate.possible(a, b), (regex.pattern, text[a:b])
    assert matched > 1000
