"""On the real reports, every gold negation and every negative stain comes out right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = {
    p.stem: json.loads((ROOT / "annotations" / f"{p.stem}.json").read_text(encoding="utf-8"))
    for p in sorted((ROOT / "corpus").glob("*.txt"))
}


def _overlapping(record, gold_mention: dict):
    return [
        m
        for m in record.mentions
        if m.field == gold_mention["field"]
        and m.start < gold_mention["end"]
        and gold_mention["start"] < m.end
    ]


def _cases(predicate) -> list:
    return [
        pytest.param(rid, m, id=f"{rid[:3]}-{m['field']}-{m['text'][:30]}")
        for rid, gold in GOLD.items()
        for m in gold["mentions"]
        if predicate(m)
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("report_id", "gold_mention"), _cases(lambda m: m["assertion"].get("negated"))
)
def test_gold_negated_mentions_are_negated(corpus_records, report_id, gold_mention) -> None:
    found = _overlapping(corpus_records[report_id], gold_mention)
    assert found and all(m.assertion.negated for m in found), gold_mention


@pytest.mark.slow
@pytest.mark.parametrize(
    ("report_id", "gold_mention"),
    _cases(lambda m: m["field"] == "stain" and m["value"]["result"] == "negative"),
)
def test_gold_negative_stains_are_negative(corpus_records, report_id, gold_mention) -> None:
    found = _overlapping(corpus_records[report_id], gold_mention)
    assert found, gold_mention
    assert all(m.value["result"] == "negative" and not m.assertion.negated for m in found)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("report_id", "gold_mention"),
    _cases(
        lambda m: (
            m["field"] in ("age", "sex", "level", "size", "stain")
            and not any(m["assertion"].values())
        )
    ),
)
def test_affirmed_gold_mentions_are_not_negated(corpus_records, report_id, gold_mention) -> None:
    for m in _overlapping(corpus_records[report_id], gold_mention):
        assert not m.assertion.negated, (m.text, m.assertion.cue)
