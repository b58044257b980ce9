"""Record-level scoring against pages-style gold: each rule of the format, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.evaluation.records_gold import (
    RecordsGoldError,
    diagnosis_name_key,
    diagnosis_right,
    load_records_gold,
    records_table,
    score_fields,
    score_records,
)
from extractor.evaluation.report import evaluate_command

GOLD = {
    "id": "r1",
    "age_years": 42,
    "sex": "female",
    "levels": ["L4", "L5"],
    "size_max_mm": 50,
    "stains": [{"marker": "S-100 protein", "result": "positive"}],
    "final_diagnosis": {"name": "ancient schwannoma", "icdo3": "9560/0", "icdo3_alt": []},
}


def counts(results: dict, name: str) -> tuple[int, int, int]:
    c = results[name].counts
    return c.tp, c.fp, c.fn


@pytest.mark.parametrize(
    ("field", "pred", "expected"),
    [
        ("age_years", 42.4, (1, 0, 0)),  # within 0.5 year
        ("age_years", 43, (0, 1, 1)),  # counter-example: one year off
        ("age_years", None, (0, 0, 1)),
        ("sex", "female", (1, 0, 0)),
        ("sex", "male", (0, 1, 1)),
        ("levels", ["L5", "L4"], (2, 0, 0)),  # sets: order does not matter
        ("levels", ["L4", "S1"], (1, 1, 1)),
        ("size_max_mm", 51, (1, 0, 0)),  # within 1 mm
        ("size_max_mm", 52, (0, 1, 1)),
        ("stains", [{"marker": "S100", "result": "positive"}], (1, 0, 0)),  # synonym
        ("stains", [{"marker": "S100", "result": "focal"}], (1, 0, 0)),  # focal = positive
        ("stains", [{"marker": "S100", "result": "negative"}], (0, 1, 1)),
        ("final_diagnosis", {"name": "schwannoma", "icdo3": "9560/0"}, (1, 0, 0)),
        ("final_diagnosis", {"name": "schwannoma", "icdo3": "9560/3"}, (1, 0, 0)),  # 4 digits
        ("final_diagnosis", {"name": "ancient schwannoma", "icdo3": "9540/0"}, (0, 1, 1)),
        ("final_diagnosis", {"name": "schwannoma"}, (1, 0, 0)),  # no code: names contain
        ("final_diagnosis", {"name": "neurofibroma"}, (0, 1, 1)),
    ],
)
def test_each_field_is_scored_by_its_rule(field, pred, expected):
    assert counts(score_fields(GOLD, {field: pred}), field) == expected


@pytest.mark.parametrize(
    ("gold_field", "pred", "expected"),
    [
        ({"size_max_mm": None}, {"size_max_mm": 30}, (0, 1, 0)),  # predicted where gold null
        ({"sex": None}, {"sex": None}, (0, 0, 0)),
        ({"final_diagnosis": None}, {"final_diagnosis": {"name": "lipoma"}}, (0, 1, 0)),
    ],
)
def test_null_gold_values(gold_field, pred, expected):
    field = next(iter(gold_field))
    assert counts(score_fields({**GOLD, **gold_field}, pred), field) == expected


@pytest.mark.parametrize(
    ("gold", "pred", "right"),
    [
        ({"name": "hemangioblastoma", "icdo3": "9161/1"}, {"name": "x", "icdo3": "9161/1"}, True),
        ({"name": "x", "icdo3": "8140/6", "icdo3_alt": ["8140/3"]}, {"icdo3": "8140/3"}, True),
        ({"name": "spinal tuberculosis", "icdo3": None, "name_alt": ["Pott disease"]},
         {"name": "Pott's disease"}, False),  # "pott s disease" does not contain "pott disease"
        ({"name": "spinal tuberculosis", "icdo3": None, "name_alt": ["Pott disease"]},
         {"name": "tuberculosis of the spine"}, False),
        ({"name": "spinal tuberculosis", "icdo3": None}, {"name": "tuberculosis"}, True),
        ({"name": "hydatid cyst", "icdo3": None}, {"name": "Hydatid cysts", "icdo3": None}, True),
        ({"name": "extramedullary haematopoiesis", "icdo3": None},
         {"name": "Extramedullary hematopoiesis"}, True),
        ({"name": "giant cell tumour", "icdo3": None}, {"name": "giant-cell tumor"}, True),
    ],
)  # fmt: skip
def test_diagnosis_code_then_name_containment(gold, pred, right):
    assert diagnosis_right(gold, pred) is right


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Giant-Cell Tumour of Bone", "giant cell tumor bone"),
        ("haemangioma", "hemangioma"),
        ("an osteoma", "osteoma"),
    ],
)
def test_diagnosis_name_key(name, key):
    assert diagnosis_name_key(name) == key


def test_set_scores_and_wrong_field_lines():
    golds = {"r1": GOLD, "r2": {**GOLD, "id": "r2", "sex": "male"}}
    summaries = {
        "r1": {**{k: GOLD[k] for k in ("age_years", "sex", "levels", "size_max_mm", "stains")},
               "final_diagnosis": {"name": "schwannoma", "icdo3": "9560/0"}},
        "r2": {"age_years": 42, "sex": "female"},
    }  # fmt: skip
    scores = score_records(golds, summaries)
    assert scores.right == ["r1"]
    assert scores.counts["sex"].tp == 1 and scores.counts["sex"].fp == 1
    table = records_table(scores)
    assert "reports entirely right: 1/2 (50%)" in table
    assert '  r2\tsex\t"female"\t"male"' in table


def test_missing_record_is_all_false_negatives():
    scores = score_records({"r1": GOLD}, {})
    assert scores.missing == ["r1"] and scores.micro.tp == 0 and scores.micro.fn == 7


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not a JSON gold file"), ('{"id": "a"}', "missing keys"), ("[1]", "one JSON")],
)
def test_bad_gold_file_names_the_file(tmp_path: Path, content: str, message: str):
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    with pytest.raises(RecordsGoldError, match=rf"bad\.json: .*{message}"):
        load_records_gold(tmp_path)


@pytest.mark.slow
def test_cli_corpus_reports_are_entirely_right(tmp_path: Path, capsys, corpus_records):
    """The corpus gold summaries, written in the pages format, against the real records."""
    root = Path(__file__).resolve().parents[1]
    (tmp_path / "gold").mkdir()
    for path in sorted((root / "annotations").glob("*.json")):
        if path.name == "gold.schema.json":
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        summary = {k: gold["summary"][k] for k in ("age_years", "sex", "levels", "size_max_mm",
                                                   "stains", "final_diagnosis")}  # fmt: skip
        page = {"id": gold["report_id"], **summary}
        (tmp_path / "gold" / path.name).write_text(json.dumps(page), encoding="utf-8")
    lines = [r.model_dump_json() for r in corpus_records.values()]
    (tmp_path / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status = evaluate_command(None, tmp_path / "records.jsonl", tmp_path / "out", None,
                              records_gold=tmp_path / "gold")  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    assert "reports entirely right: 5/5 (100%)" in out, out
    assert (tmp_path / "out" / "records_metrics.csv").exists()
