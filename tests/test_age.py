from __future__ import annotations

from pathlib import Path

import pytest

from extractor.fields.age import _rules, find_ages, parse_age
from extractor.text import normalize

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def ages(text: str) -> list[tuple[str, float | None, int | None]]:
    clean = normalize(text).text
    return [(clean[s:e], v.years, v.decade) for s, e, v, _ in find_ages(clean)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 45 yrs. female was admitted with the history of pain", [("45 yrs.", 45.0, None)]),
        ("the case of a 56-year-old male patient with an IMT", [("56-year-old", 56.0, None)]),
        ("a 35 year old man", [("35 year old", 35.0, None)]),
        ("a woman aged 45 presented", [("aged 45", 45.0, None)]),
        ("a 45 y/o woman", [("45 y/o", 45.0, None)]),
        ("a forty-five-year-old man", [("forty-five-year-old", 45.0, None)]),
        ("an 18-month-old boy", [("18-month-old", 1.5, None)]),
        ("a 2 weeks old girl", [("2 weeks old", 0.0383, None)]),
        ("A newborn girl", [("newborn", 0.0, None)]),
        ("a woman in her 60s", [("in her 60s", None, 60)]),
        ("a man in his sixth decade of life", [("in his sixth decade", None, 50)]),
        ("45M with a paraspinal mass", [("45", 45.0, None)]),
        ("She presented at the age of 45 years", [("at the age of 45 years", 45.0, None)]),
        (
            "The patient was an 81-year-old woman who had hypertension",
            [("81-year-old", 81.0, None)],
        ),
        # rejected: durations, relative times, other people, cohorts
        ("pain in the right lumbar region on & off since 1 year.", []),
        ("She had symptoms for 5 years.", []),
        ("a 2-year history of worsening back pain", []),
        ("the primary tumor removed 8 years earlier", []),
        ("her 70-year-old mother had breast cancer", []),
        ("patients aged 20 to 40 years are affected", []),
        ("survival rates of 60% at 5 years", []),
        ("a known case of hyperthyroidism since 4yrs. and", []),
    ],
)
def test_age_table(text: str, expected: list) -> None:
    assert ages(text) == expected


@pytest.mark.parametrize(
    ("groups", "years"),
    [
        ({"num": "45"}, 45.0),
        ({"num": "18", "unit": "months"}, 1.5),
        ({"num": "10", "unit": "days"}, 0.0274),
        ({"word": "seven", "unit": "year"}, 7.0),
        ({"word": "a hundred"}, None),
        ({"num": "200"}, None),
    ],
)
def test_parse_age(groups: dict, years: float | None) -> None:
    value = parse_age(groups)
    assert (value.years if value else None) == years


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 5-year-old boy was admitted. At the age of 9 months he had seizures.", ["5-year-old"]),
        (
            "At 65 years of age, she developed HCC. At the age of 70 she relapsed.",
            ["65 years of age"],
        ),
        ("His sister had a stroke in her 30s. She was admitted for headache.", []),
        ("A male newborn was delivered to a 27-year-old primigravida.", ["newborn"]),
        (
            "A female outpatient in her 50s was seen. At 65 years of age, she had HCC.",
            ["in her 50s", "65 years of age"],
        ),
    ],
)
def test_age_mentions_describe_the_patient(text: str, expected: list[str]) -> None:
    from extractor import extract

    assert [m.text for m in extract(text).mentions if m.field == "age"] == expected


ANCHORED = [r for r in _rules() if r.anchor]
TEXT_FILES = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "synthetic").glob("*.txt"))


@pytest.mark.parametrize("rule", ANCHORED, ids=lambda r: r.id)
def test_anchor_is_in_every_example_match(rule) -> None:  # noqa: ANN001
    matches = list(rule.regex.finditer(rule.example))
    assert matches
    assert all(rule.anchor in m.group(0).lower() for m in matches)


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.stem)
def test_anchored_rules_match_as_on_the_whole_text(path) -> None:  # noqa: ANN001
    text = normalize(path.read_text(encoding="utf-8-sig")).text + "\nA 4-year-old boy.\n8 years old"
    for rule in ANCHORED:
        whole = [m.span() for m in rule.regex.finditer(text)]
        assert [m.span() for m in rule.finditer(text)] == whole
    assert any(m for m in ANCHORED[0].finditer(text))
