"""Placed literals and the match starts built on them (extractor.regex_windows)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor import regex_windows
from extractor.regex_windows import finditer, match_starts, placed_literals
from extractor.text import normalize
from tests.test_regex_scan import SENTENCES, _packaged_rules


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\baged (?P<num>\d{1,3})", re.I, {("aged ", 0, 0)}),
        # the literal after a variable part: its offset is a range ("year": rarer than "old")
        (r"\d{1,3}\s?-\s?years?\s?-\s?old\b", re.I, {("year", 2, 6)}),
        # a case-sensitive pattern keeps the case of its literals
        (r"\bMrs?\. (?=[A-Z])", 0, {("Mr", 0, 0)}),
        (r"\b(?:Mrs|Ms|Mr)\.? (?=[A-Z])", 0, None),  # "M" alone: too common to count
        (r"\b(?:woman|man) of \d+", re.I, {(" of ", 3, 5)}),
        (r"\b(?:woman|man)\b", re.I, {("woman", 0, 0), ("man", 0, 0)}),
        # the cheapest requirement: the long literal at a range, not the short one at 0
        (
            r"\ban? (?:sexagenarian|octogenarian)\b",
            re.I,
            {("sexagenarian", 2, 3), ("octogenarian", 2, 3)},
        ),
        (r"\w+ cm\b", re.I, None),  # after an unbounded repeat: no bounded offset
        (r"(?:abc)?\d+", 0, None),  # nothing required
        (r"(?i:abc)d?", 0, None),  # a group that ignores case in a case-sensitive pattern
        (r"\d.{0,20}y", re.I, None),  # "y" anywhere in 21 places: too common to count
    ],
)
def test_placed_literals(pattern: str, flags: int, expected: set | None) -> None:
    found = placed_literals(re.compile(pattern, flags))
    assert (None if found is None else set(found.places)) == expected


PATTERNS = [
    (r"(?<![\w.])(?P<num>\d{1,3})(?:\s?-\s?|\s)?(?P<unit>years?|months?)(?:\s?-\s?|\s)old\b", re.I),
    (r"\b(?:woman|man|lady|boy|girl|patient) of (?P<age>\d{1,3})(?![\w-])", re.I),
    (r"\bat (?:the )?age (?:of )?(?P<num>\d{1,3})", re.I),
    (r"(?<![\w.])\d{1,3} ?(?:yo ?)?(?:(?P<male>Male)|(?P<female>Female))(?![\w-])", 0),
    (r"\b(?P<male>man|male|gentleman|boy)\b(?![-:/ ]?(?:patients|predominance)\b)", re.I),
]
TEXTS = [
    "A 45-year-old man presented with a 3 year old mass; her 70 years old mother was well.",
    "The patient, a gentleman of 62, was seen at the age of 60 and again at age 61.",
    "A 45M with a 2 cm mass; male patients predominate; a man of 45 and a woman of 50 years",
    "Patient: 45 Female, 50yo Male; 61 yo Female and 7 male",
    "History: 6 month-old boy, 12 years-old girl, 1 year  old and 3 MONTHS OLD twins",
    # the counter-examples: a literal far from the start, overlapping candidates, a twin
    "an 11 - years - old, then 22years old, then 7-years-old-7-years-old",
    "a ſixty and a 9-year-old KELVIN \u212a boy; İstanbul 40 years old",
    "",
]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
@pytest.mark.parametrize("text", TEXTS)
def test_same_matches_as_finditer(pattern: str, flags: int, text: str) -> None:
    regex = re.compile(pattern, flags)
    placed = placed_literals(regex)
    assert placed is not None
    starts = match_starts(placed, text)
    expected = [(m.span(), m.groupdict()) for m in regex.finditer(text)]
    if starts is None:  # unknown offsets or too many starts: the caller scans
        return
    assert [(m.span(), m.groupdict()) for m in finditer(regex, text, starts)] == expected


def test_every_match_start_is_a_candidate() -> None:
    """The counter-example a window must not skip: the literal at the far end of its
    offset range ("old" after a three-digit number, spaced hyphens, "months")."""
    regex = re.compile(PATTERNS[0][0], PATTERNS[0][1])
    text = "a 100 - months - old patient, seen at the clinic in the spring, then in the summer"
    starts = match_starts(placed_literals(regex), text)  # type: ignore[arg-type]
    assert starts is not None and 2 in starts
    assert [m.span() for m in finditer(regex, text, starts)] == [(2, 20)]


def test_twins_or_changed_lengths_give_no_starts() -> None:
    regex = re.compile(r"\baged (?P<num>\d{1,3})", re.I)
    placed = placed_literals(regex)
    assert placed is not None
    assert match_starts(placed, "a patient aged 40") == [10]
    assert match_starts(placed, "a patient \u212aaged 40") is None  # Kelvin sign folds to k
    assert match_starts(placed, "İ aged 40") is None  # lower() changes the length


def test_too_many_starts_give_none(monkeypatch: pytest.MonkeyPatch) -> None:
    placed = placed_literals(re.compile(r"\bat (?:the )?age (?:of )?\d+", re.I))
    assert placed is not None
    text = "the age " * 12  # 5 starts per "age ", 60 in 96 characters
    assert match_starts(placed, text) is None
    monkeypatch.setattr(regex_windows, "MAX_STARTS_PER_CHAR", 1.0)
    expected = [s for at in range(4, 96, 8) for s in range(at - 7, at - 2) if s >= 0]
    assert match_starts(placed, text) == expected


def test_packaged_rules_match_alike() -> None:
    """Every packaged field rule, tried only at its starts: the spans and groups of
    ``regex.finditer`` on its example, its counter-examples, the sentences and texts
    above, the corpus reports and their sentences; most rules place literals."""
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    reports = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(corpus.glob("*.txt"))]
    texts = [*reports, *(s for r in reports for s in r.split(". ")), *SENTENCES, *TEXTS]
    rules = _packaged_rules()
    assert sum(placed_literals(r.regex) is not None for r in rules) > len(rules) // 2
    tried = compared = 0
    for rule in rules:
        placed = placed_literals(rule.regex)
        for text in [*texts, rule.example, *rule.counter_examples]:
            starts = None if placed is None else match_starts(placed, text)
            if starts is None:
                continue
            want = [(m.span(), m.groupdict()) for m in rule.regex.finditer(text)]
            got = [(m.span(), m.groupdict()) for m in finditer(rule.regex, text, starts)]
            assert got == want, (rule.id, text[:60])
            tried += 1
            compared += len(want)
    assert tried > 10000 and compared > 400


def test_few_starts_cost_few_steps(steps: Callable[[Callable[[], object]], int]) -> None:
    """On a long text with one occurrence of the literal, the pattern is tried at that
    one place: the work does not grow with the text."""
    regex = re.compile(r"\baged (?P<num>\d{1,3})", re.I)
    placed = placed_literals(regex)
    assert placed is not None

    def run(text: str) -> list[re.Match[str]]:
        return list(finditer(regex, text, match_starts(placed, text) or []))

    short = "the patient, aged 40, was seen. "
    long = "no age is given in this sentence. " * 200 + short
    assert steps(lambda: run(long)) == steps(lambda: run(short))


_PACKAGED = _packaged_rules()


@pytest.mark.parametrize("padding", [0, 1, 400, 2000])  # a sentence, then a report
@pytest.mark.parametrize("text", TEXTS)
def test_rule_finditer_on_short_and_long_texts(text: str, padding: int) -> None:
    """Short texts are tested for the required literals first, long ones counted first:
    either way, every packaged rule gives the matches of ``regex.finditer``."""
    padded = "The margins were free of tumour. " * (padding // 33) + text
    for rule in _PACKAGED:
        want = [(m.span(), m.groupdict()) for m in rule.regex.finditer(padded)]
        assert [(m.span(), m.groupdict()) for m in rule.finditer(padded)] == want, rule.id


@pytest.mark.parametrize(
    ("text", "literal", "expected"),
    [
        ("a 45-year-old, bold man", "old", (10, 16)),  # every occurrence, in a word too
        ("aaaa", "aa", (0, 1, 2)),  # overlapping ones
        ("a 45-year-old man", "aged ", ()),
    ],
)
def test_occurrences(text: str, literal: str, expected: tuple[int, ...]) -> None:
    assert regex_windows.occurrences(text, literal) == expected


def test_occurrences_are_kept_for_the_last_text_only(
    steps: Callable[[Callable[[], object]], int],
) -> None:
    """The second rule looking for "old" in a report does not search it again; another
    text, even one equal to it, is searched (never given the kept positions)."""
    report = "A 45-year-old man. " * 40
    first = steps(lambda: regex_windows.occurrences(report, "old"))
    assert steps(lambda: regex_windows.occurrences(report, "old")) < first // 10
    other = "An old man."
    assert regex_windows.occurrences(other, "old") == (3,)
    copy = "".join(list(report))  # equal, another object: searched again
    assert copy is not report
    assert steps(lambda: regex_windows.occurrences(copy, "old")) == first
    assert regex_windows.occurrences(report, "old") == tuple(range(10, 19 * 40, 19))


def test_only_present_literals_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A literal absent from the text costs one substring test (a sentence has few of a
    rule's literals); only the present ones are located and kept."""
    placed = placed_literals(re.compile(r"\b(?:woman|man)\b", re.I))
    assert placed is not None
    located: list[str] = []
    real = regex_windows.occurrences

    def recording(where: str, literal: str) -> tuple[int, ...]:
        located.append(literal)
        return real(where, literal)

    monkeypatch.setattr(regex_windows, "occurrences", recording)
    assert match_starts(placed, "A 45-year-old Woman.") == [14, 16]
    assert located == ["woman", "man"]
    located.clear()
    assert match_starts(placed, "No sex word here.") == []
    assert located == []
