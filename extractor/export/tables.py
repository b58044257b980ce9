"""Records -> flat pandas tables: one row per report, per lesion and per mention.

The report table is the registry view of each summary: the first summary site is the
primary site; multi-valued columns are ';'-joined in summary order; ``behaviour`` is
the ICD-O-3 behaviour digit after the '/' of the final diagnosis morphology code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from extractor.export import RecordsFileError, as_records
from extractor.schema import ASSERTION_FLAGS, SECTION_KINDS, Lesion, Mention, Record

REPORT_COLUMNS = (
    "report_id",
    "age_at_diagnosis",
    "sex",
    "primary_site",
    "primary_site_icdo3_topography",
    "laterality",
    "other_sites",
    "histology",
    "histology_icdo3",
    "behaviour",
    "diagnosis_basis",
    "tumour_size_mm",
    "tumour_dims_mm",
    "levels",
    "stains_positive",
    "stains_negative",
    "differential_diagnoses",
    "negated_findings",
    "n_mentions",
    "warnings_count",
    "source_path",
    "source_sha256",
)
MENTION_COLUMNS = (
    "report_id",
    "mention_index",
    "field",
    "text",
    "start",
    "end",
    "section",
    "section_kind",
    "rule",
    "value",
    *ASSERTION_FLAGS,
    "cue_text",
    "cue_category",
    "cue_rule",
)
LESION_COLUMNS = (
    "report_id",
    "lesion_index",
    "role",
    "location",
    "why",
    "sites",
    "topography",
    "laterality",
    "levels",
    "size_max_mm",
    "size_dims_mm",
    "size_measures",
    "histology",
    "histology_icdo3",
    "morphology",
    "behaviour",
    "stains_positive",
    "stains_negative",
    "mention_indices",
)
FORMATS = ("csv", "parquet")


def _join(items: Iterable[str]) -> str | None:
    return ";".join(items) or None


def behaviour_code(icdo3: str | None) -> str | None:
    """'9560/0' -> '0'; None when there is no single behaviour digit after '/'."""
    if not icdo3 or "/" not in icdo3:
        return None
    digit = icdo3.rsplit("/", 1)[1].strip()
    return digit if len(digit) == 1 and digit.isdigit() else None


def report_row(record: Record) -> dict[str, Any]:
    s = record.summary
    primary = s.sites[0] if s.sites else None
    final = s.final_diagnosis
    return {
        "report_id": record.report_id,
        "age_at_diagnosis": s.age_years,
        "sex": s.sex,
        "primary_site": primary.name if primary else None,
        "primary_site_icdo3_topography": primary.icdo3_topography if primary else None,
        "laterality": primary.laterality if primary else None,
        "other_sites": _join(site.name for site in s.sites[1:]),
        "histology": final.name if final else None,
        "histology_icdo3": final.icdo3 if final else None,
        "behaviour": behaviour_code(final.icdo3 if final else None),
        "diagnosis_basis": final.basis if final else None,
        "tumour_size_mm": s.size_max_mm,
        "tumour_dims_mm": _join(f"{d:g}" for d in s.size_dims_mm),
        "levels": _join(s.levels),
        "stains_positive": _join(st.marker for st in s.stains if st.result == "positive"),
        "stains_negative": _join(st.marker for st in s.stains if st.result == "negative"),
        "differential_diagnoses": _join(d.name for d in s.differential_diagnoses),
        "negated_findings": _join(s.negated_findings),
        "n_mentions": len(record.mentions),
        "warnings_count": len(record.warnings),
        "source_path": record.source.path,
        "source_sha256": record.source.sha256,
    }


def lesion_row(report_id: str, index: int, lesion: Lesion) -> dict[str, Any]:
    """One lesion of ``summary.lesions``; the first site gives topography and laterality."""
    first = lesion.sites[0] if lesion.sites else None
    dx, size = lesion.diagnosis, lesion.size
    return {
        "report_id": report_id,
        "lesion_index": index,
        "role": lesion.role,
        "location": lesion.location,
        "why": lesion.why,
        "sites": _join(site.name for site in lesion.sites),
        "topography": first.icdo3_topography if first else None,
        "laterality": first.laterality if first else None,
        "levels": _join(lesion.levels),
        "size_max_mm": size.max_mm if size else None,
        "size_dims_mm": _join(f"{d:g}" for d in size.dims_mm) if size else None,
        "size_measures": size.measures if size else None,
        "histology": dx.name if dx else None,
        "histology_icdo3": dx.icdo3 if dx else None,
        "morphology": dx.morphology if dx else None,
        "behaviour": dx.behaviour if dx else None,
        "stains_positive": _join(st.marker for st in lesion.stains if st.result == "positive"),
        "stains_negative": _join(st.marker for st in lesion.stains if st.result == "negative"),
        "mention_indices": _join(str(i) for i in lesion.mentions),
    }


def mention_row(report_id: str, index: int, m: Mention) -> dict[str, Any]:
    a, cue = m.assertion, m.assertion.cue
    kind = SECTION_KINDS.get(m.section)
    return {
        "report_id": report_id,
        "mention_index": index,
        "field": str(m.field),
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "section": m.section,
        "section_kind": str(kind) if kind else None,
        "rule": m.rule,
        "value": json.dumps(m.value, sort_keys=True, ensure_ascii=False),
        **{flag: getattr(a, flag) for flag in ASSERTION_FLAGS},
        "cue_text": cue.text if cue else None,
        "cue_start": cue.start if cue else None,
        "cue_end": cue.end if cue else None,
        "cue_category": cue.category if cue else None,
        "cue_rule": cue.rule if cue else None,
    }


def _frame(
    rows: list[dict[str, Any]], columns: tuple[str, ...], numeric: tuple[str, ...]
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    for col in numeric:
        df[col] = pd.to_numeric(df[col], errors="raise").astype("float64")
    return df


def to_dataframe(records: Iterable[Record] | str | Path) -> pd.DataFrame:
    """One row per report (columns :data:`REPORT_COLUMNS`); accepts records or a JSONL path."""
    rows = [report_row(r) for r in as_records(records)]
    return _frame(rows, REPORT_COLUMNS, ("age_at_diagnosis", "tumour_size_mm"))


def mentions_dataframe(records: Iterable[Record] | str | Path) -> pd.DataFrame:
    """One row per mention (columns :data:`MENTION_COLUMNS`); ``value`` is JSON text."""
    rows = [
        mention_row(r.report_id, i, m)
        for r in as_records(records)
        for i, m in enumerate(r.mentions)
    ]
    df = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
    flags = list(ASSERTION_FLAGS)
    return df.astype({c: "bool" for c in flags} | {"start": "int64", "end": "int64"})


def lesions_dataframe(records: Iterable[Record] | str | Path) -> pd.DataFrame:
    """One row per lesion of each summary (columns :data:`LESION_COLUMNS`)."""
    rows = [
        lesion_row(r.report_id, i, lesion)
        for r in as_records(records)
        for i, lesion in enumerate(r.summary.lesions)
    ]
    return _frame(rows, LESION_COLUMNS, ("size_max_mm",))


def write_tables(
    records: Iterable[Record] | str | Path, out: Path, fmt: str = "csv"
) -> dict[str, Path]:
    """Write ``reports``, ``lesions`` and ``mentions`` tables into ``out``; returns their paths."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; expected one of {FORMATS}")
    recs = as_records(records)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    frames = (
        ("reports", to_dataframe(recs)),
        ("lesions", lesions_dataframe(recs)),
        ("mentions", mentions_dataframe(recs)),
    )
    for name, df in frames:
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            df.to_csv(path, index=False)
        else:
            df.to_parquet(path, index=False)
        paths[name] = path
    return paths


def table_command(records: Path, out: Path, fmt: str = "csv") -> int:
    """CLI: 0 ok, 1 bad records file or unwritable format, 2 no such records file."""
    if not records.is_file():
        print(f"no such records file: {records}", file=sys.stderr)
        return 2
    try:
        paths = write_tables(records, out, fmt)
    except (RecordsFileError, ImportError) as exc:
        print(f"cannot write tables: {exc}", file=sys.stderr)
        return 1
    print(" ".join(str(p) for p in paths.values()), file=sys.stderr)
    return 0
