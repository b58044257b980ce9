"""Patient scope: which sentences of literature sections describe the index patient."""

from __future__ import annotations

import pytest
import spacy

from extractor.fields.scope import (
    PATIENT_REFERENCE_RE,
    SCOPE_RULES,
    in_patient_context,
    patient_reference,
)
from extractor.sections import SectionSpan


@pytest.fixture(scope="module")
def nlp_extract():
    from extractor.api import extract

    return extract


INTRODUCING = [
    "Herein we present a 17-year-old male patient with back pain.",
    "We report the case of a 45-year-old woman who had leg weakness.",
    "We describe a rare case of an intradural lipoma in a child.",
    "Here, we report a 62-year-old man with an adrenal mass.",
    "We herein report an unusual case of a paraspinal cyst.",
    "The authors report the case of a man whose scan showed a mass.",
    "We present a rare case of a spinal tumour in a 50-year-old man.",
    "This report describes a 30-year-old woman with a sacral mass.",
    "This report documents a case of schwannoma of the C1 root.",
    "A 30-year-old man with a lumbar mass is presented here.",
    "A 4-month-old infant with a neck mass is reported in this article.",
    "A rare case of a lumbar chondrosarcoma is presented.",
    "In our patient the mass was at L2.",
    "The present case had no recurrence.",
]
OTHER_PATIENTS = [
    "We review 35 published cases of this tumour.",
    "A 40-year-old man was reported by Smith et al.",
    "Previous reports described a 40-year-old woman with the same lesion.",
    "Smith et al. reported a 12-year-old boy with a similar mass.",
    "We previously reported a case of this tumour.",
    "We describe the imaging features of this tumour.",
    "We report our experience with 12 patients.",
    "Only one such case is reported in the literature.",
    "A case of lumbar chondrosarcoma is described by Lee et al.",
    "Most patients are men in their fifties.",
]


@pytest.mark.parametrize("sentence", INTRODUCING)
def test_sentences_about_the_index_patient(sentence: str) -> None:
    assert patient_reference(sentence) is not None
    assert PATIENT_REFERENCE_RE.search(sentence)


@pytest.mark.parametrize("sentence", OTHER_PATIENTS)
def test_sentences_about_other_patients(sentence: str) -> None:
    assert patient_reference(sentence) is None
    assert not PATIENT_REFERENCE_RE.search(sentence)


@pytest.mark.parametrize("rule", SCOPE_RULES, ids=lambda r: r.id)
def test_every_scope_rule_example_and_counter_example(rule) -> None:
    assert rule.regex.search(rule.example), rule.example
    for counter in rule.counter_examples:
        assert not PATIENT_REFERENCE_RE.search(counter), counter


def _doc(text: str, label: str):
    doc = spacy.blank("en")(text)
    doc._.sections = [SectionSpan(label, "", 0, len(text))]
    return doc


@pytest.mark.parametrize(
    ("label", "sentence", "expected"),
    [
        ("introduction", "Herein we present a 17-year-old male with a cyst.", True),
        ("abstract_background", "We report the case of a 45-year-old woman.", True),
        ("discussion", "In our patient the mass was at L2.", True),
        ("introduction", "A 40-year-old man was reported by Smith et al.", False),
        ("discussion", "We review 35 published cases of men aged 20-60 years.", False),
        ("abstract_case", "A 40-year-old man was reported by Smith et al.", True),
        ("abstract", "A 40-year-old man had back pain.", True),
        ("references", "We report the case of a 45-year-old woman.", False),
        ("similar_articles", "Herein we present a 17-year-old male.", False),
        ("web_chrome", "We present a 17-year-old male.", False),
    ],
)
def test_in_patient_context(label: str, sentence: str, expected: bool) -> None:
    doc = _doc(sentence, label)
    assert in_patient_context(doc, sentence.index(" ") + 1) is expected


# ------------------------------------------------------------- end to end (summary)
def test_case_introduced_in_the_introduction_fills_a_cut_off_case(nlp_extract) -> None:
    record = nlp_extract(
        "A title\nIntroduction\nSchwannomas often occur at L4 in 50-year-old women. We report a "
        "30-year-old man with a T12 schwannoma.\nCase report\nHe had back pain for a year."
    )
    summary = record.summary
    assert (summary.age_years, summary.sex, summary.levels) == (30, "male", ["T12"])
    assert summary.final_diagnosis is not None
    assert summary.final_diagnosis.name == "schwannoma"


def test_general_introduction_gives_the_case_nothing(nlp_extract) -> None:
    record = nlp_extract(
        "A title\nIntroduction\nSchwannomas often occur at L4 in 50-year-old women. Smith et al. "
        "reported a 30-year-old man with a T12 schwannoma.\nCase report\nHe had back pain."
    )
    summary = record.summary
    assert (summary.age_years, summary.levels, summary.final_diagnosis) == (None, [], None)
    assert summary.sex == "male"  # "He" in the case report
