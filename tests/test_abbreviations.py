"""Abbreviation definitions (extractor.abbreviations) against scispaCy's AbbreviationDetector."""

from __future__ import annotations

import pytest
from scispacy.abbreviation import AbbreviationDetector
from spacy.matcher import Matcher

from extractor.abbreviations import (
    MAX_SHORT_FORM_TOKENS,
    CaseAbbreviations,
    abbreviation_map,
    parentheses,
)

TEXTS = [
    "An inflammatory myofibroblastic tumor (IMT) was resected. The IMT recurred.",
    "Magnetic resonance imaging (MRI) and computed tomography (CT) were done; MRI again.",
    "Giant cell tumor (GCT) of bone (GCT) and giant cell tumour (GCT).",
    "Pain (worse at night) (VAS 7) for (three) weeks (Fig. 2).",
    "Nested (a (b) c) parentheses ((AB)) and ( ) and ().",
    "Unclosed ( paren and a closing one ) then (" + " x" * MAX_SHORT_FORM_TOKENS + ") done",
    "Nine tokens (" + " y" * (MAX_SHORT_FORM_TOKENS + 1) + ") skipped",
    "(ABC) at the start, and alpha-fetoprotein (AFP) at the end (AFP)",
    "No parentheses at all.",
    "",
]


def _scispacy(nlp) -> AbbreviationDetector:  # noqa: ANN001 - spacy Language
    """scispaCy's detector with the bounded pattern the pipeline used before."""
    detector = AbbreviationDetector(nlp, name="reference")
    detector.matcher = Matcher(nlp.vocab)
    bounded = {"ORTH": {"NOT_IN": ["(", ")"]}, "OP": f"{{1,{MAX_SHORT_FORM_TOKENS}}}"}
    detector.matcher.add("parenthesis", [[{"ORTH": "("}, bounded, {"ORTH": ")"}]])
    return detector


@pytest.mark.parametrize("text", TEXTS)
def test_parentheses_are_the_bounded_matcher_matches(nlp, text: str) -> None:  # noqa: ANN001
    doc = nlp.make_doc(text)
    expected = [(start, end) for _, start, end in _scispacy(nlp).matcher(doc)] if text else []
    assert parentheses(doc) == expected


@pytest.mark.parametrize("text", TEXTS)
def test_abbreviation_map_as_scispacy(nlp, text: str) -> None:  # noqa: ANN001
    ours, theirs = nlp.make_doc(text), nlp.make_doc(text)
    CaseAbbreviations()(ours)
    if text:
        _scispacy(nlp)(theirs)
    assert list(abbreviation_map(ours).items()) == list(abbreviation_map(theirs).items())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "inflammatory myofibroblastic tumor (IMT) and IMT",
            {"IMT": "inflammatory myofibroblastic tumor"},
        ),
        ("a giant cell tumor (GCT), then giant cell tumour (GCT)", {"GCT": "giant cell tumor"}),
        ("pain (worse at night)", {}),
    ],
)
def test_abbreviation_map_table(nlp, text: str, expected: dict[str, str]) -> None:  # noqa: ANN001
    assert abbreviation_map(nlp(text)) == expected
