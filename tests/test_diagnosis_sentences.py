"""The diagnosis field's per-sentence work: the patient-reference search runs only where
:func:`resolve_role` reads it, and the sentences come from the doc's cached bounds."""

from __future__ import annotations

import pytest
import spacy

from extractor.fields import diagnosis
from extractor.fields.diagnosis import _reads_patient_reference, _sentence_roles, config
from extractor.fields.diagnosis_match import DxMatch
from extractor.fields.scope import doc_sentences, sentence_bounds
from extractor.fields.vocabulary import VocabEntry
from extractor.sections import SectionSpan

LIPOMA = VocabEntry("lipoma", ("lipoma",), (), {"icdo3": "8850/0", "category": "neoplasm"})


@pytest.mark.parametrize(
    ("label", "reads"),
    [
        ("discussion", True),
        ("introduction", True),
        ("abstract", False),
        ("case_presentation", False),
        ("references", False),
        ("front_matter", False),
        (None, False),
    ],
)
def test_patient_reference_is_read_only_in_literature(label: str | None, reads: bool) -> None:
    section = SectionSpan(label, label.title(), 0, 100) if label else None
    assert _reads_patient_reference(section) is reads


class _CountedSearch:
    """PATIENT_REFERENCE_RE with its searches counted."""

    def __init__(self, regex) -> None:  # noqa: ANN001 - a compiled pattern
        self.regex, self.calls = regex, 0

    def search(self, text: str):  # noqa: ANN201
        self.calls += 1
        return self.regex.search(text)


@pytest.mark.parametrize(
    ("label", "text", "role", "searches"),
    [
        # the counter-example: in a literature section the search decides the role
        ("discussion", "Histopathology of our patient confirmed a lipoma.", "final", 1),
        ("discussion", "Histopathology confirmed a lipoma in 35 published cases.", "other", 1),
        # elsewhere the answer is not read, so the search does not run
        ("case_presentation", "Histopathology confirmed a lipoma.", "final", 0),
        ("abstract", "Histopathology of our patient confirmed a lipoma.", "final", 0),
        ("abstract", "In our patient, a lipoma was found at L2.", "other", 0),
    ],
)
def test_patient_reference_search_runs_where_it_is_read(
    monkeypatch: pytest.MonkeyPatch, label: str, text: str, role: str, searches: int
) -> None:
    counted = _CountedSearch(diagnosis.PATIENT_REFERENCE_RE)
    monkeypatch.setattr(diagnosis, "PATIENT_REFERENCE_RE", counted)
    at = text.index("lipoma")
    match = DxMatch(at, at + len("lipoma"), LIPOMA, "synonym")
    sections = [SectionSpan(label, label.title(), 0, len(text))]
    out = _sentence_roles(text, 0, len(text), [match], config(), sections)
    assert [r.role for _m, r in out] == [role]
    assert counted.calls == searches


@pytest.mark.parametrize(
    ("text", "sentencizer"),
    [
        ("A lipoma. It was at L2.\n\nNo recurrence.", True),
        ("One sentence only", True),
        ("A lipoma. It was at L2.", False),  # no sentence starts: the whole text
    ],
)
def test_doc_sentences_are_the_cached_sentence_bounds(text: str, sentencizer: bool) -> None:
    nlp = spacy.blank("en")
    if sentencizer:
        nlp.add_pipe("sentencizer")
    doc = nlp(text)
    expected = [(s.start_char, s.end_char) for s in doc.sents] if sentencizer else [(0, len(text))]
    assert doc_sentences(doc) == expected
    assert doc_sentences(doc) is doc_sentences(doc)  # computed once per doc
    assert sentence_bounds(doc, expected[-1][0]) == expected[-1]
