from __future__ import annotations

import pytest

from extractor.sentences import sentence_spans


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "A 45 yrs. female was admitted. She was well.",
            ["A 45 yrs. female was admitted.", "She was well."],
        ),
        (
            "See Fig. 2 for details. Dr. Smith agreed.",
            ["See Fig. 2 for details.", "Dr. Smith agreed."],
        ),
        ("Case Report\nA 45 yrs. female", ["Case Report", "A 45 yrs. female"]),
        (
            "Excision of rt. Paraspinal lesion was done.",
            ["Excision of rt. Paraspinal lesion was done."],
        ),
        (
            "Johannes Woitzik et al. Clin Neurol Neurosurg.",
            ["Johannes Woitzik et al. Clin Neurol Neurosurg."],
        ),
        ("It was 4.5 cm. Margins were clear.", ["It was 4.5 cm.", "Margins were clear."]),
        # a superscript citation after the stop; counter-examples: decimals, "Fig.3"
        ("It was reported.39 Next we saw T4.", ["It was reported.39", "Next we saw T4."]),
        ("It was seen.12,13 The mass grew.", ["It was seen.12,13", "The mass grew."]),
        ("It measured 3.5 Ki-67 was high.", ["It measured 3.5 Ki-67 was high."]),
        ("See Fig.3 Shows it.", ["See Fig.3 Shows it."]),
        ("", []),
    ],
)
def test_sentence_table(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def test_pipeline_sentences_follow_the_splitter(nlp) -> None:
    doc = nlp("Gross specimen: a mass.\nHPE findings: Microscopic examination. No necrosis.")
    assert [s.text.strip() for s in doc.sents] == [
        "Gross specimen: a mass.",
        "HPE findings: Microscopic examination.",
        "No necrosis.",
    ]
