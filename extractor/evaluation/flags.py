"""How honest the review flags are: per field and overall, on any gold set.

A *value* is one predicted item: a scalar key when given, one item of a list key
(a level, a stain, a site). A value is *flagged* when its key has at least one review
flag in ``summary.review`` (a flag on a list key flags all its items). Per field:

- ``values``, ``flagged`` and the share flagged;
- the precision of the unflagged values (``tp / (tp + fp)`` over unflagged keys, by the
  set's own comparison rules) — the number a registrar trusts when reading only the
  flagged values;
- ``errors caught``: wrong values that were flagged, of all wrong values;
- ``misses flagged``: gold values the record missed whose key was flagged (a flag
  such as ``missing_result`` points at a value that is not there), of all misses;

and the share of reports with ``summary.needs_review``. The comparisons are each
set's own: pages-style record gold (:func:`~extractor.evaluation.records_gold.score_fields`),
the corpus summary gold (:func:`~extractor.evaluation.summaries.compare_summaries`),
and, on a brat corpus, age, sex and size grounded in the gold spans
(:func:`brat_results`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.evaluation.metrics import Counts, ratio
from extractor.evaluation.tables import Row, fmt, write_csv
from extractor.schema import Record


@dataclass
class FlagCounts:
    values: int = 0
    flagged: int = 0
    unflagged: Counts = field(default_factory=Counts)
    #: wrong values (false positives) that were flagged / all wrong values
    caught: int = 0
    wrong: int = 0
    #: gold values missed (false negatives) in flagged keys / all missed values
    missed_flagged: int = 0
    missed: int = 0

    def add(self, tp: int, fp: int, flagged: bool, fn: int = 0) -> None:
        self.values += tp + fp
        self.wrong += fp
        self.missed += fn
        if flagged:
            self.flagged += tp + fp
            self.caught += fp
            self.missed_flagged += fn
        else:
            self.unflagged.add(Counts(tp=tp, fp=fp))

    def merge(self, other: FlagCounts) -> None:
        self.values += other.values
        self.flagged += other.flagged
        self.unflagged.add(other.unflagged)
        self.caught += other.caught
        self.wrong += other.wrong
        self.missed_flagged += other.missed_flagged
        self.missed += other.missed

    @property
    def share_flagged(self) -> float | None:
        return ratio(self.flagged, self.values)


@dataclass
class FlagScores:
    name: str
    fields: dict[str, FlagCounts] = field(default_factory=dict)
    reports: int = 0
    flagged_reports: int = 0
    #: reason -> reports with at least one flag of that reason
    reasons: Counter[str] = field(default_factory=Counter)

    def add_report(self, record: Record | None, results: dict[str, tuple[int, ...]]) -> None:
        """``results``: field -> (tp, fp) or (tp, fp, fn) of one report's values."""
        review = record.summary.review if record else {}
        self.reports += 1
        if record is not None and record.summary.needs_review:
            self.flagged_reports += 1
        if record is not None:
            reasons = {f.reason for flags in review.values() for f in flags}
            reasons |= {f.reason for lesion in record.summary.lesions for f in lesion.review}
            self.reasons.update(str(r) for r in reasons)
        for name, (tp, fp, *fn) in results.items():
            counts = self.fields.setdefault(name, FlagCounts())
            counts.add(tp, fp, bool(review.get(name)), sum(fn))

    @property
    def overall(self) -> FlagCounts:
        total = FlagCounts()
        for counts in self.fields.values():
            total.merge(counts)
        return total


def _pct(num: int, den: int) -> str:
    return f"{num / den:.0%}" if den else "-"


def flag_table(scores: FlagScores) -> str:
    head = f"== review flags: {scores.name}, {scores.reports} reports =="
    lines = [
        head,
        f"{'field':<24}{'values':>7} {'flagged':>12}  {'unflagged P':>11} (tp/fp)  "
        "errors caught  misses flagged",
    ]
    for name, c in [*scores.fields.items(), ("overall", scores.overall)]:
        flagged = f"{c.flagged} ({_pct(c.flagged, c.values)})"
        p = c.unflagged
        lines.append(
            f"{name:<24}{c.values:>7} {flagged:>12}  {fmt(p.precision):>11} ({p.tp}/{p.fp})"
            f"  {f'{c.caught}/{c.wrong}':>13}  {c.missed_flagged}/{c.missed}"
        )
    share = _pct(scores.flagged_reports, scores.reports)
    lines.append(f"reports flagged: {scores.flagged_reports}/{scores.reports} ({share})")
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(scores.reasons.items()))
    lines.append(f"reports per reason: {reasons or '-'}")
    return "\n".join(lines)


FLAG_COLUMNS = (
    "set", "field", "values", "flagged", "share_flagged", "unflagged_tp", "unflagged_fp",
    "unflagged_precision", "errors_caught", "errors", "misses_flagged", "misses",
)  # fmt: skip


def flag_rows(scores: FlagScores) -> list[Row]:
    """One row per field, ``overall``, and ``reports`` (values = reports there)."""
    rows: list[Row] = []
    for name, c in [*scores.fields.items(), ("overall", scores.overall)]:
        p = c.unflagged
        rows.append(
            {"set": scores.name, "field": name, "values": c.values, "flagged": c.flagged,
             "share_flagged": c.share_flagged, "unflagged_tp": p.tp, "unflagged_fp": p.fp,
             "unflagged_precision": p.precision, "errors_caught": c.caught, "errors": c.wrong,
             "misses_flagged": c.missed_flagged, "misses": c.missed}
        )  # fmt: skip
    rows.append(
        {"set": scores.name, "field": "reports", "values": scores.reports,
         "flagged": scores.flagged_reports,
         "share_flagged": ratio(scores.flagged_reports, scores.reports)}
    )  # fmt: skip
    return rows


def write_flag_rows(out: Path, prefix: str, rows: list[Row]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / f"{prefix}flags.csv", rows, list(FLAG_COLUMNS))


def counts_of(results: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """field -> (tp, fp, fn) from per-field results that carry ``.counts``."""
    return {name: (r.counts.tp, r.counts.fp, r.counts.fn) for name, r in results.items()}


def score_flags(
    name: str, reports: Iterable[tuple[Record | None, dict[str, tuple[int, ...]]]]
) -> FlagScores:
    scores = FlagScores(name)
    for record, results in reports:
        scores.add_report(record, results)
    return scores


#: summary key -> brat span item whose gold spans ground it
BRAT_FIELDS = {"age_years": "age", "sex": "sex", "size_max_mm": "size"}


def brat_results(ann: Any, record: Record) -> dict[str, tuple[int, int]]:
    """Age, sex and size of a brat document: a summary value is right when one of the
    mentions that support it overlaps a gold span of its item (the MACCROBAT gold marks
    spans, not a patient's values; a value the gold leaves unmarked counts as wrong)."""
    from extractor.evaluation.brat import gold_spans
    from extractor.flags import evidence

    support = evidence(record)
    out: dict[str, tuple[int, int]] = {}
    for key, item in BRAT_FIELDS.items():
        if getattr(record.summary, key) is None:
            continue
        gold = gold_spans(ann, item)
        mentions = [record.mentions[i] for i in support[key]]
        ok = any(m.start < t.end and t.start < m.end for m in mentions for t in gold)
        out[key] = (1, 0) if ok else (0, 1)
    return out
