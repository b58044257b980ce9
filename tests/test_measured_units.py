"""The units a measurement is linked through, read once per span, and the missing-unit
review check that scans for unitless dimensions before it looks for a lesion cue."""

from __future__ import annotations

import re

import pytest

from extractor import extract
from extractor.fields import measured
from extractor.fields.measured import Linker, Unit, units_of
from extractor.fields.size import link, link_sizes
from extractor.schema import ReviewReason

SAME_SENTENCE = [
    "A mass measuring 4 x 3 cm and a nodule of 2 cm were seen.",
    "The tumour (5 cm) and a second lesion (12 mm) were resected.",
    "The largest measured 3 cm. The others were 1 cm and 2 cm in size.",
    "An 8 x 4 cm cyst on the right and 5 x 3 cm on the left; it measured 2 mm.",
]


@pytest.mark.parametrize("text", SAME_SENTENCE)
def test_links_of_one_linker_equal_fresh_linkers(text: str) -> None:
    """Measurements sharing a span share its units: each link equals the one a linker
    made for that measurement alone computes."""
    shared = link_sizes(text)
    assert len(shared) >= 2
    for s, e, _value, _rule, found in shared:
        assert found == link(text, s, e)


@pytest.mark.parametrize("text", SAME_SENTENCE)
def test_units_read_once_per_span(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spans: list[tuple[int, int]] = []
    real = measured.units_of

    def counted(text: str, start: int, end: int, *args: object) -> list[Unit]:
        spans.append((start, end))
        return real(text, start, end, *args)

    monkeypatch.setattr(measured, "units_of", counted)
    link_sizes(text)
    assert spans, "no measurement linked"
    assert len(spans) == len(set(spans))


def test_linker_without_measurements_reads_nothing() -> None:
    linker = Linker("No measurement here.", [])
    assert linker.spans == {} and linker.short_forms == {}


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("A 3 cm mass (PA) was seen, and the PA grew.", 0, 44),
        ("A 3 cm mass (PA) was seen, and the PA grew.", 1, 30),  # cuts a word
        ("xx; a lesion, 2 cm, of the D12 vertebral body.", 3, 47),
        ("The mass-like lesion's wall (4 mm) was thick.", 5, 20),  # ends inside a word
    ],
)
def test_units_of_a_span_are_those_of_its_text(text: str, start: int, end: int) -> None:
    """Words are read in the text between ``start`` and ``end`` as in the cut-out chunk
    (a word cut by a bound is the chunk's word)."""
    abbreviations = {"PA": "lesion"}
    found = units_of(text, start, end, [], abbreviations)
    chunk = units_of(text[start:end], 0, end - start, [], abbreviations)
    shifted = [u._replace(start=u.start + start, end=u.end + start) for u in chunk]
    assert found == shifted
    assert all(text[u.start : u.end] == u.text for u in found)
    assert {u.kind for u in found} >= {"word", "mark", "object"}


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("A mass at L2 measuring 3 x 2 on MRI.", True),
        ("A 4.5 x 3 x 2 nodule was found.", True),
        ("A mass at L2 measuring 3 x 2 cm on MRI.", False),  # a unit
        ("The ratio was 3 x 2 on the scan.", False),  # a dimension, no lesion cue
        ("A mass at L2 was seen on MRI.", False),  # a lesion cue, no dimension
    ],
)
def test_missing_unit_needs_a_dimension_and_a_lesion_cue(sentence: str, flagged: bool) -> None:
    record = extract(f"Case presentation\nA 50-year-old woman was admitted. {sentence}")
    reasons = [f.reason for f in record.summary.review["size_max_mm"]]
    assert (ReviewReason.MISSING_UNIT in reasons) is flagged, reasons


@pytest.mark.parametrize(
    ("text", "looked_up", "linked"),
    [
        # the short form is written in the measured sentence: looked up, and it links
        (
            "A pseudoaneurysm (PA) was found.\n\nLater the PA measured 3 cm.",
            {"PA"},
            "PA",
        ),
        # defined far away and never written near the measurement: never looked up
        (
            "A pseudoaneurysm (PA) was found.\n\nNo change.\n\nA mass of 2 cm was seen.",
            set(),
            "mass",
        ),
        # written near the measurement but defining nothing: looked up, not an object
        ("Computed tomography (CT) showed a cyst; the CT cyst was 2 cm.", {"CT"}, "cyst"),
    ],
)
def test_short_forms_looked_up_only_where_read(
    text: str, looked_up: set[str], linked: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short form's class is looked up only when a span the linker reads contains it
    (the counter-example: one defined in an earlier sentence and written in the
    measured one is still an object)."""
    asked: list[str] = []
    real = measured.defined_class

    def counted(full: str, starts: list[int]) -> str | None:
        asked.append(full[starts[0] : full.index(")", starts[0])].strip(" ("))
        return real(full, starts)

    monkeypatch.setattr(measured, "defined_class", counted)
    found = link_sizes(text)
    assert set(asked) == looked_up and len(asked) == len(set(asked))
    assert [f.text for *_rest, f in found] == [linked]


def _missing_unit_spans(text: str, sentences: list[tuple[int, int]], sign: str | None) -> list:
    """The spans :func:`missing_unit` flags with the rule's ``dimension_sign`` (None), or
    with one that matches everywhere (every sentence scanned: the reference)."""
    from dataclasses import replace

    from extractor.flags.checks import Context
    from extractor.flags.evidence import sources
    from extractor.flags.rules import review_rules
    from extractor.flags.textual import missing_unit

    rule = review_rules()[ReviewReason.MISSING_UNIT]
    if sign is not None:
        rule = replace(rule, params={**rule.params, "dimension_sign": re.compile(sign)})
    record = extract(text)
    ctx = Context(record, text, sentences, sources(record), [(0, len(text))])
    flags = missing_unit(ctx, rule).get("size_max_mm", [])
    return [(s.start, s.end) for f in flags for s in f.spans]


def _cut(text: str, *parts: str) -> list[tuple[int, int]]:
    """Sentence bounds: ``text`` cut before each of ``parts`` (no white space needed)."""
    starts = [0, *(text.index(p) for p in parts)]
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


@pytest.mark.parametrize(
    ("text", "parts", "flagged"),
    [
        ("A mass measuring 3 x 2 was seen. The cyst was 4X5.", ["The"], 2),
        ("A mass of 3 × 2. A nodule of 2*1 on MRI.", ["A nodule"], 2),
        ("A 4.5 x 3 x 2 nodule.", [], 1),
        # a sentence cut without white space: its dimension starts the slice, where no
        # word character precedes it (the whole text has one): still found
        ("The lesion was seen.A3 x 2 mass.", ["3 x 2"], 1),
        # a sign in one sentence, its digit in the next: neither holds a dimension
        ("The mass x\n2 was seen. The tumour.", ["2 was"], 0),
        ("A mass at L2 measuring 3 x 2 cm on MRI.", [], 0),  # a unit: nothing
        ("No sign at all in this lesion of 3 by 2.", [], 0),  # counter-example: no sign
    ],
)
def test_missing_unit_scans_only_sentences_holding_a_sign(
    text: str, parts: list[str], flagged: int
) -> None:
    sentences = _cut(text, *parts)
    found = _missing_unit_spans(text, sentences, None)
    assert found == _missing_unit_spans(text, sentences, r"(?s:.)")
    assert len(found) == flagged


@pytest.mark.parametrize(
    "text", ["3 x 2", "4.5X3x2", "3×2", "10 * 12", "2\tx\n1", "0.5 x 0.3 x 1.2 mm", "12x"]
)
def test_every_unitless_dimension_holds_a_dimension_sign(text: str) -> None:
    """The rule's ``dimension_sign`` is a part of every ``unitless_dimension`` match."""
    from extractor.flags.rules import review_rules

    params = review_rules()[ReviewReason.MISSING_UNIT].params
    for m in params["unitless_dimension"].finditer(text):
        assert params["dimension_sign"].search(m.group())


@pytest.mark.parametrize(
    ("positions", "kept"),
    [([], []), ([3], [(0, 5)]), ([5, 12], [(9, 20), (5, 9)]), ([25], [])],
)
def test_holding_keeps_the_sentences_with_a_position(
    positions: list[int], kept: list[tuple[int, int]]
) -> None:
    from extractor.flags.textual import holding

    # out of order on purpose: each sentence is tested on its own, kept in its place
    assert holding([(9, 20), (0, 5), (5, 9)], positions) == kept
