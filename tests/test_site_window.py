"""The tokens before a site that laterality is read from (:func:`window_tokens`): read
from the sentence's columns where they are the window's own tokens, tokenized
otherwise; either way the tokens of ``text[start - 80 : start]``."""

from __future__ import annotations

import pytest

from extractor.fields import site_parser
from extractor.fields.site_parser import LATERALITY_TOKENS, laterality_before, window_tokens
from extractor.fields.vocabulary import tokenize

FAR = "the patient had a long history of intermittent lower back pain and " * 2


def _window(text: str, start: int, lo: int) -> list[tuple[int, str]]:
    """The definition: the last tokens of the 80 characters before ``start`` (from
    ``lo`` on)."""
    base = max(lo, start - 80)
    return [(t.start + base, t.folded) for t in tokenize(text[base:start])[-LATERALITY_TOKENS:]]


@pytest.mark.parametrize(
    ("text", "before", "lo", "tokenized"),
    [
        ("mass in the right kidney", "kidney", 0, False),  # the window is the text's start
        (FAR + "a mass in the left psoas muscle", "psoas", 0, False),  # cut inside a word
        (FAR + "S-100 positive right paraspinal", "paraspinal", 0, False),  # "S-100"
        ("Ewing's sarcoma of the left femur", "femur", 0, False),  # "'s" token
        ("Old scar. Mass in the left psoas", "psoas", 10, False),  # a sentence of a text
        ("Old scar.Mass seen in the very large left psoas", "psoas", 9, False),  # 6 after
        ("No scar.Left psoas", "psoas", 8, True),  # cut in a word, too few tokens after it
        ("x" * 79 + "ed right psoas", "psoas", 0, True),  # too few tokens after the cut
        ("x" * 90 + " lt psoas", "psoas", 0, True),  # no space in the window
        ("the rightpsoas", "psoas", 0, True),  # start inside a token of the text
        ("Ewing'spsoas", "psoas", 0, True),  # "'s" then a letter at start
    ],
)
def test_window_tokens_are_those_of_the_window(
    text: str, before: str, lo: int, tokenized: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        site_parser, "tokenize", lambda window: calls.append(window) or tokenize(window)
    )
    start = text.rindex(before)
    starts, folded = window_tokens(text, start, lo)
    assert list(zip(starts, folded, strict=True)) == _window(text, start, lo)
    assert bool(calls) == tokenized


@pytest.mark.parametrize("at", [0, 7, len(FAR)])
def test_laterality_offset_is_in_the_sentence(at: int) -> None:
    """Read from the document's columns or the sentence's, the same offset."""
    full = FAR + "a mass in the left psoas muscle"
    text = full[at:]
    start = text.index("psoas")
    expected = ("left", text.index("left"))
    assert laterality_before(text, start, {"left": "left"}) == expected
    assert laterality_before(text, start, {"left": "left"}, (full, at)) == expected
