"""Span matching (strict / lenient) and field-aware value comparison.

Span schemes (the same as nervaluate's ``strict`` and ``ent_type`` schemes, but
one-to-one and returning the matched pairs so values and errors can be inspected):

- ``strict``: same field, identical ``[start, end)``;
- ``lenient``: same field, overlapping spans. Each gold span matches at most one
  predicted span and vice versa; pairs are chosen greedily, exact matches first,
  then the largest overlap, then the closest boundaries, then text order.

Spans are always compared within one field (callers group by field).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from extractor.evaluation.metrics import Counts
from extractor.evaluation.names import diagnosis_key, marker_key, site_key
from extractor.schema import ASSERTION_FLAGS  # noqa: F401 - re-exported for scoring

Scheme = Literal["strict", "lenient"]
SCHEMES: tuple[Scheme, ...] = ("strict", "lenient")

Span = tuple[int, int]


@dataclass
class SpanMatch:
    """Matched (gold index, pred index) pairs and the unmatched indices of each side."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    spurious: list[int] = field(default_factory=list)

    def counts(self) -> Counts:
        return Counts(tp=len(self.pairs), fp=len(self.spurious), fn=len(self.missed))


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _candidate_pairs(gold: Sequence[Span], pred: Sequence[Span], scheme: Scheme) -> list:
    ranked = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            exact = g == p
            if exact or (scheme == "lenient" and overlap(g, p) > 0):
                distance = abs(g[0] - p[0]) + abs(g[1] - p[1])
                ranked.append(((not exact, -overlap(g, p), distance, gi, pi), gi, pi))
    ranked.sort()
    return ranked


def match_spans(gold: Sequence[Span], pred: Sequence[Span], scheme: Scheme) -> SpanMatch:
    """One-to-one matching of gold and predicted spans of one field."""
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    result = SpanMatch()
    for _key, gi, pi in _candidate_pairs(gold, pred, scheme):
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        result.pairs.append((gi, pi))
    result.pairs.sort()
    result.missed = [i for i in range(len(gold)) if i not in used_gold]
    result.spurious = [i for i in range(len(pred)) if i not in used_pred]
    return result


# ---------------------------------------------------------------- values

Value = dict[str, Any]


def close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tolerance


def close_lists(a: Sequence[float], b: Sequence[float], tolerance: float) -> bool:
    """Same length and element-wise within ``tolerance`` (both sorted descending)."""
    if len(a) != len(b):
        return False
    pairs = zip(sorted(a, reverse=True), sorted(b, reverse=True), strict=True)
    return all(close(x, y, tolerance) for x, y in pairs)


def same_code_or_name(
    gold: Value, pred: Value, code_key: str, name_of: Callable[[str], str]
) -> bool:
    """Codes equal when both are given, else normalized names equal."""
    g_code, p_code = gold.get(code_key), pred.get(code_key)
    if g_code and p_code and g_code == p_code:
        return True
    g_name, p_name = gold.get("name"), pred.get("name")
    return bool(g_name and p_name and name_of(g_name) == name_of(p_name))


def _age(gold: Value, pred: Value) -> bool:
    if gold.get("years") is None and pred.get("years") is None:
        return gold.get("decade") == pred.get("decade")
    return close(gold.get("years"), pred.get("years"), 0.01)


def _sex(gold: Value, pred: Value) -> bool:
    return gold.get("sex") == pred.get("sex")


def _size(gold: Value, pred: Value) -> bool:
    return close_lists(gold.get("dims_mm") or [], pred.get("dims_mm") or [], 0.5)


def _level(gold: Value, pred: Value) -> bool:
    return list(gold.get("levels") or []) == list(pred.get("levels") or [])


def _stain(gold: Value, pred: Value) -> bool:
    same_marker = marker_key(gold.get("marker", "")) == marker_key(pred.get("marker", ""))
    return same_marker and gold.get("result") == pred.get("result")


def _diagnosis(gold: Value, pred: Value) -> bool:
    same = same_code_or_name(gold, pred, "icdo3", diagnosis_key)
    return same and gold.get("role") == pred.get("role")


def _site(gold: Value, pred: Value) -> bool:
    same = same_code_or_name(gold, pred, "icdo3_topography", site_key)
    return same and gold.get("laterality") == pred.get("laterality")


#: field -> comparison of a gold and a predicted value object (documented above each)
VALUE_AGREES: dict[str, Callable[[Value, Value], bool]] = {
    "age": _age,
    "sex": _sex,
    "size": _size,
    "level": _level,
    "stain": _stain,
    "diagnosis": _diagnosis,
    "site": _site,
}


def value_agrees(field_name: str, gold: Value, pred: Value) -> bool:
    """Field-aware equality of normalized values (unknown fields: exact equality)."""
    compare = VALUE_AGREES.get(field_name)
    return compare(gold, pred) if compare else gold == pred
