"""Sentences analysed from the pipeline document's tokens (extractor.assertion.sentence and
DocSentences.sentence): the same tokens, offsets and cues as the sentence tokenized alone."""

from __future__ import annotations

import pytest

from extractor.assertion.core import analyze_text
from extractor.assertion.engine import get_engine, shift_cue
from extractor.assertion.sentence import Sentence
from extractor.sentences import sentence_spans
from extractor.text import normalize

from .conftest import REAL_REPORTS


def _own(text: str) -> Sentence:
    engine = get_engine()
    return Sentence.of_doc(text, engine.nlp.tokenizer(text), engine.nlp.tokenizer)


@pytest.mark.parametrize(
    "text",
    [
        "No fever,  no rash (3 cm).",
        " Leading space and trailing space. ",
        "Possible recurrence of the tumour was not seen.",
        "x",
        "",
    ],
)
def test_char_span_is_spacy_expand(text: str) -> None:
    """Every (start, end) pair, out-of-range and empty ones included."""
    sentence = _own(text)
    doc = sentence.tokens
    for start in range(-1, len(text) + 2):
        for end in range(start, len(text) + 2):
            span = doc.char_span(start, end, alignment_mode="expand")
            expected = None if span is None else (span.start, span.end)
            assert sentence.char_span(start, end) == expected, (start, end)


# text | for each sentence: whether the document's tokens stand for its own
CASES = [
    ("There was no fever. It grew.", [True, True]),
    # "'" then "'" follow each other in the special case "''": the edge stays open
    ("He said 'fine.' 'Stable' it was.", [False, False]),
    ("No growth.\n\nPossible mass (3 cm).", [True, True]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences_from_the_document_table(nlp, text: str, expected: list[bool]) -> None:  # noqa: ANN001
    doc = nlp.make_doc(text)
    sentences = get_engine().doc_filter.sentences_of(doc)
    assert sentences is not None
    tokenizer = get_engine().nlp.tokenizer
    found = [sentences.sentence(a, b, tokenizer) for a, b in sentence_spans(text)]
    assert [s is not None for s in found] == expected
    for (a, b), sentence in zip(sentence_spans(text), found, strict=True):
        if sentence is None:
            continue
        own = _own(text[a:b])
        assert sentence.text == own.text
        assert sentence.lower == own.lower
        assert sentence.offsets == own.offsets
        assert sentence._doc is None  # no Doc made for it


def test_no_sentences_for_a_doc_tokenized_piece_by_piece(nlp) -> None:  # noqa: ANN001
    text = "A chunk " + "y" * 150 + " too long for one call. No mass."
    assert get_engine().doc_filter.sentences_of(nlp.make_doc(text)) is None


def test_a_tie_between_patterns_makes_the_sentences_own_doc(nlp) -> None:  # noqa: ANN001
    """The spaCy Matcher that orders tied matches runs on the sentence's own Doc, token 0
    its only sentence start."""
    engine = get_engine()
    text = "Thirty years ago, he was diagnosed with rectal hemangioma."
    sentence = engine.doc_filter.sentences_of(nlp.make_doc(text)).sentence(
        0, len(text), engine.nlp.tokenizer
    )
    assert sentence.doc.text == text
    assert [t.is_sent_start for t in sentence.doc] == [True] + [False] * (len(sentence) - 1)
    assert sentence.token_view().is_sent_start(0) and not sentence.token_view().is_sent_start(1)


@pytest.mark.parametrize("path", REAL_REPORTS, ids=lambda p: p.stem)
def test_same_cues_as_the_sentence_tokenized_alone(nlp, path) -> None:  # noqa: ANN001
    """On real reports, every sentence the document's tokens stand for gets the same
    cues, at the same offsets, for a target on each of its words."""
    engine = get_engine()
    text = normalize(path.read_text(encoding="utf-8")).text
    sentences = engine.doc_filter.sentences_of(nlp.make_doc(text))
    assert sentences is not None
    compared = 0
    for a, b in sentence_spans(text):
        sentence = sentences.sentence(a, b, engine.nlp.tokenizer)
        if sentence is None:
            continue
        starts, ends = sentence.offsets
        local = list(zip(starts, ends, strict=True))
        shifted = [(s + a, e + a) for s, e in local]
        for only in (False, True):
            expected = engine.analyze(text[a:b], local, asserting_only=only)
            found, cues = engine.run_sentence(sentence, shifted, a, only)
            assert cues == [shift_cue(c, a) for c in expected.cues]
            assert found == [[shift_cue(c, a) for c in t] for t in expected.target_cues]
        if engine.cue_filter.may_match(sentence.lower):  # filtered: the same, untested
            assert engine.run_sentence(sentence, shifted, a, True, filtered=True) == (found, cues)
        compared += 1
    assert compared > 10


@pytest.mark.parametrize("path", REAL_REPORTS[:3], ids=lambda p: p.stem)
def test_analyze_text_same_with_the_documents_tokens(nlp, path) -> None:  # noqa: ANN001
    """The whole text analysed with the document's tokens (which then also skip the
    sentences where no asserting cue can match) or with each sentence tokenized alone."""
    text = normalize(path.read_text(encoding="utf-8")).text
    doc = nlp.make_doc(text)
    sentences = get_engine().doc_filter.sentences_of(doc)
    targets = [(t.idx, t.idx + len(t)) for t in doc if t.is_alpha][::3]
    alone = analyze_text(text, targets, all_sentences=True)
    shared = analyze_text(text, targets, all_sentences=True, doc_sentences=sentences)
    assert shared == alone
    assert any(alone.target_cues) and alone.cues
