"""Result rows, their text formatting and the CSV/JSON/JSONL files written with --out."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from extractor.evaluation.metrics import Accuracy, Counts

Row = dict[str, Any]
ROW_COLUMNS = (
    "group", "level", "scheme", "name", "tp", "fp", "fn", "precision", "recall", "f1",
    "correct", "total", "accuracy",
)  # fmt: skip


def count_row(group: str, level: str, scheme: str, name: str, counts: Counts) -> Row:
    return {"group": group, "level": level, "scheme": scheme, "name": name, **counts.as_dict()}


def accuracy_row(group: str, level: str, name: str, acc: Accuracy) -> Row:
    return {"group": group, "level": level, "scheme": "", "name": name, **acc.as_dict()}


def nest(rows: list[Row]) -> dict[str, Any]:
    """Rows -> {group: {level: {scheme or "-": {name: metrics}}}} for metrics.json."""
    nested: dict[str, Any] = {}
    for row in rows:
        metrics = {k: v for k, v in row.items() if k not in ("group", "level", "scheme", "name")}
        by_level = nested.setdefault(row["group"], {}).setdefault(row["level"], {})
        by_level.setdefault(row["scheme"] or "-", {})[row["name"]] = metrics
    return nested


def fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def prf(row: Row) -> str:
    return f"{fmt(row.get('precision'))} {fmt(row.get('recall'))} {fmt(row.get('f1'))}"


PRF_WIDTH = 16


def prf_header(label: str, width: int, groups: tuple[str, ...], tail: str = "") -> list[str]:
    """Two header lines: score-group names over "P    R    F1" columns."""
    top = " " * (width + 1) + "".join(f"{g:<{PRF_WIDTH}}" for g in groups)
    cols = f"{'P':<5}{'R':<5}{'F1':<{PRF_WIDTH - 10}}" * len(groups)
    return [top.rstrip(), f"{label:<{width}} {cols}{tail}".rstrip()]


def acc_text(row: Row) -> str:
    if not row.get("total"):
        return "   -"
    return f"{fmt(row['accuracy'])} ({row['correct']}/{row['total']})"


def write_outputs(out: Path, prefix: str, rows: list[Row], meta: dict, errors: list[Row]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    columns = [c for c in ROW_COLUMNS if any(c in r for r in rows)]
    write_csv(out / f"{prefix}metrics.csv", rows, columns)
    payload = {**meta, "metrics": nest(rows)}
    (out / f"{prefix}metrics.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with (out / f"{prefix}errors.jsonl").open("w", encoding="utf-8") as handle:
        for error in errors:
            handle.write(json.dumps(error, ensure_ascii=False) + "\n")
    error_columns = list(errors[0]) if errors else ["report_id"]
    write_csv(out / f"{prefix}errors.csv", errors, error_columns)


def write_csv(path: Path, rows: list[Row], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
