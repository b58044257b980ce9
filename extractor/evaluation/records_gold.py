"""Record-level scoring against pages-style gold (one gold JSON per report).

A gold file holds what a registry row holds for the index patient and index lesion
(format: ``../shared/pages-dev/README.md``; reviewer corrections use the same format).
One record's ``summary`` is scored against it, one report = one row:

- ``age_years``: right within 0.5 year; ``sex``: equal; ``size_max_mm``: within 1 mm;
- ``levels``: sets of level names, each level one item (precision and recall);
- ``stains``: sets of (canonical marker, result), marker names compared through the
  marker vocabulary (S-100 protein = S100, MIB-1 = Ki-67, ...); focal, weak and
  diffuse results count as positive;
- ``final_diagnosis``: right when the ICD-O-3 morphology (4 digits) equals the gold
  ``icdo3`` or one of ``icdo3_alt``; when either side has no code, when the normalized
  predicted name and the gold ``name`` or one of ``name_alt`` contain one another
  (lower case, tumour = tumor, haem = hem, punctuation and the/of/a/an dropped).

A value predicted where the gold is null is a false positive, a gold value missed a
false negative, a wrong value both. Micro F1 pools every field; a report is entirely
right when no field has an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.evaluation.matching import close
from extractor.evaluation.metrics import Accuracy, Counts, micro
from extractor.evaluation.names import marker_key
from extractor.evaluation.summaries import KeyResult, dedupe, match_items, match_scalar
from extractor.evaluation.tables import accuracy_row, count_row, fmt

#: scored fields, in the order of the printed table
RECORD_FIELDS = ("age_years", "sex", "levels", "size_max_mm", "stains", "final_diagnosis")
_REQUIRED = ("id", *RECORD_FIELDS)
_POSITIVE = {"positive", "focal", "weak", "diffuse", "strong", "patchy", "moderate"}
_DROPPED_WORDS = frozenset({"the", "of", "a", "an"})
_SPELLING = ((re.compile(r"tumour"), "tumor"), (re.compile(r"haem"), "hem"))


class RecordsGoldError(ValueError):
    """A gold file cannot be read; the message names the file and the problem."""


def load_records_gold(folder: Path) -> dict[str, dict[str, Any]]:
    """Every ``*.json`` gold file of ``folder`` keyed by its ``id``."""
    golds: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecordsGoldError(f"{path}: not a JSON gold file: {exc}") from exc
        if not isinstance(gold, dict):
            raise RecordsGoldError(f"{path}: a gold file holds one JSON object")
        missing = [key for key in _REQUIRED if key not in gold]
        if missing:
            raise RecordsGoldError(f"{path}: missing keys {missing} (required: {list(_REQUIRED)})")
        if gold["id"] in golds:
            raise RecordsGoldError(f"{path}: id {gold['id']!r} is given by another file too")
        golds[str(gold["id"])] = gold
    return golds


# ---------------------------------------------------------------- comparisons


def diagnosis_name_key(name: str) -> str:
    """Lower case, tumour = tumor, haem = hem, punctuation and the/of/a/an dropped."""
    text = name.lower()
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in _DROPPED_WORDS)


def morphology(code: str | None) -> str | None:
    """The 4 morphology digits of an ICD-O-3 code ("9560/0" -> "9560")."""
    digits = re.match(r"\s*(\d{4})", code or "")
    return digits.group(1) if digits else None


def diagnosis_right(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    gold_codes = {morphology(c) for c in [gold.get("icdo3"), *(gold.get("icdo3_alt") or [])]}
    gold_codes.discard(None)
    pred_code = morphology(pred.get("icdo3"))
    if gold_codes and pred_code:
        return pred_code in gold_codes
    predicted = diagnosis_name_key(pred.get("name") or "")
    names = [gold.get("name") or "", *(gold.get("name_alt") or [])]
    keys = [diagnosis_name_key(n) for n in names if n]
    return bool(predicted) and any(k and (k in predicted or predicted in k) for k in keys)


def stain_key(stain: dict[str, Any]) -> tuple[str, str]:
    result = str(stain.get("result") or "").lower()
    return marker_key(str(stain.get("marker") or "")), (
        "positive" if result in _POSITIVE else result
    )


def _set_result(gold: list, pred: list, key: Any) -> KeyResult:
    g, p = dedupe(gold or [], key), dedupe(pred or [], key)
    return match_items(g, p, lambda a, b: key(a) == key(b))


def score_fields(gold: dict[str, Any], summary: dict[str, Any]) -> dict[str, KeyResult]:
    """Per-field results of one report (gold file vs the record's summary)."""
    fd_gold, fd_pred = gold.get("final_diagnosis"), summary.get("final_diagnosis")
    return {
        "age_years": match_scalar(
            gold.get("age_years"), summary.get("age_years"), lambda g, p: close(g, p, 0.5)
        ),
        "sex": match_scalar(gold.get("sex"), summary.get("sex"), lambda g, p: g == p),
        "levels": _set_result(gold.get("levels"), summary.get("levels"), lambda x: x),
        "size_max_mm": match_scalar(
            gold.get("size_max_mm"), summary.get("size_max_mm"), lambda g, p: close(g, p, 1.0)
        ),
        "stains": _set_result(gold.get("stains"), summary.get("stains"), stain_key),
        "final_diagnosis": match_scalar(fd_gold, fd_pred, diagnosis_right),
    }


# ---------------------------------------------------------------- a whole set


@dataclass
class RecordScores:
    counts: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in RECORD_FIELDS})
    reports: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        return micro(self.counts.values())


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _view(name: str, value: Any) -> Any:
    """The part of a value that is scored (a diagnosis by name and code)."""
    if name == "final_diagnosis" and value:
        return {k: value.get(k) for k in ("name", "icdo3") if value.get(k)}
    return value


def score_records(golds: dict[str, dict[str, Any]], summaries: dict[str, dict]) -> RecordScores:
    """Score every gold report; a report with no record is scored against an empty one."""
    scores = RecordScores()
    for report_id in sorted(golds):
        gold = golds[report_id]
        if report_id not in summaries:
            scores.missing.append(report_id)
        summary = summaries.get(report_id, {})
        results = score_fields(gold, summary)
        scores.reports.append(report_id)
        for name, result in results.items():
            scores.counts[name].add(result.counts)
            if result.counts.fp or result.counts.fn:
                scores.wrong.append(
                    {"report": report_id, "field": name,
                     "predicted": _view(name, summary.get(name)),
                     "gold": _view(name, gold.get(name))}
                )  # fmt: skip
        if all(not (r.counts.fp or r.counts.fn) for r in results.values()):
            scores.right.append(report_id)
    return scores


def records_table(scores: RecordScores) -> str:
    """Per-field P/R/F1, micro F1, share of reports right, one line per wrong field."""
    n = len(scores.reports)
    lines = [f"== records: {n} gold reports =="]
    if scores.missing:
        lines.append(f"missing from predictions: {', '.join(scores.missing)}")
    lines.append(f"{'field':<16} {'P':>4} {'R':>4} {'F1':>4}  {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, c in [*scores.counts.items(), ("micro", scores.micro)]:
        scores_text = f"{fmt(c.precision)} {fmt(c.recall)} {fmt(c.f1)}"
        lines.append(f"{name:<16} {scores_text}  {c.tp:>4} {c.fp:>4} {c.fn:>4}")
    share = len(scores.right) / n if n else 0.0
    lines.append(f"reports entirely right: {len(scores.right)}/{n} ({share:.0%})")
    lines.append("wrong fields (report, field, predicted, gold):")
    for w in scores.wrong:
        lines.append(
            f"  {w['report']}\t{w['field']}\t{_shown(w['predicted'])}\t{_shown(w['gold'])}"
        )
    return "\n".join(lines)


def records_rows(scores: RecordScores) -> list[dict[str, Any]]:
    named = [*scores.counts.items(), ("micro", scores.micro)]
    rows = [count_row("records", "record", "", name, c) for name, c in named]
    right = Accuracy(correct=len(scores.right), total=len(scores.reports))
    rows.append(accuracy_row("records", "record_exact", "reports", right))
    return rows
