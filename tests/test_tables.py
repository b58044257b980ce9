"""Report-level and mention-level tables (pandas), CSV and parquet output."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import extractor
from extractor.cli import main
from extractor.export.tables import (
    LESION_COLUMNS,
    MENTION_COLUMNS,
    REPORT_COLUMNS,
    behaviour_code,
    lesions_dataframe,
    mentions_dataframe,
    to_dataframe,
)
from extractor.schema import Record


def make_record(report_id: str, **summary: object) -> Record:
    return Record.model_validate(
        {
            "report_id": report_id,
            "source": {
                "path": f"{report_id}.txt",
                "sha256": "0" * 64,
                "n_chars": 40,
                "encoding": "utf-8",
            },
            "mentions": [
                {
                    "field": "level",
                    "text": "C6-T2",
                    "start": 10,
                    "end": 15,
                    "section": "case_presentation",
                    "rule": "level.range",
                    "value": {
                        "levels": ["C6", "C7", "T1", "T2"],
                        "kind": "range",
                        "region": "cervicothoracic",
                    },
                },
                {
                    "field": "stain",
                    "text": "S-100",
                    "start": 20,
                    "end": 25,
                    "section": "discussion",
                    "rule": "stain.pos",
                    "value": {"marker": "S100", "result": "negative"},
                    "assertion": {
                        "negated": True,
                        "cue": {
                            "text": "no",
                            "start": 17,
                            "end": 19,
                            "category": "NEGATED_EXISTENCE",
                        },
                    },
                },
            ],
            "summary": summary,
            "warnings": ["w1", "w2"],
        }
    )


FULL = make_record(
    "full",
    age_years=45.0,
    sex="female",
    sites=[
        {"name": "paraspinal soft tissue", "laterality": "left", "icdo3_topography": "C49.6"},
        {"name": "epidural space"},
    ],
    levels=["C6", "C7", "T1", "T2"],
    size_max_mm=45.0,
    size_dims_mm=[45.0, 35.5],
    stains=[
        {"marker": "S100", "result": "positive"},
        {"marker": "SOX10", "result": "positive"},
        {"marker": "CD34", "result": "negative"},
    ],
    final_diagnosis={"name": "schwannoma", "icdo3": "9560/0", "basis": "histopathology"},
    differential_diagnoses=[{"name": "meningioma"}, {"name": "neurofibroma"}],
    negated_findings=["necrosis"],
    lesions=[
        {"role": "index", "location": "axial", "why": "index.procedure",
         "sites": [{"name": "paraspinal soft tissue", "laterality": "left",
                    "icdo3_topography": "C49.6"}],
         "levels": ["C6", "C7", "T1", "T2"], "size": {"max_mm": 45.0, "dims_mm": [45.0, 35.5]},
         "diagnosis": {"name": "schwannoma", "icdo3": "9560/0", "morphology": "9560",
                       "behaviour": "0"},
         "stains": [{"marker": "S100", "result": "positive"}], "mentions": [0, 1]},
        {"role": "other", "location": "kidney", "why": "other.rest",
         "size": {"max_mm": 85.0, "dims_mm": [85.0], "measures": "mass"}, "mentions": [2]},
    ],
)  # fmt: skip
EMPTY = make_record("empty")


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("report_id", "full"),
        ("age_at_diagnosis", 45.0),
        ("sex", "female"),
        ("primary_site", "paraspinal soft tissue"),
        ("primary_site_icdo3_topography", "C49.6"),
        ("laterality", "left"),
        ("other_sites", "epidural space"),
        ("histology", "schwannoma"),
        ("histology_icdo3", "9560/0"),
        ("behaviour", "0"),
        ("diagnosis_basis", "histopathology"),
        ("tumour_size_mm", 45.0),
        ("tumour_dims_mm", "45;35.5"),
        ("levels", "C6;C7;T1;T2"),
        ("stains_positive", "S100;SOX10"),
        ("stains_negative", "CD34"),
        ("differential_diagnoses", "meningioma;neurofibroma"),
        ("negated_findings", "necrosis"),
        ("n_mentions", 2),
        ("warnings_count", 2),
    ],
)
def test_report_columns(column: str, expected: object) -> None:
    df = to_dataframe([FULL, EMPTY])
    assert df.loc[0, column] == expected


@pytest.mark.parametrize(
    "column", ["age_at_diagnosis", "tumour_size_mm", "sex", "histology", "levels", "behaviour"]
)
def test_empty_summary_gives_missing_values(column: str) -> None:
    assert pd.isna(to_dataframe([FULL, EMPTY]).loc[1, column])


@pytest.mark.parametrize(
    ("code", "expected"),
    [("9560/0", "0"), ("8890/3", "3"), ("9560", None), (None, None), ("9560/", None)],
)
def test_behaviour_code(code: str | None, expected: str | None) -> None:
    assert behaviour_code(code) == expected


@pytest.mark.parametrize("records", [[], [EMPTY]])
def test_frames_keep_their_columns(records: list[Record]) -> None:
    assert tuple(to_dataframe(records).columns) == REPORT_COLUMNS
    assert tuple(mentions_dataframe(records).columns) == MENTION_COLUMNS


@pytest.mark.parametrize(
    ("index", "field", "section_kind", "negated", "cue_text"),
    [(0, "level", "patient", False, None), (1, "stain", "literature", True, "no")],
)
def test_mentions_table(
    index: int, field: str, section_kind: str, negated: bool, cue_text: str | None
) -> None:
    row = mentions_dataframe([FULL]).iloc[index]
    assert (row["field"], row["section_kind"], row["negated"]) == (field, section_kind, negated)
    assert row["cue_text"] == cue_text
    assert json.loads(row["value"]) == FULL.mentions[index].value


def test_package_reexports_to_dataframe() -> None:
    assert extractor.to_dataframe([FULL]).equals(to_dataframe([FULL]))


def test_to_dataframe_reads_a_jsonl_path(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(FULL.model_dump_json() + "\n\n" + EMPTY.model_dump_json() + "\n")
    assert to_dataframe(path).equals(to_dataframe([FULL, EMPTY]))


def _parquet_usable() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize(
    "fmt",
    [
        "csv",
        pytest.param(
            "parquet",
            marks=pytest.mark.skipif(
                not _parquet_usable(), reason="pyarrow not importable with this numpy"
            ),
        ),
    ],
)
def test_table_command_round_trips(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(FULL.model_dump_json() + "\n" + EMPTY.model_dump_json() + "\n")
    assert main(["table", str(path), "--out", str(tmp_path / "out"), "--format", fmt]) == 0
    out = tmp_path / "out"
    if fmt == "csv":
        reports = pd.read_csv(out / "reports.csv", dtype={"behaviour": str})
        mentions = pd.read_csv(out / "mentions.csv")
    else:
        reports, mentions = (
            pd.read_parquet(out / "reports.parquet"),
            pd.read_parquet(out / "mentions.parquet"),
        )
    assert list(reports["report_id"]) == ["full", "empty"]
    assert reports.loc[0, "levels"] == "C6;C7;T1;T2"
    assert reports.loc[0, "behaviour"] == "0"
    assert len(mentions) == 4
    lesions = (
        pd.read_csv(out / "lesions.csv")
        if fmt == "csv"
        else pd.read_parquet(out / "lesions.parquet")
    )
    assert list(lesions["role"]) == ["index", "other"]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (0, "role", "index"),
        (0, "location", "axial"),
        (0, "topography", "C49.6"),
        (0, "levels", "C6;C7;T1;T2"),
        (0, "size_dims_mm", "45;35.5"),
        (0, "morphology", "9560"),
        (0, "behaviour", "0"),
        (0, "stains_positive", "S100"),
        (0, "mention_indices", "0;1"),
        (1, "role", "other"),
        (1, "size_max_mm", 85.0),
        (1, "size_measures", "mass"),
    ],
)
def test_lesions_table(row: int, column: str, expected: object) -> None:
    df = lesions_dataframe([FULL, EMPTY])
    assert list(df.columns) == list(LESION_COLUMNS) and len(df) == 2
    assert df.loc[row, column] == expected


@pytest.mark.parametrize("line", ['{"report_id": "x"}', "not json"])
def test_table_command_rejects_bad_records(tmp_path: Path, line: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(FULL.model_dump_json() + "\n" + line + "\n")
    assert main(["table", str(path), "--out", str(tmp_path / "out")]) == 1
    assert main(["table", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path)]) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\xb8\x00", "r.jsonl:1: not UTF-8 text"),
        (b'{"report_id": "x"}\n', "r.jsonl:1: not a valid record"),
    ],
)
def test_bad_records_file_names_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    from extractor.evaluation.report import RecordsError, load_records
    from extractor.export import RecordsFileError, read_records

    path = tmp_path / "r.jsonl"
    path.write_bytes(content)
    with pytest.raises(RecordsFileError, match=message):
        list(read_records(path))
    with pytest.raises(RecordsError, match=message):  # evaluate reads records the same way
        load_records(path)
