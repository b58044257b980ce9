"""The record contract: committed JSON Schema is current; records obey it and its invariants."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from extractor.schema import SUMMARY_KEYS, record_json_schema, record_json_schema_text

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "schema" / "record.schema.json"


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == record_json_schema_text(), (
        "run: python -m extractor schema"
    )


def test_summary_has_exactly_the_registry_keys() -> None:
    assert SUMMARY_KEYS == (
        "age_years",
        "sex",
        "sites",
        "levels",
        "size_max_mm",
        "size_dims_mm",
        "stains",
        "final_diagnosis",
        "differential_diagnoses",
        "negated_findings",
        "lesions",
        "review",
        "needs_review",
    )


@pytest.mark.slow
def test_corpus_records_are_schema_valid_and_offsets_exact(corpus_records) -> None:
    validator = jsonschema.Draft202012Validator(record_json_schema())
    for report_id, record in corpus_records.items():
        data = json.loads(record.model_dump_json())
        validator.validate(data)
        original = (
            (ROOT / record.source.path).read_text(encoding="utf-8")
            if not Path(record.source.path).is_absolute()
            else Path(record.source.path).read_text("utf-8")
        )
        assert record.source.n_chars == len(original)
        for m in record.mentions:
            assert original[m.start : m.end] == m.text, (report_id, m)
            if m.assertion.cue:
                cue = m.assertion.cue
                assert original[cue.start : cue.end] == cue.text
        sections = record.sections
        assert sections[0].start == 0 and sections[-1].end == len(original)
        assert all(a.end == b.start for a, b in zip(sections, sections[1:], strict=False))
        for s in sections:
            assert original[s.start : s.start + len(s.heading)] == s.heading
