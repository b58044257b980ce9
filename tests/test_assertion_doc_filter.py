"""Sentences skipped from the pipeline document's own tokens (extractor.assertion.doc_filter)."""

from __future__ import annotations

import pytest
import spacy

from extractor.assertion.engine import get_engine
from extractor.assertion.rules import lower_words
from extractor.sentences import sentence_spans
from extractor.text import normalize

from .conftest import REAL_REPORTS


def _skips(nlp, text: str) -> list[bool] | None:  # noqa: ANN001 - spacy Language
    sentences = get_engine().doc_filter.sentences_of(nlp.make_doc(text))
    return None if sentences is None else [sentences.skip(a, b) for a, b in sentence_spans(text)]


# text | for each sentence: skipped (no asserting cue can match in it)
CASES = [
    ("The mass was small. It grew.", [True, True]),
    ("There was no fever. It grew.", [False, True]),
    ("The mass was small. 'Stable' on review.", [True, True]),
    # "'" then "'" follow each other in the special case "''": the edge stays open
    ("He said 'fine.' 'Stable' it was.", [False, False]),
    ("Stable mass.\nNo growth.\n\nA second mass (3 cm).", [True, False, True]),
    ("Possible recurrence. Denies pain.", [False, False]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_skipped_sentences_table(nlp, text: str, expected: list[bool]) -> None:  # noqa: ANN001
    assert _skips(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A chunk " + "y" * 150 + " too long for one call. Stable mass.",  # split piece by piece
    ],
)
def test_no_test_when_the_doc_was_tokenized_piece_by_piece(nlp, text: str) -> None:  # noqa: ANN001
    assert _skips(nlp, text) is None


def test_no_test_for_another_vocabulary() -> None:
    assert get_engine().doc_filter.sentences_of(spacy.blank("en").make_doc("No fever.")) is None


@pytest.mark.parametrize("path", REAL_REPORTS, ids=lambda p: p.stem)
def test_skips_exactly_where_the_engine_finds_no_asserting_cue(nlp, path) -> None:  # noqa: ANN001
    """On real reports: a sentence is skipped when, and only when (every edge of these
    reports is open), tokenizing it shows that no asserting cue can match; a skipped
    sentence gives the engine nothing."""
    engine = get_engine()
    text = normalize(path.read_text(encoding="utf-8")).text
    sentences = engine.doc_filter.sentences_of(nlp.make_doc(text))
    assert sentences is not None
    skip = sentences.skip
    skipped = 0
    for a, b in sentence_spans(text):
        sentence = text[a:b]
        may = engine.cue_filter.may_match(lower_words(engine.nlp.tokenizer(sentence)))
        assert skip(a, b) is (not may), sentence
        if not may:
            skipped += 1
            result = engine.analyze(sentence, [(0, min(4, len(sentence)))], asserting_only=True)
            assert result.target_cues == [[]] and result.cues == []
    assert skipped > 10


# text | for each sentence: (may match, the document's tokens are its own)
ANALYSABLE = [
    ("The mass was small. It grew.", [(False, True), (False, True)]),
    ("There was no fever. It grew.", [(True, True), (False, True)]),
    # closed edges: never skipped, no sentence from the document (the engine tokenizes it)
    ("He said 'fine.' 'Stable' it was.", [(True, False), (True, False)]),
    ("Possible recurrence. Denies pain.", [(True, True), (True, True)]),
]


@pytest.mark.parametrize(("text", "expected"), ANALYSABLE)
def test_analysable_is_skip_and_sentence_in_one(nlp, text: str, expected) -> None:  # noqa: ANN001
    """``analysable`` says what ``skip`` and ``sentence`` say, with one look-up; a
    sentence it gives has passed the cue filter on its own words too."""
    engine = get_engine()
    sentences = engine.doc_filter.sentences_of(nlp.make_doc(text))
    tokenizer = engine.nlp.tokenizer
    found = []
    for a, b in sentence_spans(text):
        may, sentence = sentences.analysable(a, b, tokenizer)
        assert may is not sentences.skip(a, b)
        own = sentences.sentence(a, b, tokenizer)
        assert (sentence is None) is (own is None or not may)
        if sentence is not None:
            assert sentence.lower == own.lower and sentence.offsets == own.offsets
            assert engine.cue_filter.may_match(sentence.lower)
        found.append((may, own is not None))
    assert found == expected
