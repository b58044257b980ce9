from __future__ import annotations

import pytest

from extractor import extract
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a man presented with back pain", [("man", "male")]),
        ("the gentleman declined surgery", [("gentleman", "male")]),
        ("a boy was brought by his parents", [("boy", "male")]),
        ("a lady aged 50", [("lady", "female")]),
        ("a male infant", [("male", "male")]),
        ("a female neonate", [("female", "female")]),
        ("a woman whose husband had cancer", [("woman", "female")]),
        ("a 12-year-old schoolboy", [("schoolboy", "male")]),
        ("a 40-year-old housewife", [("housewife", "female")]),
        # obstetric history names a woman
        ("A 34-year-old HIV positive para 4 was referred", [("para 4", "female")]),
        ("a 28-year-old G2P1 with a paraspinal mass", [("G2P1", "female")]),
        ("enlarged para-aortic lymph nodes", []),
        ("a grade G2 tumour", []),
        ("born to a 30-year-old gravida 2 para 1 mother", []),  # the mother
        # another person, not the patient
        ("a female cousin had the same tumour", []),
        ("her male twin was healthy", []),
        ("a man in the family had a neuroma", []),
        ("a woman in his family died of cancer", []),
        ("his son, a 5-year-old boy, was well", []),
        ("whose mother is a 60-year-old woman", []),
        ("the male siblings were unaffected", []),
        ("a male-pattern baldness", []),
    ],
)
def test_sex_cues_and_other_people(text: str, expected: list) -> None:
    assert [(text[s:e], sex) for s, e, sex, _ in find_sex(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("His mother said she noticed the swelling first.", "male"),
        ("Her father said he had seen the lump. She was referred.", "female"),
        ("Her male twin was healthy.", "female"),
        ("He had no family history; his family was supportive.", "male"),
        ("Her husband was present and he signed the consent.", "female"),
        ("The mother said she was worried.", None),
    ],
)
def test_pronoun_fallback_skips_other_people(text: str, expected: str | None) -> None:
    found = pronoun_sex(text)
    assert (found[2] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Case presentation\nThe patient had pain. A male cousin had it. She was seen.", "female"),
        ("Case presentation\nThe patient had pain. His mother said she noticed it.", "male"),
        ("Case presentation\nA 30-year-old presented. A man in the family had a neuroma.", None),
        # a text without headings (one front-matter section): its pronouns
        ("The patient was admitted with fever. He had lost weight; his CRP was high.", "male"),
        ("The patient had a mass. She was referred. Her pain improved.", "female"),
        # counter-examples: pronouns of both sexes; a patient section exists, pronouns
        # only outside it
        ("The patient was admitted. She said he had been unwell.", None),
        ("Introduction\nHe described it first.\n\nCase presentation\nThe patient had pain.", None),
    ],
)
def test_summary_sex_is_the_patients(text: str, expected: str | None) -> None:
    from extractor import extract

    assert extract(text).summary.sex == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the obstetric formula is a fallback: a sex word of the patient wins
        ("A woman aged 31 years, G2P2, was admitted for a caesarean section.", ["woman"]),
        ("A 34-year-old HIV positive para 4 was referred with a pelvic mass.", ["para 4"]),
    ],
)
def test_obstetric_formula_is_a_fallback(text: str, expected: list[str]) -> None:
    record = extract(text)
    assert [m.text for m in record.mentions if m.field == "sex"] == expected
    assert record.summary.sex == "female"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative named elsewhere in the sentence does not make the patient a relative
        ("The proband is a 19-year-old woman, first child of healthy parents.", (19.0, "female")),
        ("The 31-year-old white primipara with twin pregnancy was admitted.", (31.0, "female")),
        # counter-examples: the age and sex words are the relative's own
        ("His mother, a 45-year-old woman, had cancer. The patient was seen.", (None, "male")),
        ("Her twin sister, a 20-year-old woman, was well. The girl had a mass.", (None, "female")),
    ],
)
def test_patient_age_and_sex_beside_a_relative(text: str, expected: tuple) -> None:
    summary = extract("Case presentation\n" + text).summary
    assert (summary.age_years, summary.sex) == expected
