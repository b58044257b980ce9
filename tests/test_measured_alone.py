"""The size linker reads a measurement's sentence alone first, and the span from the
previous sentence only when a rule needs it or the sentence cannot be cut off."""

from __future__ import annotations

import pytest

from extractor.fields import measured
from extractor.fields.measured_vocab import object_phrases, sentence_span, separable
from extractor.fields.size import link_sizes

XP11 = "A biopsy showed Xp11. 2 translocation renal cell carcinoma of 4 cm."
LYMPH = "Left lymph\n\nnode of 2 cm."


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        ("A mass was seen. The tumour measured 3 cm.", "measured", True),
        ("History: pain.\n\nThe cyst was 2 cm.", "cyst", True),
        # a key has '.' then '2': the phrase crosses the sentence start
        (XP11, "translocation", False),
        # a blank line without a mark: "lymph node" is one phrase across it
        (LYMPH, "node", False),
        # a mark that ends no sentence: the span from the previous sentence is read
        ("A mass (see above)\n\nThe cyst was 2 cm.", "cyst", False),
    ],
)
def test_separable(text: str, at: str, expected: bool) -> None:
    start, end = sentence_span(text, text.index(at))
    assert separable(text, start, end) is expected


@pytest.mark.parametrize("text", [XP11, LYMPH])
def test_not_separable_where_a_phrase_crosses(text: str) -> None:
    """The counter-examples: the sentence alone has other object phrases."""
    start, end = sentence_span(text, len(text) - 5)
    whole = [(s, e) for s, e, _c, _t in object_phrases(text) if e > start]
    alone = [(s + start, e + start) for s, e, _c, _t in object_phrases(text[start:end])]
    assert whole != alone


def _links(text: str, monkeypatch: pytest.MonkeyPatch, alone: bool) -> list[measured.Link]:
    with monkeypatch.context() as patch:
        if not alone:
            patch.setattr(measured.Linker, "_alone", lambda _self, _a, _b: False)
        return [found for *_rest, found in link_sizes(text)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("A mass was seen. The tumour measured 3 cm.", "size.link.backward"),
        ("A polyp was found. It measured 3 cm.", "size.link.pronoun"),
        ("Three nodules were seen. The largest was 2 cm.", "size.link.backward"),
        ("A cyst of the liver was seen. Maximum diameter: 2 cm.", "size.link.previous_sentence"),
        # the phrase crossing the sentence start is not in the sentence: none (read
        # alone, the sentence would link "translocation renal cell carcinoma", "node")
        (XP11, "size.link.none"),
        (LYMPH, "size.link.none"),
        ("Mass seen. Na 135 mm.", "size.link.none"),
    ],
)
def test_links_equal_those_of_the_span_from_the_previous_sentence(
    text: str, rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _links(text, monkeypatch, alone=True)
    assert found == _links(text, monkeypatch, alone=False)
    assert [f.rule for f in found] == [rule]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        # decided in its sentence: only the sentence is read
        ("A mass was seen. The tumour measured 3 cm.", 1),
        # a pronoun: the sentence, then the span from the previous one
        ("A polyp was found. It measured 3 cm.", 2),
        # not separable: the span from the previous sentence only
        (XP11, 1),
    ],
)
def test_spans_read(text: str, spans: int) -> None:
    linker = measured.Linker(text, [(s, e) for s, e, *_rest in link_sizes(text)])
    start = next(s for s, _e, *_rest in link_sizes(text))
    linker.link(start, start + 4)
    assert len(linker.spans) == spans
