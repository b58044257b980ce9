"""The span readers of benchmarks/assertion_sets.py on tiny hand-written fixtures."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "assertion_sets.py"
_spec = importlib.util.spec_from_file_location("assertion_sets", PATH)
sets = importlib.util.module_from_spec(_spec)
sys.modules["assertion_sets"] = sets  # dataclasses look their module up there
_spec.loader.exec_module(sets)

BRAT = "\n".join(
    [
        "T1\tSign_symptom 3 8\tfever",
        "E1\tSign_symptom:T1",
        "A1\tPOLARITY E1 NEG",
        "T2\tDisease_disorder 25 34\tpneumonia",
        "E2\tDisease_disorder:T2",
        "A2\tPOLARITY E2 UNCERTAIN",
        "T3\tDiagnostic_procedure 40 42\tCT",
        "E3\tDiagnostic_procedure:T3",
        "A3\tPOLARITY E3 NEG",
        "T4\tSign_symptom 50 54;55 59\tsore neck",
        "E4\tSign_symptom:T4",
    ]
)


def test_brat_events_of_interest_with_polarity() -> None:
    spans, negated, uncertain = sets.parse_brat(BRAT)
    assert spans == [(3, 8), (25, 34), (50, 59)]  # the procedure is not a target
    assert negated == [True, False, False]
    assert uncertain == [False, True, False]


@pytest.mark.parametrize(
    ("clinentity_only", "spans", "negated", "uncertain"),
    [
        (True, [(3, 8), (20, 29)], [True, False], [False, True]),
        (False, [(3, 8), (10, 15), (20, 29)], [True, False, False], [False, False, True]),
    ],
)
def test_e3c_events(clinentity_only, spans, negated, uncertain) -> None:
    data = {
        "events": [[20, 29, "POS", "HEDGED"], [3, 8, "NEG", "ACTUAL"], [10, 15, "POS", "ACTUAL"]],
        "entities": [[0, 8, "CLINENTITY"], [20, 35, "CLINENTITY"], [10, 15, "BODYPART"]],
    }
    assert sets.parse_e3c(data, clinentity_only=clinentity_only) == (spans, negated, uncertain)


def test_e3c_loader_keeps_crlf_offsets(tmp_path: Path) -> None:
    text = "Pain.\r\nNo fever.\r\n"
    (tmp_path / "X1.txt").write_bytes(text.encode("utf-8"))
    events = [[10, 15, "NEG", "ACTUAL"]]
    (tmp_path / "X1.json").write_text(json.dumps({"events": events, "entities": []}))
    [doc] = sets.load_e3c(tmp_path, clinentity_only=False)
    assert doc.text[slice(*doc.spans[0])] == "fever"
    assert doc.negated == [True]


def test_gold_mentions_by_field() -> None:
    data = {
        "mentions": [
            {"field": "stain", "start": 30, "end": 34, "assertion": {"negated": False}},
            {"field": "diagnosis", "start": 3, "end": 9, "assertion": {"uncertain": True}},
            {"field": "diagnosis", "start": 12, "end": 20, "assertion": {"negated": True}},
        ]
    }
    assert sets.parse_mentions(data) == (
        [(3, 9), (12, 20), (30, 34)],
        [False, True, False],
        [True, False, False],
    )
    assert sets.parse_mentions(data, frozenset({"diagnosis"}))[0] == [(3, 9), (12, 20)]


SPAN_TEXT = "No fever; possible schwannoma; the rash resolved."


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        (
            [
                {"start": 19, "end": 29, "text": "schwannoma", "negated": False, "uncertain": True},
                {"start": 3, "end": 8, "text": "fever", "negated": True, "uncertain": False},
                {"start": 35, "end": 39, "negated": False, "uncertain": False, "resolved": True},
            ],
            ([(3, 8), (19, 29), (35, 39)], [True, False, False], [False, True, False]),
        ),
        ([], ([], [], [])),
    ],
)
def test_span_gold_sorted_with_flags(mentions: list[dict], expected: tuple) -> None:
    assert sets.parse_span_gold({"doc": "d.txt", "mentions": mentions}, SPAN_TEXT) == expected


def test_span_gold_text_mismatch_names_the_span() -> None:
    bad = {"doc": "d.txt", "mentions": [{"start": 0, "end": 2, "text": "xx"}]}
    with pytest.raises(ValueError, match=r"d.txt: span 0-2 is not 'xx'"):
        sets.parse_span_gold(bad, SPAN_TEXT)
