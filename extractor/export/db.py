"""Records JSONL -> a normalized registry database (any SQLAlchemy URL).

Tables: ``reports`` (one row per report: source, summary scalars), ``sections``,
``mentions`` (assertion flags and cue), one table per repeated summary element
(``sites``, ``levels``, ``stains``, ``diagnoses`` with role final/differential,
``negated_findings``, ``lesions``: one row per lesion of ``summary.lesions``),
``warnings``, and ``schema_version``. Child tables are keyed
``(report_id, ordinal)`` with a foreign key to ``reports``.

Idempotence: a report is identified by ``report_id``. It is left untouched when the
stored ``source_sha256`` (the report file) and ``record_sha256`` (a digest of the whole
record) both match; otherwise all its rows are deleted and re-inserted. ``loaded_at``
is only written when rows are written, so loading the same file twice changes nothing.

Transactions: the WHOLE FILE is one transaction. Records are read lazily inside it, so
a malformed line, a duplicate report id or a database error anywhere rolls back every
change made by this load: the database is exactly as it was. Reports that are in the
database but not in the file are left alone (the registry accumulates).

Concurrent loads run one after the other (:func:`lock_registry`: an advisory lock on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two loads of the same records leave one
copy of each row. Other databases get no lock: a colliding load fails and rolls back.

All SQL goes through SQLAlchemy Core (parameterized statements only).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from extractor.export import RecordsFileError, read_records
from extractor.export.tables import LESION_COLUMNS, lesion_row, mention_row
from extractor.schema import ASSERTION_FLAGS, SCHEMA_VERSION, Mention, Record

#: version of the database layout below; bump on any table/column change
REGISTRY_SCHEMA_VERSION = "3"
DEFAULT_DB_URL = "sqlite:///registry.sqlite"
#: seconds a load into SQLite waits for a concurrent load to commit before it fails
SQLITE_BUSY_TIMEOUT_S = 600.0
#: key of the PostgreSQL advisory lock held by every load transaction ("extractr")
PG_LOCK_KEY = 0x6578747261637472

Row = dict[str, Any]
_LESION_KEYS = ("report_id", "lesion_index")
metadata = sa.MetaData()
ID = sa.String(255)
SHA = sa.String(64)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("version", sa.Text, nullable=False),
)

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("report_id", ID, primary_key=True),
    sa.Column("source_sha256", SHA, nullable=False),
    sa.Column("record_sha256", SHA, nullable=False),
    sa.Column("source_path", sa.Text, nullable=False),
    sa.Column("n_chars", sa.Integer, nullable=False),
    sa.Column("encoding", sa.Text, nullable=False),
    sa.Column("schema_version", sa.Text, nullable=False),
    sa.Column("age_years", sa.Float),
    sa.Column("sex", sa.Text),
    sa.Column("size_max_mm", sa.Float),
    sa.Column("size_dims_mm", sa.Text, doc="';'-joined dimensions in mm"),
    sa.Column("final_diagnosis_name", sa.Text),
    sa.Column("final_diagnosis_icdo3", sa.Text),
    sa.Column("final_diagnosis_basis", sa.Text),
    sa.Column("n_mentions", sa.Integer, nullable=False),
    sa.Column("n_warnings", sa.Integer, nullable=False),
    sa.Column("loaded_at", sa.Text, nullable=False, doc="UTC ISO time the rows were written"),
)


def _child(name: str, *columns: sa.Column) -> sa.Table:
    """A table of one repeated element per report, keyed (report_id, ordinal)."""
    return sa.Table(
        name,
        metadata,
        sa.Column(
            "report_id",
            ID,
            sa.ForeignKey("reports.report_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("ordinal", sa.Integer, primary_key=True, autoincrement=False),
        *columns,
    )


sections = _child(
    "sections",
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("heading", sa.Text, nullable=False),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
)
mentions = _child(
    "mentions",
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("section_kind", sa.Text),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("value_json", sa.Text, nullable=False),
    *(sa.Column(flag, sa.Boolean, nullable=False) for flag in ASSERTION_FLAGS),
    sa.Column("cue_text", sa.Text),
    sa.Column("cue_start", sa.Integer),
    sa.Column("cue_end", sa.Integer),
    sa.Column("cue_category", sa.Text),
    sa.Column("cue_rule", sa.Text),
)
sites = _child(
    "sites",
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("laterality", sa.Text),
    sa.Column("icdo3_topography", sa.Text),
)
levels = _child("levels", sa.Column("level", sa.Text, nullable=False))
stains = _child(
    "stains",
    sa.Column("marker", sa.Text, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("extent", sa.Text),
    sa.Column("percent", sa.Float),
)
diagnoses = _child(
    "diagnoses",
    sa.Column("role", sa.Text, nullable=False, doc="'final' or 'differential'"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("icdo3", sa.Text),
    sa.Column("basis", sa.Text),
)
negated_findings = _child("negated_findings", sa.Column("finding", sa.Text, nullable=False))
lesions = _child(
    "lesions",
    *(
        sa.Column(name, sa.Float if name == "size_max_mm" else sa.Text)
        for name in LESION_COLUMNS
        if name not in ("report_id", "lesion_index")
    ),
)
warnings = _child("warnings", sa.Column("message", sa.Text, nullable=False))


# ---------------------------------------------------------------- record -> rows


def record_digest(record: Record) -> str:
    """sha256 of the canonical JSON of the whole record (detects re-extraction changes)."""
    data = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def report_row(record: Record, digest: str, loaded_at: str) -> Row:
    s, final = record.summary, record.summary.final_diagnosis
    return {
        "report_id": record.report_id,
        "source_sha256": record.source.sha256,
        "record_sha256": digest,
        "source_path": record.source.path,
        "n_chars": record.source.n_chars,
        "encoding": record.source.encoding,
        "schema_version": record.schema_version,
        "age_years": s.age_years,
        "sex": s.sex,
        "size_max_mm": s.size_max_mm,
        "size_dims_mm": ";".join(f"{d:g}" for d in s.size_dims_mm) or None,
        "final_diagnosis_name": final.name if final else None,
        "final_diagnosis_icdo3": final.icdo3 if final else None,
        "final_diagnosis_basis": final.basis if final else None,
        "n_mentions": len(record.mentions),
        "n_warnings": len(record.warnings),
        "loaded_at": loaded_at,
    }


_MENTION_COLUMNS = {"start": "start_char", "end": "end_char", "value": "value_json"}


def _mention_row(m: Mention) -> Row:
    """The mentions-table row of :func:`extractor.export.tables.mention_row`, with the
    database's column names and without the keys the loader adds itself."""
    row = mention_row("", 0, m)
    del row["report_id"], row["mention_index"]
    return {_MENTION_COLUMNS.get(k, k): v for k, v in row.items()}


def _diagnosis_rows(record: Record) -> list[Row]:
    s = record.summary
    rows = []
    if s.final_diagnosis:
        rows.append({"role": "final", **s.final_diagnosis.model_dump()})
    rows += [
        {"role": "differential", **d.model_dump(), "basis": None} for d in s.differential_diagnoses
    ]
    return rows


#: child table -> the rows (without report_id/ordinal) one record contributes
CHILD_ROWS: dict[sa.Table, Callable[[Record], list[Row]]] = {
    sections: lambda r: [
        {
            "label": s.label,
            "kind": str(s.kind),
            "heading": s.heading,
            "start_char": s.start,
            "end_char": s.end,
        }
        for s in r.sections
    ],
    mentions: lambda r: [_mention_row(m) for m in r.mentions],
    sites: lambda r: [s.model_dump() for s in r.summary.sites],
    levels: lambda r: [{"level": lv} for lv in r.summary.levels],
    stains: lambda r: [s.model_dump() for s in r.summary.stains],
    diagnoses: _diagnosis_rows,
    negated_findings: lambda r: [{"finding": f} for f in r.summary.negated_findings],
    lesions: lambda r: [
        {k: v for k, v in lesion_row(r.report_id, i, x).items() if k not in _LESION_KEYS}
        for i, x in enumerate(r.summary.lesions)
    ],
    warnings: lambda r: [{"message": w} for w in r.warnings],
}


def child_rows(table: sa.Table, record: Record) -> list[Row]:
    rows = CHILD_ROWS[table](record)
    return [{"report_id": record.report_id, "ordinal": i, **row} for i, row in enumerate(rows)]


# ---------------------------------------------------------------- database


class RegistrySchemaError(RuntimeError):
    """The database was created by an incompatible version of this loader."""


class DuplicateReportError(ValueError):
    """The same report id appears twice in one load."""


@dataclass
class LoadResult:
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.replaced + self.unchanged


def make_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite gets foreign-key enforcement and ``BEGIN IMMEDIATE``
    transactions (a second writer waits for the first instead of failing mid-load)."""
    if sa.engine.make_url(url).get_backend_name() != "sqlite":
        return sa.create_engine(url)
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def lock_registry(conn: Connection) -> None:
    """Wait for, then hold until the end of this transaction, the registry lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_LOCK_KEY)))
    # SQLite: the transaction itself is the lock (BEGIN IMMEDIATE, see make_engine)


def ensure_schema(engine: Engine) -> None:
    """Create missing tables; refuse a database with another registry schema version."""
    with engine.begin() as conn:
        lock_registry(conn)
        metadata.create_all(conn)
        stored = conn.execute(
            sa.select(schema_version.c.version).where(schema_version.c.name == "registry")
        ).scalar_one_or_none()
        if stored is None:
            conn.execute(
                schema_version.insert(),
                [
                    {"name": "registry", "version": REGISTRY_SCHEMA_VERSION},
                    {"name": "record", "version": SCHEMA_VERSION},
                ],
            )
        elif stored != REGISTRY_SCHEMA_VERSION:
            raise RegistrySchemaError(
                f"database has registry schema {stored}; this extractor writes "
                f"{REGISTRY_SCHEMA_VERSION} (load into a new database or migrate it)"
            )


def _delete_report(conn: Connection, report_id: str) -> None:
    for table in CHILD_ROWS:
        conn.execute(table.delete().where(table.c.report_id == report_id))
    conn.execute(reports.delete().where(reports.c.report_id == report_id))


def _insert_report(conn: Connection, record: Record, digest: str, loaded_at: str) -> None:
    conn.execute(reports.insert(), [report_row(record, digest, loaded_at)])
    for table in CHILD_ROWS:
        rows = child_rows(table, record)
        if rows:
            conn.execute(table.insert(), rows)


def load_one(conn: Connection, record: Record, loaded_at: str) -> str:
    """Insert, replace or skip one report; returns 'inserted', 'replaced' or 'unchanged'."""
    digest = record_digest(record)
    stored = conn.execute(
        sa.select(reports.c.source_sha256, reports.c.record_sha256).where(
            reports.c.report_id == record.report_id
        )
    ).first()
    if stored is not None and tuple(stored) == (record.source.sha256, digest):
        return "unchanged"
    if stored is not None:
        _delete_report(conn, record.report_id)
    _insert_report(conn, record, digest, loaded_at)
    return "inserted" if stored is None else "replaced"


def load_records(records: Iterable[Record], engine: Engine) -> LoadResult:
    """Load ``records`` in ONE transaction: all of them, or (on any error) none."""
    ensure_schema(engine)
    loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    result = LoadResult()
    seen: set[str] = set()
    with engine.begin() as conn:
        lock_registry(conn)
        for record in records:
            if record.report_id in seen:
                raise DuplicateReportError(f"report id {record.report_id!r} appears twice")
            seen.add(record.report_id)
            status = load_one(conn, record, loaded_at)
            setattr(result, status, getattr(result, status) + 1)
    return result


def export_command(records: Path, db_url: str = DEFAULT_DB_URL) -> int:
    """CLI: load a records JSONL into ``db_url``; 0 ok, 1 load failed (db unchanged), 2 usage."""
    if not records.is_file():
        print(f"no such records file: {records}", file=sys.stderr)
        return 2
    try:
        engine = make_engine(db_url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        print(f"cannot open database {db_url!r}: {exc}", file=sys.stderr)
        return 2
    shown = engine.url.render_as_string(hide_password=True)
    try:
        result = load_records(read_records(records), engine)
    except (RecordsFileError, DuplicateReportError, RegistrySchemaError, SQLAlchemyError) as exc:
        print(f"load failed, database unchanged: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(
        f"{records} -> {shown}: {result.total} reports ({result.inserted} inserted, "
        f"{result.replaced} replaced, {result.unchanged} unchanged)",
        file=sys.stderr,
    )
    return 0
