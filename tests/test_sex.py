from __future__ import annotations

import pytest

from extractor.fields.sex import find_sex, pronoun_sex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 45 yrs. female was admitted", [("female", "female")]),
        ("A 35-year-old man was referred", [("man", "male")]),
        ("a 56-year-old male patient", [("male", "male")]),
        ("The patient was an 81-year-old woman", [("woman", "female")]),
        ("an 18-month-old boy", [("boy", "male")]),
        ("a 3-week-old girl", [("girl", "female")]),
        ("an elderly gentleman", [("gentleman", "male")]),
        ("45M with a paraspinal mass", [("M", "male")]),
        ("32F with a neck mass", [("F", "female")]),
        ("Mrs. K presented", [("Mrs", "female")]),
        # rejected: cohorts, ratios, words containing sex words, units
        ("a female predominance is reported", []),
        ("with a male:female ratio of 2:1", []),
        ("in female patients", []),
        ("a manifestation of the disease", []),
        ("the 4 MB file", []),
        ("Human leukocyte antigen", []),
    ],
)
def test_sex_table(text: str, expected: list) -> None:
    assert [(text[s:e], sex) for s, e, sex, _ in find_sex(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She was admitted. Her pain improved.", "female"),
        ("He was admitted; his pain improved.", "male"),
        ("She said he was there.", None),
        ("The patient was admitted.", None),
    ],
)
def test_pronoun_fallback(text: str, expected: str | None) -> None:
    found = pronoun_sex(text)
    assert (found[2] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 5-year-old Caucasian male presented. A normal male karyotype was found.", ["male"]),
        ("In June, this man became ill. The man recovered.", ["man"]),
        (
            "Liveborn female and male twins were delivered. A 29-year-old primipara presented.",
            ["primipara"],
        ),
        ("An elderly gentleman had a mass. The gentleman declined surgery.", ["gentleman"]),
        ("PET with 18F-FDG showed the JAK2V617F clone.", []),
    ],
)
def test_sex_mentions_introduce_the_patient(text: str, expected: list[str]) -> None:
    from extractor import extract

    assert [m.text for m in extract(text).mentions if m.field == "sex"] == expected
