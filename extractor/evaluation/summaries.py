"""Summary-level matching, one key at a time.

Rules (gold vs predicted summary of one report):

- scalar keys count one item when given: both given and equal -> TP; only gold -> FN;
  only predicted -> FP; both given but different -> FP and FN. Equality:
  ``age_years`` within 0.5 year, ``sex`` exact, ``size_max_mm`` within 1 mm,
  ``size_dims_mm`` same number of dimensions each within 1 mm (sorted), and
  ``final_diagnosis`` same ICD-O-3 code or same normalized name;
- list keys are matched one-to-one (each gold item to the first unused equal
  predicted item): ``levels`` as sets of level names; ``stains`` as sets of
  (normalized marker, result); ``sites`` by topography code or normalized name;
  ``differential_diagnoses`` by ICD-O-3 code or normalized name;
  ``negated_findings`` by normalized string, or leniently when the content tokens
  overlap (overlap coefficient >= 0.5, e.g. "necrosis" ~ "tumour necrosis").

A summary is wholly right when no key has a false positive or false negative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.evaluation.matching import close, close_lists, same_code_or_name
from extractor.evaluation.metrics import Counts
from extractor.evaluation.names import diagnosis_key, marker_key, norm_text, site_key, tokens

Equal = Callable[[Any, Any], bool]

_STOPWORDS = frozenset("a an and any of or the in on with to for no not".split())


@dataclass
class KeyResult:
    counts: Counts
    missed: list[Any] = field(default_factory=list)
    spurious: list[Any] = field(default_factory=list)


def match_scalar(gold: Any, pred: Any, equal: Equal) -> KeyResult:
    if gold in (None, []) and pred in (None, []):
        return KeyResult(Counts())
    if pred in (None, []):
        return KeyResult(Counts(fn=1), missed=[gold])
    if gold in (None, []):
        return KeyResult(Counts(fp=1), spurious=[pred])
    if equal(gold, pred):
        return KeyResult(Counts(tp=1))
    return KeyResult(Counts(fp=1, fn=1), missed=[gold], spurious=[pred])


def dedupe(items: Sequence[Any], key: Callable[[Any], Any]) -> list[Any]:
    seen: set[Any] = set()
    kept = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            kept.append(item)
    return kept


def match_items(gold: Sequence[Any], pred: Sequence[Any], equal: Equal) -> KeyResult:
    """One-to-one: each gold item takes the first unused predicted item equal to it."""
    used: set[int] = set()
    missed = []
    for g in gold:
        hit = next((i for i, p in enumerate(pred) if i not in used and equal(g, p)), None)
        if hit is None:
            missed.append(g)
        else:
            used.add(hit)
    spurious = [p for i, p in enumerate(pred) if i not in used]
    counts = Counts(tp=len(used), fp=len(spurious), fn=len(missed))
    return KeyResult(counts, missed, spurious)


def content_tokens(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in _STOPWORDS}


def findings_equal(gold: str, pred: str) -> bool:
    if norm_text(gold) == norm_text(pred):
        return True
    a, b = content_tokens(gold), content_tokens(pred)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= 0.5


def _diagnosis_equal(g: dict, p: dict) -> bool:
    return same_code_or_name(g, p, "icdo3", diagnosis_key)


def _site_equal(g: dict, p: dict) -> bool:
    return same_code_or_name(g, p, "icdo3_topography", site_key)


def _stain_key(item: dict) -> tuple[str, str]:
    return marker_key(item.get("marker", "")), str(item.get("result"))


def _as_list(value: Any) -> list:
    return [] if value is None else list(value)


def _sets(key: Callable[[Any], Any]) -> Callable[[Any, Any], KeyResult]:
    def compare(gold: Any, pred: Any) -> KeyResult:
        g, p = dedupe(_as_list(gold), key), dedupe(_as_list(pred), key)
        return match_items(g, p, lambda a, b: key(a) == key(b))

    return compare


def _items(equal: Equal) -> Callable[[Any, Any], KeyResult]:
    return lambda gold, pred: match_items(_as_list(gold), _as_list(pred), equal)


def _scalar(equal: Equal) -> Callable[[Any, Any], KeyResult]:
    return lambda gold, pred: match_scalar(gold, pred, equal)


#: summary key -> comparison of the gold and predicted values of that key
SUMMARY_RULES: dict[str, Callable[[Any, Any], KeyResult]] = {
    "age_years": _scalar(lambda g, p: close(g, p, 0.5)),
    "sex": _scalar(lambda g, p: g == p),
    "sites": _items(_site_equal),
    "levels": _sets(lambda level: level),
    "size_max_mm": _scalar(lambda g, p: close(g, p, 1.0)),
    "size_dims_mm": _scalar(lambda g, p: close_lists(g, p, 1.0)),
    "stains": _sets(_stain_key),
    "final_diagnosis": _scalar(_diagnosis_equal),
    "differential_diagnoses": _items(_diagnosis_equal),
    "negated_findings": _items(findings_equal),
}


def compare_summaries(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, KeyResult]:
    """Per-key results for one report (summaries as plain JSON dicts)."""
    return {key: rule(gold.get(key), pred.get(key)) for key, rule in SUMMARY_RULES.items()}


def summary_exact(results: dict[str, KeyResult]) -> bool:
    return all(r.counts.fp == 0 and r.counts.fn == 0 for r in results.values())
