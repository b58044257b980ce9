"""The vocabulary tokenizer's shortcuts give the tokens of the full token pattern."""

from __future__ import annotations

import random
import re

import pytest

from extractor.fields import vocabulary_tokens
from extractor.fields.vocabulary_tokens import (
    _SPELLING,
    _TOKEN_RE,
    _columns,
    _fold,
    _singular,
    fold,
    hyphen_pieces,
)


def _reference(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]:
    """Offsets and raw forms from the full pattern, one match at a time."""
    found = list(_TOKEN_RE.finditer(text))
    return (
        tuple(m.start() for m in found),
        tuple(m.end() for m in found),
        tuple(m.group().replace("-", "") for m in found),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S-100 and Ki-67 positive", [(0, 5), (10, 15)]),
        ("MIB-1 index", [(0, 5)]),
        ("(MIB-1,\tKi-67/CD-99)", [(0, 7), (8, 20)]),  # one piece per run, any white space
        ("Ewing's sarcoma-like tumour", []),
        ("T2-3 vertebrae, 2019-05-01", []),  # a digit before the hyphen
        ("-5 mm", []),  # nothing before the hyphen
        ("range 3 - 5 cm", []),
        ("well-defined, ab-c1", []),
        ("é-1", [(0, 3)]),  # any letter
        ("_-1", []),  # "_" is not a letter
    ],
)
def test_hyphen_pieces(text: str, expected: list[tuple[int, int]]) -> None:
    assert hyphen_pieces(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Paraspinal lesions, Ewing's sarcoma-like; tumours at T11-T12.",
        "S-100 and Ki-67 (MIB-1) were positive; CD99 - negative",  # the full pattern
        "abcdefg-12345 xx-1234567 TLE-1 +++ / BCL2 -",
        "S-100's x-1's\u2003Ki-67 (MIB-1)x-2\nab-3",  # pieces at both ends, 's at an edge
        "CD-99-positive and tumour-1a9b (S-100)",
        "x's _under_score 'quoted' ½ ²",
        "",
    ],
)
def test_columns_equal_the_full_pattern(text: str) -> None:
    starts, ends, raw, folded = _columns.__wrapped__(text)
    assert (starts, ends, raw) == _reference(text)
    assert folded == tuple(map(fold, raw))
    assert not any("-" in word for word in raw)


def test_plain_pattern_is_used_without_hyphen_number() -> None:
    """Without a letter-hyphen-digit the "S-100" branch cannot match: its removal is
    the only difference between the two patterns."""
    plain = re.compile(_TOKEN_RE.pattern.split("|", 1)[1])
    text = "Well-defined mass, 2019-05-01; 3-5 cm"
    assert not hyphen_pieces(text)
    assert [m.span() for m in plain.finditer(text)] == [m.span() for m in _TOKEN_RE.finditer(text)]


@pytest.mark.parametrize("seed", range(5))
def test_columns_equal_the_full_pattern_on_random_text(seed: int) -> None:
    """Random texts dense in letter-hyphen-digit places, apostrophes and white space."""
    rng = random.Random(seed)
    alphabet = ["S", "k", "s", "1", "0", "-", "-", "'", " ", "\n", "_", "é", "½", "/", "."]
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        starts, ends, raw, _folded = _columns.__wrapped__(text)
        assert (starts, ends, raw) == _reference(text), text


def _fold_reference(word: str) -> str:
    """:func:`fold` as first written: every British spelling tested, then the plural
    rules on every word."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    for british, american in _SPELLING:
        if british in w:
            w = w.replace(british, american)
    return _singular(w)


_ENDINGS = ["sses", "ases", "oses", "eses", "ies", "ae", "s", "ss", "us", "is", "'s", "e"]


@pytest.mark.parametrize(
    "word",
    [
        "Tumours",
        "haemangiomas",
        "ischaemia",  # "haem" replaced first: "ischaem" no longer holds
        "anaemias",
        "oesophagus",
        "paediatric",
        "labelling",
        "fibres",
        "centre",  # ends in "e" but not "ae": unchanged
        "vertebrae",
        "Ewing's",
        "glomus",
        "abscesses",
        "metastases",
        "bodies",
        "ties",  # "ies" but too short
        "alae",  # "ae" but too short
        "CD34s",  # not all letters: no plural rule
        "bus",
        "x-rays",
        "",
    ],
)
def test_fold_equals_reference(word: str) -> None:
    assert _fold(word) == fold(word) == _fold_reference(word)


def test_fold_equals_reference_on_random_words() -> None:
    rnd = random.Random(7)
    letters = "aeioushlmdcrtbpAEIOUS'0-\u00e9"
    parts = [b for b, _ in _SPELLING] + _ENDINGS
    for _ in range(20_000):
        word = "".join(rnd.choice(letters) for _ in range(rnd.randint(0, 8)))
        word += "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 2)))
        assert _fold(word) == _fold_reference(word), word


def test_fold_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache empties itself when full and keeps answering (memory stays flat)."""
    folds = vocabulary_tokens._Folds()
    monkeypatch.setattr(vocabulary_tokens, "FOLD_CACHE_SIZE", 3)
    words = ["Tumours", "lipomas", "a", "b", "c", "d", "Tumours"]
    assert [folds[w] for w in words] == ["tumor", "lipoma", "a", "b", "c", "d", "tumor"]
    assert len(folds) <= 3
