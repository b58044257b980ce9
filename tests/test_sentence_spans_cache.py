"""Sentence spans are computed once per doc and shared by the sentence component and
the assertion stage."""

from __future__ import annotations

import pytest

import extractor.assertion.core as core
import extractor.sentences as sentences

TEXT = (
    "A 54-year-old woman presented with a mass. There was no lymphadenopathy.\n"
    "Biopsy showed invasive ductal carcinoma, e.g. grade 2. Dr. Smith saw her."
)


def test_sentence_spans_computed_once_per_doc(nlp, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    calls: list[str] = []
    split = sentences.sentence_spans

    def counted(text: str) -> list[tuple[int, int]]:
        calls.append(text)
        return split(text)

    monkeypatch.setattr(sentences, "sentence_spans", counted)
    monkeypatch.setattr(core, "sentence_spans", counted)
    doc = nlp(TEXT)
    assert len(calls) == 1
    assert sentences.doc_sentence_spans(doc) == split(doc.text)
    assert len(calls) == 1


def test_analyze_text_same_with_given_sentences() -> None:
    text = "No fever. The mass was not tender.\nNo evidence of metastasis."
    targets = [(3, 8), (14, 18), (50, 60)]
    given = core.analyze_text(text, targets, sentences=sentences.sentence_spans(text))
    assert given == core.analyze_text(text, targets)
