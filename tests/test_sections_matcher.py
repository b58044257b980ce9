"""The heading matcher (extractor.sections.matcher) against medspaCy's matcher."""

from __future__ import annotations

import pytest
import spacy
from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.section_detection import SectionRule

from extractor.sections.matcher import HeadingMatcher
from extractor.text import normalize


@pytest.fixture(scope="module")
def sectionizer():  # noqa: ANN201 - the CaseSectionizer
    import extractor.sections.component  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    return nlp.add_pipe("case_sections")


@pytest.mark.parametrize(
    "text",
    [
        "Case Report\nA 45-year-old woman.",
        # "case" + an optional digit: both ends; the longer one survives pruning
        "Case 2\nA man. The case 3 was similar.",
        "Figure 1. MRI of the spine.\nFig. 2: Biopsy.\nTable 3 Stains.",
        "Figures (2)\nReview of the literature\nPresentation of case\n",
        # a first word with no match after it, and heading words inside sentences
        "The figure shows it. A table was set. Data availability statement\nDownload PDF",
        "No heading word at all here.",
        "",
    ],
)
def test_same_matches_as_medspacy(sectionizer, text: str) -> None:  # noqa: ANN001
    doc = sectionizer.nlp.make_doc(normalize(text).text)
    full = sectionizer._Sectionizer__matcher
    assert not sectionizer._matcher.always_full
    assert sectionizer._matcher(doc) == full(doc)


def _matcher(rules: list[SectionRule]) -> tuple[spacy.Language, MedspacyMatcher]:
    nlp = spacy.blank("en")
    full = MedspacyMatcher(nlp)
    full.add(rules)
    return nlp, full


class _Counted:
    """A MedspacyMatcher that counts its calls."""

    def __init__(self, full: MedspacyMatcher) -> None:
        self.wrapped = full
        self.calls = 0

    def __call__(self, doc):  # noqa: ANN001, ANN204
        self.calls += 1
        return self.wrapped(doc)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.wrapped, name)


@pytest.mark.parametrize(("text", "full_calls"), [("Case 2\nText.", 1), ("Case II\nText.", 0)])
def test_two_patterns_with_the_same_span_run_the_full_matcher(text: str, full_calls: int) -> None:
    nlp, full = _matcher(
        [
            SectionRule("Case one", "a", pattern=[{"LOWER": "case"}, {"IS_DIGIT": True}]),
            SectionRule("Case two", "b", pattern=[{"LOWER": "case"}, {"LIKE_NUM": True}]),
        ]
    )
    matcher = HeadingMatcher(full)
    doc = nlp.make_doc(text)
    expected = full(doc)
    matcher.full = counted = _Counted(full)  # type: ignore[assignment]
    assert matcher(doc) == expected
    # "2" is a digit and like a number: both match "Case 2", pruning keeps the first
    # in spaCy's order; "II" is neither
    assert counted.calls == full_calls


@pytest.mark.parametrize(
    ("rule", "full"),
    [
        (SectionRule("Case", "a", pattern=[{"LOWER": "case"}]), False),
        # a match that may start at any word, a pattern left to spaCy, a regex
        (SectionRule("Any", "a", pattern=[{"IS_ALPHA": True}, {"LOWER": "report"}]), True),
        (
            SectionRule("Fuzzy", "a", pattern=[{"LOWER": "case"}, {"LOWER": {"FUZZY": "rep"}}]),
            True,
        ),
        (SectionRule("Regex", "a", pattern=r"case \d"), True),
    ],
)
def test_rules_it_cannot_match_from_a_first_word_use_the_full_matcher(
    rule: SectionRule, full: bool
) -> None:
    nlp, medspacy = _matcher([rule])
    matcher = HeadingMatcher(medspacy)
    assert matcher.always_full is full
    doc = nlp.make_doc("Case 2 report\nCase report")
    assert matcher(doc) == medspacy(doc)
