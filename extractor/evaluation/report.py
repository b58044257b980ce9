"""``python -m extractor evaluate``: load, score, print a table, write CSV/JSON/errors.

Two modes, which may be combined:

- ``--gold DIR --pred records.jsonl``: score records against gold files (real and
  synthetic reports always reported apart; see :mod:`extractor.evaluation.scoring`);
- ``--records-gold DIR --pred records.jsonl``: score each record's summary against
  record-level gold in the pages-dev format (see
  :mod:`extractor.evaluation.records_gold`);
- ``--brat DIR``: run the extractor on a brat corpus in MACCROBAT conventions and
  score it (see :mod:`extractor.evaluation.brat`).

With ``--out DIR`` the gold mode writes ``metrics.csv``, ``metrics.json``,
``errors.jsonl`` and ``errors.csv``; the brat mode writes the same files prefixed
``brat_``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from extractor.evaluation.flags import (
    FlagScores,
    counts_of,
    flag_rows,
    flag_table,
    score_flags,
    write_flag_rows,
)
from extractor.evaluation.gold import GoldDocument, GoldError, load_gold
from extractor.evaluation.metrics import Accuracy, Counts, macro, micro
from extractor.evaluation.records_gold import (
    RecordsGoldError,
    load_records_gold,
    records_rows,
    records_table,
    score_fields,
    score_records,
)
from extractor.evaluation.scoring import FIELDS, GROUPS, Scores, evaluate
from extractor.evaluation.summaries import compare_summaries
from extractor.evaluation.tables import (
    Row,
    acc_text,
    accuracy_row,
    count_row,
    prf,
    prf_header,
    write_outputs,
)
from extractor.export import RecordsFileError, read_records
from extractor.schema import Record

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class RecordsError(ValueError):
    """The predictions file cannot be read as records."""


def load_records(path: Path) -> dict[str, Record]:
    """Records JSONL (from ``run``) keyed by report id; a bad line fails naming it."""
    try:
        return {record.report_id: record for record in read_records(path)}
    except RecordsFileError as exc:
        raise RecordsError(str(exc)) from exc


# ---------------------------------------------------------------- rows


def averaged_rows(group: str, level: str, scheme: str, counts: dict[str, Counts]) -> list[Row]:
    """One row per item, then pooled (micro) and unweighted mean (macro) rows."""
    rows = [count_row(group, level, scheme, name, c) for name, c in counts.items()]
    rows.append(count_row(group, level, scheme, "micro", micro(counts.values())))
    supported = [c for c in counts.values() if c.tp + c.fp + c.fn]
    rows.append(
        {"group": group, "level": level, "scheme": scheme, "name": "macro", **macro(supported)}
    )
    return rows


def group_rows(group: str, scores: Scores) -> list[Row]:
    rows: list[Row] = []
    for scheme, counts in scores.mentions.items():
        rows += averaged_rows(group, "mention", scheme, counts)
    values = {f: scores.values[f] for f in FIELDS if f in scores.values}
    rows += [accuracy_row(group, "mention_value", f, acc) for f, acc in values.items()]
    pooled = Accuracy()
    for acc in values.values():
        pooled.merge(acc)
    rows.append(accuracy_row(group, "mention_value", "micro", pooled))
    rows += [accuracy_row(group, "mention_assertion", f, a) for f, a in scores.assertions.items()]
    rows.append(count_row(group, "section_heading", "lenient", "heading", scores.headings))
    rows.append(accuracy_row(group, "section_label", "matched_headings", scores.heading_labels))
    rows.append(accuracy_row(group, "section_boundary", "characters", scores.boundary))
    rows += averaged_rows(group, "summary", "", scores.summary)
    rows.append(accuracy_row(group, "summary_exact", "reports", scores.summary_exact))
    return rows


# ---------------------------------------------------------------- printing


def _find(rows: list[Row], level: str, name: str, scheme: str = "") -> Row:
    match = (r for r in rows if (r["level"], r["name"], r["scheme"]) == (level, name, scheme))
    return next(match, {})


def mention_table(rows: list[Row]) -> list[str]:
    lines = prf_header("mentions", 12, ("strict", "lenient"), f"{'gold':>5} {'pred':>5}  value acc")
    for name in (*FIELDS, "micro", "macro"):
        strict = _find(rows, "mention", name, "strict")
        lenient = _find(rows, "mention", name, "lenient")
        gold = lenient.get("tp", 0) + lenient.get("fn", 0) if name != "macro" else ""
        pred = lenient.get("tp", 0) + lenient.get("fp", 0) if name != "macro" else ""
        value = acc_text(_find(rows, "mention_value", name)) if name != "macro" else ""
        lines.append(f"{name:<12} {prf(strict):<16}{prf(lenient):<16}{gold:>5} {pred:>5}  {value}")
    return lines


def assertion_line(rows: list[Row]) -> str:
    parts = [f"{r['name']} {acc_text(r)}" for r in rows if r["level"] == "mention_assertion"]
    return "assertions (lenient pairs): " + ("; ".join(parts) if parts else "-")


def section_lines(rows: list[Row]) -> list[str]:
    heading = _find(rows, "section_heading", "heading", "lenient")
    return [
        f"section headings P R F1: {prf(heading)}  (gold {heading['tp'] + heading['fn']}, "
        f"pred {heading['tp'] + heading['fp']})",
        f"heading label accuracy: {acc_text(_find(rows, 'section_label', 'matched_headings'))}",
        f"boundary agreement (chars): {acc_text(_find(rows, 'section_boundary', 'characters'))}",
    ]


def summary_table(rows: list[Row]) -> list[str]:
    lines = prf_header("summary key", 24, ("",), f"{'tp':>4} {'fp':>4} {'fn':>4}")[1:]
    for row in (r for r in rows if r["level"] == "summary"):
        counts = (row.get(k, "") for k in ("tp", "fp", "fn"))
        lines.append(f"{row['name']:<24} {prf(row):<16}" + " ".join(f"{c:>4}" for c in counts))
    lines.append(f"whole summary right: {acc_text(_find(rows, 'summary_exact', 'reports'))}")
    return lines


def group_text(group: str, scores: Scores, rows: list[Row]) -> str:
    head = f"== {group}: {len(scores.reports)} gold reports"
    if scores.missing:
        head += f", {len(scores.missing)} missing from predictions: {', '.join(scores.missing)}"
    body = [head + " =="]
    if scores.changed:
        body.append(f"WARNING: text differs from gold (sha256) for: {', '.join(scores.changed)}")
    body += mention_table(rows) + [assertion_line(rows)] + section_lines(rows)
    body += summary_table(rows)
    return "\n".join(body)


def gold_flag_scores(
    group: str, docs: list[GoldDocument], records: dict[str, Record]
) -> FlagScores:
    """Review-flag scores of one group of corpus gold (reports with a gold summary)."""
    reports = []
    for doc in docs:
        if doc.summary is None:
            continue
        record = records.get(doc.report_id)
        pred = record.summary.model_dump(mode="json") if record else {}
        reports.append(
            (record, counts_of(compare_summaries(doc.summary.model_dump(mode="json"), pred)))
        )
    return score_flags(f"corpus {group}", reports)


# ---------------------------------------------------------------- commands


def _usage(message: str) -> int:
    print(f"evaluate: {message}", file=sys.stderr)
    return EXIT_USAGE


def evaluate_gold(gold: Path, pred: Path, out: Path | None) -> int:
    golds = load_gold(gold)
    if not golds:
        return _usage(f"no gold files (*.json, synthetic/*.json) in {gold}")
    records = load_records(pred)
    by_group = evaluate(golds, records)
    rows: list[Row] = []
    flags: list[Row] = []
    for group in GROUPS:
        scores = by_group[group]
        if not scores.reports:
            print(f"== {group}: no gold reports ==")
            continue
        group_rows_ = group_rows(group, scores)
        rows += group_rows_
        print(group_text(group, scores, group_rows_) + "\n")
        flag_scores = gold_flag_scores(group, [d for d in golds if d.group == group], records)
        flags += flag_rows(flag_scores)
        print(flag_table(flag_scores) + "\n")
    if out is not None:
        meta = {
            "gold": str(gold),
            "pred": str(pred),
            "reports": {g: by_group[g].reports for g in GROUPS},
            "missing_reports": {g: by_group[g].missing for g in GROUPS},
            "changed_reports": {g: by_group[g].changed for g in GROUPS},
        }
        errors = [e for g in GROUPS for e in by_group[g].errors]
        write_outputs(out, "", rows, meta, errors)
        write_flag_rows(out, "", flags)
        print(f"wrote {out}/metrics.csv, metrics.json, errors.jsonl, errors.csv", file=sys.stderr)
    return EXIT_OK


def evaluate_records_gold(gold: Path, pred: Path, out: Path | None) -> int:
    golds = load_records_gold(gold)
    if not golds:
        return _usage(f"no gold files (*.json) in {gold}")
    records = load_records(pred)
    summaries = {rid: r.summary.model_dump(mode="json") for rid, r in records.items()}
    scores = score_records(golds, summaries)
    print(records_table(scores) + "\n")
    flag_scores = score_flags(
        f"records {gold.name}",
        (
            (records.get(rid), counts_of(score_fields(g, summaries.get(rid, {}))))
            for rid, g in sorted(golds.items())
        ),
    )
    print(flag_table(flag_scores) + "\n")
    if out is not None:
        meta = {"records_gold": str(gold), "pred": str(pred), "right": scores.right}
        write_outputs(out, "records_", records_rows(scores), meta, scores.wrong)
        write_flag_rows(out, "records_", flag_rows(flag_scores))
        print(f"wrote {out}/records_metrics.csv, records_errors.jsonl", file=sys.stderr)
    return EXIT_OK


def evaluate_command(
    gold: Path | None,
    pred: Path | None,
    out: Path | None,
    brat: Path | None,
    records_gold: Path | None = None,
) -> int:
    """Entry point of ``python -m extractor evaluate``; returns the exit code."""
    if brat is None and pred is None:
        return _usage(
            "give --gold DIR or --records-gold DIR with --pred records.jsonl, or --brat DIR"
        )
    if pred is not None and gold is None and records_gold is None:
        return _usage("--pred needs --gold DIR or --records-gold DIR")
    if (gold is not None or records_gold is not None) and pred is None:
        return _usage("--gold and --records-gold need --pred records.jsonl")
    for path, is_dir in ((gold, True), (pred, False), (brat, True), (records_gold, True)):
        if path is not None and not (path.is_dir() if is_dir else path.is_file()):
            return _usage(f"{path} is not an existing {'folder' if is_dir else 'file'}")
    status = EXIT_OK
    try:
        if gold is not None and pred is not None:
            status = max(status, evaluate_gold(gold, pred, out))
        if records_gold is not None and pred is not None:
            status = max(status, evaluate_records_gold(records_gold, pred, out))
    except (GoldError, RecordsError, RecordsGoldError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if brat is not None:
        from extractor.evaluation.brat import evaluate_brat

        status = max(status, evaluate_brat(brat, out))
    return status
