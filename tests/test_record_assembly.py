"""Record assembly shortcuts give what the direct computations give: section lookups
from one list of starts, one grouping of the mentions per record, region sentences
from one bisection, the JSON line."""

from __future__ import annotations

import json
import re

import pytest

from extractor import extract
from extractor.batch import to_json_line
from extractor.flags.checks import Context, _gated, item_evidence, item_of
from extractor.flags.evidence import KEY_FIELDS, index_mentions, source_of, sources
from extractor.record import _SectionIndex
from extractor.regex_literals import TextGate, required_literals
from extractor.schema import FieldName, Mention
from extractor.sections import SectionSpan, section_at
from extractor.summary import Summaries, flat_values, mention_groups, summarize_group

SPANS = [SectionSpan("front_matter", "", 0, 10), SectionSpan("case_presentation", "C", 10, 30)]


@pytest.mark.parametrize("pos", [0, 5, 9, 10, 11, 29, 30, 100])
def test_section_index_is_section_at(pos: int) -> None:
    assert _SectionIndex(SPANS).at(pos) == section_at(SPANS, pos)


def test_section_index_before_the_first_section_is_none() -> None:
    late = [SectionSpan("case_presentation", "C", 5, 30)]
    assert _SectionIndex(late).at(2) is None is section_at(late, 2)


def _mention(field: FieldName, section: str, value: dict) -> Mention:
    return Mention(field=field, text="t", start=0, end=1, section=section, value=value, rule="r")


MENTIONS = [
    _mention(FieldName.AGE, "case_presentation", {"years": 45.0, "decade": None}),
    _mention(FieldName.AGE, "abstract", {"years": 50.0, "decade": None}),
    _mention(FieldName.SEX, "introduction", {"sex": "male"}),
    _mention(FieldName.SEX, "discussion", {"sex": "female"}),
]


def test_mention_groups_are_patient_then_each_fallback_section() -> None:
    groups = mention_groups(MENTIONS)
    assert groups[FieldName.AGE] == [[MENTIONS[0]], [MENTIONS[1]], [], [], []]
    # a mention of a section that is neither patient nor fallback is in no group
    assert groups[FieldName.SEX] == [[], [], [], [], [MENTIONS[2]]]
    assert FieldName.SITE not in groups


@pytest.mark.parametrize(
    ("allowed", "age", "sex"),
    [
        ({0, 1, 2, 3}, 45.0, "male"),  # patient age first; sex only from the introduction
        ({1, 2}, 50.0, "male"),  # no patient age: the abstract's
        ({0, 3}, 45.0, None),  # counter-example: the discussion never gives a value
    ],
)
def test_flat_values_take_the_first_group_that_gives_a_value(
    allowed: set[int], age: float, sex: str | None
) -> None:
    values, _used = flat_values(MENTIONS, allowed)
    assert values["age_years"] == age
    assert values["sex"] == sex


def test_flat_values_summarize_an_empty_group_once_per_field(monkeypatch) -> None:
    from extractor.pipeline import field_extractor

    calls: list[int] = []
    extractor = field_extractor(FieldName.SEX)
    real = extractor.summarize

    def spy(group: list[Mention]) -> dict:
        calls.append(len(group))
        return real(group)

    monkeypatch.setattr(extractor, "summarize", spy)
    flat_values(MENTIONS, {0, 1, 2, 3})
    # sex: patient group empty (summarized), abstract and front matter empty (skipped),
    # abstract background empty (skipped), introduction (one mention: summarized)
    assert calls == [0, 1]


CASE = (
    "Title\n\nAbstract\nA 50-year-old man with a schwannoma.\n\nCase presentation\n"
    "A 45-year-old man had a 4 cm mass at L2 and a 2 cm nodule in the liver. "
    "Immunohistochemistry for CD34 was performed. The mass measured 3 x 2 on MRI.\n"
)


def test_sources_share_groups_and_summaries_with_the_same_result() -> None:
    record = extract(CASE)
    allowed = index_mentions(record)
    assert sources(record) == {key: source_of(record, key, allowed) for key in KEY_FIELDS}


@pytest.mark.parametrize(
    "regions",
    [
        [(0, 40)],
        [(10, 20), (30, 60)],
        [(30, 60), (10, 20)],  # unsorted
        [(10, 35), (20, 50)],  # overlapping
        [(10, 10), (50, 55)],  # an empty region holds nothing
        [],
    ],
)
def test_region_sentences_are_the_sentences_starting_in_a_region(regions: list) -> None:
    record = extract(CASE)
    sentences = [(0, 9), (9, 20), (20, 35), (35, 50), (50, 70)]
    ctx = Context(record, CASE, sentences, {}, regions)
    expected = [(a, b) for a, b in sentences if any(s <= a < e for s, e in regions)]
    assert ctx.region_sentences() == expected


def test_json_line_is_the_plain_json_dump() -> None:
    record = extract(CASE).model_copy(update={"report_id": "caf\u00e9 \u2013 1"})
    line = to_json_line(record)
    assert line == json.dumps(record.model_dump(mode="json"), ensure_ascii=False)
    assert '"caf\u00e9 \u2013 1"' in line  # non-ASCII text is written as is


def test_review_reuses_the_group_summaries_of_the_summary(monkeypatch) -> None:
    from extractor.pipeline import field_extractor

    record = extract(CASE)
    allowed = index_mentions(record)
    memo: Summaries = {}
    values, _used = flat_values(record.mentions, allowed, memo)
    calls: list[int] = []
    extractor = field_extractor(FieldName.AGE)
    real = extractor.summarize
    monkeypatch.setattr(extractor, "summarize", lambda g: calls.append(len(g)) or real(g))
    shared = sources(record, memo)
    assert calls == []  # every age group was summarized by flat_values already
    assert shared == sources(record)  # counter-example: a fresh memo gives the same sources
    assert calls  # ... after summarizing the groups itself


@pytest.mark.parametrize("memo", [None, {}])
def test_summarize_group_is_the_field_summary(memo: Summaries | None) -> None:
    from extractor.pipeline import field_extractor

    group = MENTIONS[:1]
    expected = field_extractor(FieldName.AGE).summarize(group)
    assert summarize_group(FieldName.AGE, group, memo) == expected
    # a group of other mentions (same field) is not looked up as the first one
    assert summarize_group(FieldName.AGE, MENTIONS[1:2], memo)["age_years"] == 50.0


CUE = re.compile(r"\b(?:mass|tumou?r)\b", re.IGNORECASE)
GATE_CASES = [
    # (text, sentences)
    ("A MASS grew. No change. The tumour was resected.", [(0, 12), (13, 23), (24, 48)]),
    # counter-example: "mass" crosses the sentence boundary and counts for neither
    ("The ma|ss grew.", [(0, 6), (6, 15)]),
    ("The mass grew.", [(0, 0), (0, 14), (14, 14)]),  # empty sentences hold nothing
    ("Nothing grew. Nothing else.", [(0, 13), (14, 27)]),  # no literal anywhere: none
    # a case twin ("\u017f" matches "s" under IGNORECASE): its sentence may match
    ("The ma\u017f\u017f grew. Nothing else.", [(0, 14), (15, 28)]),
    # lower-casing changes the length: every sentence may match
    ("\u0130 A mass. Another.", [(0, 9), (10, 18)]),
    # sentences out of order or overlapping: tested one by one
    ("A mass. Then nothing. A tumor.", [(22, 30), (0, 7), (8, 21)]),
    ("A mass. Then nothing.", [(0, 7), (5, 21)]),
]


@pytest.mark.parametrize(("text", "sentences"), GATE_CASES)
def test_gated_sentences_are_those_the_gate_finds_possible(text: str, sentences: list) -> None:
    gate = TextGate(text, required_literals(CUE))
    expected = [(a, b) for a, b in sentences if gate.possible(a, b)]
    assert _gated(gate, sentences) == expected
    # and never one holding a match is left out
    assert all(span in expected for span in sentences if CUE.search(text[span[0] : span[1]]))


@pytest.mark.parametrize("key", ["levels", "sites", "stains", "size_max_mm", "age_years"])
def test_item_evidence_is_made_once_per_record_and_key(key: str) -> None:
    record = extract(CASE)
    ctx = Context(record, CASE, [], sources(record))
    first = item_evidence(ctx, key)
    assert item_evidence(ctx, key) is first  # the second check reads the same one
    expected: dict = {}
    for i in ctx.sources[key].evidence:
        for item in item_of(key, record.mentions[i], record.summary):
            expected.setdefault(item, []).append(i)
    assert first == expected
    # counter-example: another record's context computes its own
    other = extract("Case presentation\nA 60-year-old woman.\n")
    assert item_evidence(Context(other, "", [], sources(other)), key) is not first
