"""The sentence bounds of the size linker: the start is looked for near the position
first (:data:`NEAR_START` characters), the whole reach only when none is there."""

from __future__ import annotations

import pytest

from extractor.fields.measured_vocab import (
    _SENTENCE_END_RE,
    MAX_SENTENCE,
    NEAR_START,
    sentence_span,
)


def _reference(text: str, pos: int) -> tuple[int, int]:
    """The bounds from one scan of the whole reach before ``pos``."""
    lo = max(0, pos - MAX_SENTENCE)
    start = lo
    for m in _SENTENCE_END_RE.finditer(text, lo, min(len(text), pos + 2)):
        if m.end() <= pos:
            start = m.end()
    found = _SENTENCE_END_RE.search(text, pos, min(len(text), pos + MAX_SENTENCE))
    return start, found.end() if found else min(len(text), pos + MAX_SENTENCE)


LONG = "a lesion of the left lobe with irregular margins and calcification " * 4
TEXTS = [
    "History: pain. A mass measuring 4 x 3 cm was seen. It was resected.",
    # the start is far before the measurement: found by the second scan
    "Findings. The " + LONG + "measuring 3 cm in size.",
    # no sentence end within the reach: the reach's start
    LONG * 3 + "a nodule of 2 cm.",
    # a blank-line run crossing the near window's start (matched from inside it)
    "Gross.\n" + " \n" * (NEAR_START // 2) + "\nThe tumour measured 5 cm.",
    "Gross:\n" + "x" * (NEAR_START - 3) + "\n\n\n  \n" + "y" * 20 + " 4 cm.",
    "Size!  (12 mm) Next [x]. " + "w " * NEAR_START + "end 3 cm",
]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_span_equals_one_scan_of_the_reach(text: str) -> None:
    for pos in range(len(text) + 1):
        assert sentence_span(text, pos) == _reference(text, pos), pos


def test_far_start_needs_the_second_scan() -> None:
    """Counter-example to scanning only near the position: the sentence starts more
    than :data:`NEAR_START` characters before it."""
    text = TEXTS[1]
    pos = text.index("measuring")
    assert pos > NEAR_START + len("Findings.")
    assert sentence_span(text, pos)[0] == len("Findings.")
