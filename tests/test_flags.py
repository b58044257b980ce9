"""Review flags: the rule file, its examples through the pipeline, evidence, and the
flag evaluation (unflagged precision, shares flagged)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from extractor import extract
from extractor.evaluation.flags import FlagCounts, flag_table, score_flags
from extractor.fields.stain_markers import default_index, find_markers
from extractor.flags import REVIEW_KEYS, evidence, parse_review_rules, review_rules
from extractor.flags.checks import names_marker
from extractor.flags.rules import RULE_FILE
from extractor.rules import RuleFileError
from extractor.schema import ReviewFlag, ReviewReason

RULES_PATH = Path(__file__).resolve().parents[1] / "extractor" / "flags" / RULE_FILE
RAW = json.loads(RULES_PATH.read_text(encoding="utf-8"))
CASES = [
    pytest.param(reason, case, kind == "examples", id=f"{reason}-{kind}-{n}")
    for reason, rule in review_rules().items()
    for kind, cases in (("examples", rule.examples), ("counter_examples", rule.counter_examples))
    for n, case in enumerate(cases)
]


@pytest.mark.parametrize(("reason", "case", "flagged"), CASES)
def test_rule_examples_flag_their_field(reason: ReviewReason, case: dict, flagged: bool) -> None:
    record = extract(case["text"])
    reasons = [f.reason for f in record.summary.review[case["field"]]]
    assert (reason in reasons) is flagged, reasons
    if flagged:
        assert record.summary.needs_review


def test_every_reason_of_the_schema_has_one_rule() -> None:
    assert list(review_rules()) == list(ReviewReason)
    assert sorted(r["id"] for r in RAW["rules"]) == sorted(ReviewReason)


def _mutated(change) -> dict:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def _rule(data: dict, reason: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == reason)


BAD_FILES = [
    (lambda d: d["rules"].pop(), "no rule for reasons"),
    (lambda d: d["rules"].append(copy.deepcopy(d["rules"][0])), "duplicate id"),
    (lambda d: _rule(d, "fuzzy_match").update(id="made_up"), "rule made_up: id is not a reason"),
    (lambda d: _rule(d, "fuzzy_match").update(fields=["nope"]), "rule fuzzy_match: fields"),
    (lambda d: _rule(d, "fuzzy_match").pop("examples"), "rule fuzzy_match: keys must be"),
    (lambda d: _rule(d, "fuzzy_match").update(examples=[]), "fuzzy_match: give at least one"),
    (
        lambda d: _rule(d, "missing_result")["params"].update(staining_cue="(unclosed"),
        "rule missing_result: param staining_cue: invalid regex",
    ),
    (
        lambda d: _rule(d, "conflicting_candidates")["params"].update(level_gap="one"),
        "rule conflicting_candidates: param level_gap must be of type int",
    ),
    (
        lambda d: _rule(d, "fallback_section")["params"].update(extra=1),
        "rule fallback_section: params must be exactly",
    ),
    (
        lambda d: _rule(d, "fuzzy_match").update(examples=[{"text": "x", "field": "sex"}]),
        "rule fuzzy_match: examples: field 'sex' not among",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD_FILES)
def test_bad_rule_file_names_file_and_rule(change, message: str) -> None:
    with pytest.raises(RuleFileError, match="review_rules.json") as err:
        parse_review_rules("extractor/flags/review_rules.json", _mutated(change))
    assert message in str(err.value)


def test_shipped_rule_file_parses() -> None:
    assert parse_review_rules("x", RAW) == review_rules()


EVIDENCE = [
    (
        "Case presentation\nA 45-year-old man had a mass at L2. The man was well.",
        "sex",
        ["man"],
    ),
    ("Case presentation\nA 45-year-old man had a mass at L2.", "levels", ["L2"]),
    (
        "Introduction\nWe report a case of a spinal schwannoma.\n\n"
        "Case presentation\nA 45-year-old man had a mass.",
        "final_diagnosis",
        ["spinal schwannoma"],
    ),
    ("Case presentation\nA 45-year-old man had a mass.", "size_max_mm", []),
]


@pytest.mark.parametrize(("text", "key", "expected"), EVIDENCE)
def test_evidence_is_the_mentions_that_give_the_value(text: str, key: str, expected: list) -> None:
    record = extract(text)
    assert [record.mentions[i].text for i in evidence(record)[key]] == expected


def test_every_summary_key_has_a_review_list() -> None:
    record = extract("Case presentation\nA 45-year-old man had a mass.")
    assert list(record.summary.review) == list(REVIEW_KEYS)
    assert record.summary.needs_review is False
    assert all(lesion.review == [] for lesion in record.summary.lesions)


@pytest.mark.parametrize(
    ("adds", "values", "flagged", "precision", "caught"),
    [
        ([(1, 0, False), (1, 0, True)], 2, 1, 1.0, (0, 0)),
        ([(3, 1, False), (0, 1, True)], 5, 1, 0.75, (1, 2)),
        ([(0, 1, True)], 1, 1, None, (1, 1)),
        ([], 0, 0, None, (0, 0)),
    ],
)
def test_flag_counts(adds: list, values: int, flagged: int, precision, caught: tuple) -> None:
    counts = FlagCounts()
    for tp, fp, is_flagged in adds:
        counts.add(tp, fp, is_flagged)
    assert (counts.values, counts.flagged) == (values, flagged)
    assert counts.unflagged.precision == precision
    assert (counts.caught, counts.wrong) == caught


def test_flag_scores_count_reports_and_reasons() -> None:
    plain = extract("Case presentation\nA 45-year-old man had a mass at L2.")
    flagged = extract("Case presentation\nA 45-year-old man had a mass at T4 and L2.")
    scores = score_flags("t", [(plain, {"levels": (1, 0)}), (flagged, {"levels": (1, 1)})])
    assert (scores.reports, scores.flagged_reports) == (2, 1)
    assert scores.reasons == {"conflicting_candidates": 1}
    c = scores.fields["levels"]
    assert (c.values, c.flagged, c.unflagged.tp, c.caught, c.wrong) == (3, 2, 1, 1, 1)
    assert "reports flagged: 1/2 (50%)" in flag_table(scores)


def test_flags_round_trip_through_json() -> None:
    record = extract(
        "Case presentation\nA 40-year-old man had a mass at L2 with possible extension to L3."
    )
    again = type(record).model_validate_json(record.model_dump_json())
    assert again == record
    assert isinstance(again.summary.review["levels"][0], ReviewFlag)


@pytest.mark.parametrize(
    ("text", "marker", "expected"),
    [
        ("CD34", "CD34", True),
        ("CD-34", "CD34", True),
        ("S-100 protein", "S100", None),  # whatever the vocabulary says, as uncached
        ("CD43", "CD34", False),  # counter-example: another marker
        ("mclean-A", "Melan-A", False),  # counter-example: a misspelling
        ("", "CD34", False),
    ],
)
def test_names_marker_is_the_uncached_marker_search(text: str, marker: str, expected) -> None:
    direct = any(x.canonical == marker for x in find_markers(text, default_index()))
    for _ in range(2):  # computed, then from the cache
        assert names_marker(text, marker) is direct
    assert expected is None or direct is expected
    assert names_marker.cache_info().maxsize is not None  # bounded
