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
        # the patient is the pregnant woman: her age is the patient's
        ("The patient was a 25-year-old primigravida at 30 weeks.", ["25-year-old"]),
        # counter-example: the mother of a newborn patient
        (
            "A 3-day-old girl was seen. The mother, a 30-year-old multigravida, was well.",
            ["3-day-old"],
        ),
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


GATED = [r for r in _rules() if r.gate is not None]
GATE_TEXTS = [r.example for r in _rules()] + [c for r in _rules() for c in r.counter_examples]


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.stem)
def test_gated_rules_match_as_without_the_gate(path) -> None:  # noqa: ANN001
    """A gate only skips texts without a match: same matches as the bare pattern."""
    text = normalize(path.read_text(encoding="utf-8-sig")).text
    for sample in [text, *GATE_TEXTS]:
        for rule in GATED:
            assert [m.span() for m in rule.finditer(sample)] == [
                m.span() for m in rule.regex.finditer(sample)
            ]


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.stem)
def test_anchored_rules_match_as_on_the_whole_text(path) -> None:  # noqa: ANN001
    text = normalize(path.read_text(encoding="utf-8-sig")).text + "\nA 4-year-old boy.\n8 years old"
    for rule in ANCHORED:
        whole = [m.span() for m in rule.regex.finditer(text)]
        assert [m.span() for m in rule.finditer(text)] == whole
    assert any(m for m in ANCHORED[0].finditer(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numbers in words, after "a"/"an" (the article is not part of the number)
        ("a two-year-old boy", [("two-year-old", 2.0, None)]),
        ("an eight-year-old girl", [("eight-year-old", 8.0, None)]),
        ("an eleven-month-old infant", [("eleven-month-old", 0.9167, None)]),
        ("A seventy-two-year-old man", [("seventy-two-year-old", 72.0, None)]),
        ("a sixty three year old woman", [("sixty three year old", 63.0, None)]),
        ("a woman aged sixty-one", [("aged sixty-one", 61.0, None)]),
        # odd hyphenation and spacing
        ("a 14- year-old child", [("14- year-old", 14.0, None)]),
        ("a 9 -year-old boy", [("9 -year-old", 9.0, None)]),
        ("a 52-year -old man", [("52-year -old", 52.0, None)]),
        ("a 33 year-old woman", [("33 year-old", 33.0, None)]),
        ("a 47-y-old man", [("47-y-old", 47.0, None)]),
        ("a 6\u2011year\u2011old girl", [("6-year-old", 6.0, None)]),
        # fractions of a year
        ("a boy aged 7 months", [("aged 7 months", 0.5833, None)]),
        ("an infant aged 10 mo", [("aged 10 mo", 0.8333, None)]),
        ("a girl aged 3 weeks", [("aged 3 weeks", 0.0575, None)]),
        ("a 3\u00bd-year-old boy", [("3\u00bd-year-old", 3.5, None)]),
        ("a 4 1/2-year-old girl", [("4 1/2-year-old", 4.5, None)]),
        ("a two-and-a-half-year-old girl", [("two-and-a-half-year-old", 2.5, None)]),
        ("a 2-year 6-month-old boy", [("2-year 6-month-old", 2.5, None)]),
        ("a boy aged 5 years and 3 months", [("aged 5 years and 3 months", 5.25, None)]),
        ("a girl in her early teens", [("in her early teens", None, 10)]),
        ("a man in his late forties", [("in his late forties", None, 40)]),
        ("an octogenarian woman", [("an octogenarian", None, 80)]),
        ("a man of 56 years presented", [("56 years", 56.0, None)]),
        # a relative in the next sentence or after a comma is not this age's person
        ("since he was nine months old. Parents saw it", [("nine months old", 0.75, None)]),
        ("a 30-year-old, mother of two, presented", [("30-year-old", 30.0, None)]),
        ("a woman of forty years of age", [("forty years of age", 40.0, None)]),
        ("a boy of 9 months", [("9 months", 0.75, None)]),
        # counter-examples: durations, cohorts, other people, non-ages
        ("after a 2-year follow-up", []),
        ("children aged two to five years", []),
        ("patients aged 3 or 4 years", []),
        ("her seventy-year-old father", []),
        ("intraocular pressures in the mid-teens", []),
        ("one year later the mass recurred", []),
        ("a one-year history of pain", []),
        ("a patient of 80 kg", []),
        ("a man of 5 years' standing in the village", []),
        ("in the nineties the technique changed", []),
    ],
)
def test_age_words_and_fractions(text: str, expected: list) -> None:
    assert ages(text) == expected
