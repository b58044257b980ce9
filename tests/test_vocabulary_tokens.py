"""The vocabulary tokenizer's shortcuts give the tokens of the full token pattern."""

from __future__ import annotations

import re

import pytest

from extractor.fields.vocabulary_tokens import _TOKEN_RE, _columns, fold, hyphen_number


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
        ("S-100 and Ki-67 positive", True),
        ("MIB-1 index", True),
        ("Ewing's sarcoma-like tumour", False),
        ("T2-3 vertebrae, 2019-05-01", False),  # a digit before the hyphen
        ("-5 mm", False),  # nothing before the hyphen
        ("range 3 - 5 cm", False),
        ("well-defined, ab-c1", False),
        ("é-1", True),  # any letter
        ("_-1", False),  # "_" is not a letter
    ],
)
def test_hyphen_number(text: str, expected: bool) -> None:
    assert hyphen_number(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Paraspinal lesions, Ewing's sarcoma-like; tumours at T11-T12.",
        "S-100 and Ki-67 (MIB-1) were positive; CD99 - negative",  # the full pattern
        "abcdefg-12345 xx-1234567 TLE-1 +++ / BCL2 -",
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
    assert not hyphen_number(text)
    assert [m.span() for m in plain.finditer(text)] == [m.span() for m in _TOKEN_RE.finditer(text)]
