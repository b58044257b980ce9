"""Registry load: normalized tables, idempotence, replacement, rollback on failure,
concurrent loads. Every test that takes ``url`` runs on SQLite and on a real PostgreSQL
server started for the session (tests/conftest.py::postgres_server; skipped, with the
reason, where no PostgreSQL binaries are installed)."""

from __future__ import annotations

import json
import multiprocessing
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from extractor.cli import main
from extractor.export import db
from extractor.schema import Record

TEXT = "Case report\nA 45-year-old woman had no necrosis in a 4.5 cm mass at C6-T2."


def make_record(report_id: str, sha: str = "a" * 64, age: float | None = 45.0) -> Record:
    """A record with every repeated element filled (offsets index into TEXT)."""
    return Record.model_validate(
        {
            "report_id": report_id,
            "source": {
                "path": f"corpus/{report_id}.txt",
                "sha256": sha,
                "n_chars": len(TEXT),
                "encoding": "utf-8",
            },
            "sections": [
                {
                    "label": "front_matter",
                    "kind": "non-content",
                    "heading": "",
                    "start": 0,
                    "end": 0,
                },
                {
                    "label": "case_presentation",
                    "kind": "patient",
                    "heading": "Case report",
                    "start": 0,
                    "end": len(TEXT),
                },
            ],
            "mentions": [
                {
                    "field": "age",
                    "text": "45-year-old",
                    "start": 14,
                    "end": 25,
                    "section": "case_presentation",
                    "value": {"years": age},
                    "rule": "age.year_old",
                },
                {
                    "field": "size",
                    "text": "4.5 cm",
                    "start": 49,
                    "end": 55,
                    "section": "case_presentation",
                    "value": {"dims_mm": [45.0], "max_mm": 45.0, "unit": "cm"},
                    "rule": "size.cm",
                    "assertion": {
                        "uncertain": True,
                        "cue": {
                            "text": "no",
                            "start": 36,
                            "end": 38,
                            "category": "POSSIBLE",
                            "rule": "c1",
                        },
                    },
                },
            ],
            "summary": {
                "age_years": age,
                "sex": "female",
                "sites": [
                    {
                        "name": "paraspinal soft tissue",
                        "laterality": "left",
                        "icdo3_topography": "C49.6",
                    }
                ],
                "levels": ["C6", "C7", "T1", "T2"],
                "size_max_mm": 45.0,
                "size_dims_mm": [45.0, 30.0],
                "stains": [
                    {"marker": "S100", "result": "positive", "extent": "diffuse"},
                    {"marker": "CD34", "result": "negative"},
                ],
                "final_diagnosis": {
                    "name": "schwannoma",
                    "icdo3": "9560/0",
                    "basis": "histopathology",
                },
                "differential_diagnoses": [{"name": "meningioma", "icdo3": "9530/0"}],
                "negated_findings": ["necrosis"],
                "lesions": [
                    {
                        "role": "index",
                        "location": "axial",
                        "why": "index.procedure",
                        "levels": ["C6", "C7", "T1", "T2"],
                        "size": {"max_mm": 45.0},
                        "diagnosis": {
                            "name": "schwannoma",
                            "icdo3": "9560/0",
                            "morphology": "9560",
                            "behaviour": "0",
                        },
                        "mentions": [0, 1],
                    },
                    {
                        "role": "other",
                        "location": "kidney",
                        "why": "other.rest",
                        "size": {"max_mm": 85.0},
                        "mentions": [2],
                    },
                ],
            },
            "warnings": ["example warning"],
        }
    )


def write_jsonl(path: Path, records: list[Record], bad_line_at: int | None = None) -> Path:
    lines = [r.model_dump_json() for r in records]
    if bad_line_at is not None:
        lines.insert(bad_line_at, '{"report_id": "broken"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every registry table, sorted: the database's full contents."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        out = {
            name: sorted(conn.execute(sa.text(f'SELECT * FROM "{name}"')).all(), key=repr)
            for name in tables
        }
    engine.dispose()
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("reports", 2),
        ("sections", 4),
        ("mentions", 4),
        ("sites", 2),
        ("levels", 8),
        ("stains", 4),
        ("diagnoses", 4),
        ("negated_findings", 2),
        ("lesions", 4),
        ("warnings", 2),
        ("schema_version", 2),
    ],
)
def test_load_fills_every_table(tmp_path: Path, url: str, table: str, expected: int) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [make_record("r1"), make_record("r2")])
    assert main(["export", str(records), "--db", url]) == 0
    assert len(snapshot(url)[table]) == expected


def test_loading_twice_changes_nothing(tmp_path: Path, url: str) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [make_record("r1"), make_record("r2")])
    assert db.export_command(records, url) == 0
    first = snapshot(url)
    assert db.export_command(records, url) == 0
    assert snapshot(url) == first


def test_second_load_reports_unchanged(tmp_path: Path, url: str) -> None:
    engine = db.make_engine(url)
    recs = [make_record("r1"), make_record("r2")]
    assert db.load_records(recs, engine) == db.LoadResult(inserted=2)
    assert db.load_records(recs, engine) == db.LoadResult(unchanged=2)


@pytest.mark.parametrize(
    "changed",
    [
        make_record("r1", sha="b" * 64, age=50.0),  # new source file
        make_record("r1", age=50.0),  # same file, re-extracted differently
    ],
)
def test_changed_report_replaces_its_rows(url: str, changed: Record) -> None:
    engine = db.make_engine(url)
    db.load_records([make_record("r1"), make_record("r2")], engine)
    before = snapshot(url)
    assert db.load_records([changed], engine) == db.LoadResult(replaced=1)
    after = snapshot(url)
    assert {t: len(rows) for t, rows in after.items()} == {
        t: len(rows) for t, rows in before.items()
    }
    with engine.connect() as conn:
        ages = dict(conn.execute(sa.select(db.reports.c.report_id, db.reports.c.age_years)).all())
        values = conn.execute(
            sa.select(db.mentions.c.value_json).where(
                db.mentions.c.report_id == "r1", db.mentions.c.field == "age"
            )
        ).scalar_one()
        sha = conn.execute(
            sa.select(db.reports.c.source_sha256).where(db.reports.c.report_id == "r1")
        ).scalar_one()
    assert ages == {"r1": 50.0, "r2": 45.0}
    assert json.loads(values) == {"years": 50.0}
    assert sha == changed.source.sha256


def test_malformed_record_mid_file_rolls_back(tmp_path: Path, url: str) -> None:
    db.load_records([make_record("r1")], db.make_engine(url))
    before = snapshot(url)
    recs = [make_record("r1", sha="b" * 64), make_record("r2"), make_record("r3")]
    records = write_jsonl(tmp_path / "r.jsonl", recs, bad_line_at=2)
    assert db.export_command(records, url) == 1
    assert snapshot(url) == before


def test_database_error_mid_load_rolls_back(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.make_engine(url)
    db.load_records([make_record("r1")], engine)
    before = snapshot(url)
    original = db._insert_report

    def fail_on_r3(conn, record, digest, loaded_at):  # noqa: ANN001, ANN202
        if record.report_id == "r3":
            conn.execute(sa.text("INSERT INTO no_such_table VALUES (1)"))
        return original(conn, record, digest, loaded_at)

    monkeypatch.setattr(db, "_insert_report", fail_on_r3)
    recs = [make_record("r1", sha="b" * 64), make_record("r2"), make_record("r3")]
    with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):
        db.load_records(recs, engine)
    assert snapshot(url) == before


def test_duplicate_report_id_rolls_back(tmp_path: Path, url: str) -> None:
    records = write_jsonl(tmp_path / "r.jsonl", [make_record("r1"), make_record("r1", age=3.0)])
    assert db.export_command(records, url) == 1
    assert snapshot(url)["reports"] == []


def test_foreign_keys_are_enforced(url: str) -> None:
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(db.levels.insert(), [{"report_id": "ghost", "ordinal": 0, "level": "C1"}])


def test_diagnoses_carry_their_role(url: str) -> None:
    engine = db.make_engine(url)
    db.load_records([make_record("r1")], engine)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(db.diagnoses.c.role, db.diagnoses.c.name).order_by(db.diagnoses.c.ordinal)
        ).all()
    assert [tuple(r) for r in rows] == [("final", "schwannoma"), ("differential", "meningioma")]


def test_other_registry_schema_version_is_refused(tmp_path: Path, url: str) -> None:
    engine = db.make_engine(url)
    db.ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(
            db.schema_version.update().where(db.schema_version.c.name == "registry"),
            {"version": "0"},
        )
    records = write_jsonl(tmp_path / "r.jsonl", [make_record("r1")])
    assert db.export_command(records, url) == 1
    assert snapshot(url)["reports"] == []


@pytest.mark.parametrize("name", ["missing.jsonl"])
def test_missing_records_file_is_a_usage_error(tmp_path: Path, url: str, name: str) -> None:
    assert db.export_command(tmp_path / name, url) == 2


@pytest.mark.parametrize("report_id", ["x'); DROP TABLE reports; --", 'quote"d'])
def test_hostile_report_ids_are_stored_verbatim(url: str, report_id: str) -> None:
    engine = db.make_engine(url)
    db.load_records([make_record(report_id)], engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(db.reports.c.report_id)).scalars().all() == [report_id]


@pytest.mark.slow
def test_corpus_records_load_idempotently(tmp_path: Path, url: str, corpus_records) -> None:  # noqa: ANN001
    records = write_jsonl(tmp_path / "r.jsonl", list(corpus_records.values()))
    assert db.export_command(records, url) == 0
    first = snapshot(url)
    assert len(first["reports"]) == len(corpus_records)
    assert len(first["mentions"]) == sum(len(r.mentions) for r in corpus_records.values())
    assert db.export_command(records, url) == 0
    assert snapshot(url) == first


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
@pytest.mark.parametrize("table", list(db.CHILD_ROWS), ids=lambda t: t.name)
def test_child_tables_compile_for_other_databases(dialect: str, table: sa.Table) -> None:
    module = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["dialect"])
    ddl = str(sa.schema.CreateTable(table).compile(dialect=module.dialect()))
    assert "PRIMARY KEY (report_id, ordinal)" in ddl
    assert "REFERENCES reports (report_id) ON DELETE CASCADE" in ddl


def _export(records: str, url: str, start: Any) -> None:
    start.wait()
    sys.exit(db.export_command(Path(records), url))


@pytest.mark.parametrize("n_records", [60])
def test_two_exports_at_once_leave_one_copy_of_each_row(
    tmp_path: Path, url: str, n_records: int
) -> None:
    recs = [make_record(f"r{i:03d}", age=float(20 + i % 50)) for i in range(n_records)]
    records = write_jsonl(tmp_path / "r.jsonl", recs)
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(2)  # both processes begin their load at the same moment
    procs = [ctx.Process(target=_export, args=(str(records), url, start)) for _ in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=300)
    assert [proc.exitcode for proc in procs] == [0, 0]
    counts = {t: len(rows) for t, rows in snapshot(url).items()}
    assert counts["reports"] == n_records and counts["levels"] == 4 * n_records
    assert counts["mentions"] == 2 * n_records and counts["schema_version"] == 2
    assert db.load_records(recs, db.make_engine(url)) == db.LoadResult(unchanged=n_records)
