"""The review rules (``review_rules.json`` beside this module), validated on load.

One rule per reason of :class:`extractor.schema.ReviewReason`, no more and no fewer:

- ``id``: the reason;
- ``description``: what the rule finds and why a person should read the value;
- ``fields``: the summary keys it may flag (of :data:`extractor.flags.evidence.REVIEW_KEYS`);
- ``params``: the rule's settings, exactly the keys of :data:`PARAMS` for its id, each
  of the type given there (a ``regex`` is compiled, case-insensitive);
- ``examples`` / ``counter_examples``: short reports, each ``{"text", "field"}``: the
  rule must flag ``field`` on every example and must not on any counter-example
  (checked by ``tests/test_flags.py`` through the whole pipeline).

Any problem raises :class:`~extractor.rules.RuleFileError` naming the file and the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from extractor.flags.evidence import REVIEW_KEYS
from extractor.rules import RuleFileError, read_json_resource
from extractor.schema import ReviewReason

RULE_FILE = "review_rules.json"
_KEYS = ("id", "description", "fields", "params", "examples", "counter_examples")

#: reason -> parameter name -> type ("number", "int", "bool", "names", "regex")
PARAMS: dict[ReviewReason, dict[str, str]] = {
    ReviewReason.CONFLICTING_CANDIDATES: {
        "age_tolerance_years": "number",
        "size_tolerance_mm": "number",
        "ignored_morphology": "names",
        "level_gap": "int",
    },
    ReviewReason.FALLBACK_SECTION: {"sections": "names"},
    ReviewReason.FUZZY_MATCH: {},
    ReviewReason.NO_HISTOLOGICAL_BASIS: {
        "non_histological": "names",
        "histology_sections": "names",
        "histology_cue": "regex",
        "coded_only": "bool",
    },
    ReviewReason.INDEX_LESION_AMBIGUOUS: {"decided_by": "names", "procedure_cue": "regex"},
    ReviewReason.MISSING_RESULT: {"staining_cue": "regex"},
    ReviewReason.MISSING_UNIT: {
        "unitless_dimension": "regex",
        "lesion_cue": "regex",
        "dimension_sign": "regex",
    },
    ReviewReason.ASSERTION_CUE_NEAR: {"assertions": "names"},
    ReviewReason.UNLISTED_NAME: {},
}


@dataclass(frozen=True)
class ReviewRule:
    reason: ReviewReason
    description: str
    fields: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    examples: tuple[dict[str, str], ...] = ()
    counter_examples: tuple[dict[str, str], ...] = ()


def _param(where: str, name: str, kind: str, value: Any) -> Any:
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "names" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    if kind == "regex" and isinstance(value, str):
        try:
            return re.compile(value, re.IGNORECASE)
        except re.error as exc:
            raise RuleFileError(f"{where}: param {name}: invalid regex: {exc}") from exc
    raise RuleFileError(f"{where}: param {name} must be of type {kind}, got {value!r}")


def _cases(where: str, key: str, raw: Any, fields: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    if not isinstance(raw, list):
        raise RuleFileError(f"{where}: {key} must be a list")
    for case in raw:
        if not isinstance(case, dict) or sorted(case) != ["field", "text"]:
            raise RuleFileError(f"{where}: each of {key} is an object with 'text' and 'field'")
        if case["field"] not in fields or not str(case["text"]).strip():
            raise RuleFileError(f"{where}: {key}: field {case['field']!r} not among the rule's")
    return tuple(raw)


def parse_rule(name: str, raw: Any) -> ReviewRule:
    rid = raw.get("id", "?") if isinstance(raw, dict) else "?"
    where = f"{name}: rule {rid}"
    if not isinstance(raw, dict) or sorted(raw) != sorted(_KEYS):
        raise RuleFileError(f"{where}: keys must be exactly {list(_KEYS)}")
    if rid not in set(ReviewReason):
        raise RuleFileError(f"{where}: id is not a reason of the schema: {sorted(ReviewReason)}")
    reason = ReviewReason(rid)
    fields = raw["fields"]
    if not isinstance(fields, list) or not fields or not set(fields) <= set(REVIEW_KEYS):
        raise RuleFileError(f"{where}: fields must be a non-empty list of {list(REVIEW_KEYS)}")
    if not isinstance(raw["description"], str) or not raw["description"].strip():
        raise RuleFileError(f"{where}: description must be a non-empty string")
    wanted, params = PARAMS[reason], raw["params"]
    if not isinstance(params, dict) or sorted(params) != sorted(wanted):
        raise RuleFileError(f"{where}: params must be exactly {sorted(wanted)}")
    examples = _cases(where, "examples", raw["examples"], tuple(fields))
    if not examples:
        raise RuleFileError(f"{where}: give at least one example")
    return ReviewRule(
        reason=reason,
        description=raw["description"],
        fields=tuple(fields),
        params={k: _param(where, k, kind, params[k]) for k, kind in wanted.items()},
        examples=examples,
        counter_examples=_cases(where, "counter_examples", raw["counter_examples"], tuple(fields)),
    )


def parse_review_rules(name: str, data: Any) -> dict[ReviewReason, ReviewRule]:
    """Validate the decoded rule file; every reason of the schema has exactly one rule."""
    if not isinstance(data, dict) or sorted(data) != ["description", "rules"]:
        raise RuleFileError(f"{name}: expected an object with 'description' and 'rules'")
    if not isinstance(data["rules"], list):
        raise RuleFileError(f"{name}: 'rules' must be a list")
    rules: dict[ReviewReason, ReviewRule] = {}
    for raw in data["rules"]:
        rule = parse_rule(name, raw)
        if rule.reason in rules:
            raise RuleFileError(f"{name}: rule {rule.reason}: duplicate id")
        rules[rule.reason] = rule
    missing = [str(r) for r in ReviewReason if r not in rules]
    if missing:
        raise RuleFileError(f"{name}: no rule for reasons {missing}")
    return {reason: rules[reason] for reason in ReviewReason}


@cache
def review_rules() -> dict[ReviewReason, ReviewRule]:
    return parse_review_rules(*read_json_resource("extractor.flags", RULE_FILE))
