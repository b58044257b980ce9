"""Lesion size with unit, normalized to millimetres.

Parser: :func:`parse_size` turns "4.5 X 3.5 X 2.6 Cm", "16.4x12.4x19.4 cm", "4cm",
"32 x 15 x 14 mm", "3.0 by 2.6 cm", "3 cm x 2 cm" into a :class:`SizeValue`
(``dims_mm`` in the written order, ``max_mm``, ``unit``); :func:`parse_size_range`
handles "2- to 3-cm" (the upper bound). Units are converted to millimetres. The
normalized text already has "x" for the multiplication sign and plain spaces for
thin spaces. Rules: ``rules/size_rules.json``.

Each mention records what was measured (``measured_on``): "specimen" when its
sentence speaks of the resected/excised specimen, "biopsy" for cores and fragments,
null for clinical and imaging sizes.

Summary rule: among patient-context size mentions that are not negated, hypothetical
or historical, the largest specimen measurement wins (pathology measures the whole
resected lesion); without one, the largest clinical/imaging size; biopsy cores only
when nothing else exists. ``size_dims_mm`` are its dims.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate, drop_overlaps
from extractor.fields.scope import in_patient_context, sentence_text
from extractor.rules import Rule, load_rules
from extractor.schema import FieldName, Mention, SizeValue
from extractor.tokenizer import doc_text

_NUMBER_RE = re.compile(r"\d{1,4}(?:[.,]\d{1,3})?")
_UNIT_RE = re.compile(
    r"(?<![A-Za-z])(mm|cm|m|millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?)(?![A-Za-z])",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(r"\s*(?:x|\*|by)\s*", re.IGNORECASE)
_EXTRA_KEYS = frozenset({"kind", "scope", "target"})
SPECIMEN_RE = re.compile(
    r"\b(?:resected|excised|excision specimen|specimen|gross(?:ly)?|en bloc|surgical(?:ly)? "
    r"removed|removed (?:tumou?r|mass|lesion))\b",
    re.IGNORECASE,
)
BIOPSY_RE = re.compile(r"\b(?:cores?|fragments?|chips?|curettings?)\b", re.IGNORECASE)
#: millimetres per unit; ``tests/test_size.py`` checks the factors against pint's
#: default unit registry (importing pint at run time cost ~0.26 s of pipeline load)
MM_PER_UNIT: dict[str, float] = {"mm": 1.0, "cm": 10.0, "m": 1000.0}


def mm_per(unit: str) -> float:
    """Millimetres in one ``unit`` ('mm', 'cm', 'm')."""
    return MM_PER_UNIT[unit]


def canonical_unit(unit: str) -> str:
    u = unit.lower()
    if u.startswith("milli"):
        return "mm"
    if u.startswith("centi"):
        return "cm"
    if u.startswith("met"):
        return "m"
    return u


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_size(text: str) -> SizeValue | None:
    """'4.5 X 3.5 X 2.6 Cm' -> dims_mm [45, 35, 26]; None when not a 1-3-D size."""
    parts = _SEPARATOR_RE.split(text.strip())
    if not 1 <= len(parts) <= 3:
        return None
    numbers: list[float] = []
    units: list[str | None] = []
    for part in parts:
        number = _NUMBER_RE.match(part.strip())
        if not number:
            return None
        numbers.append(_number(number.group(0)))
        unit = _UNIT_RE.search(part, number.end())
        units.append(canonical_unit(unit.group(1)) if unit else None)
    if units[-1] is None:
        return None
    resolved = [u or units[-1] for u in units]
    dims = [round(n * mm_per(u), 3) for n, u in zip(numbers, resolved, strict=True)]
    if not all(d > 0 for d in dims):
        return None
    return SizeValue(dims_mm=dims, max_mm=max(dims), unit=units[-1])


def parse_size_range(low: str, high: str, unit: str) -> SizeValue | None:
    """'2- to 3-cm' -> the upper bound, 30 mm."""
    lo, hi = _number(low), _number(high)
    if hi <= lo:
        return None
    u = canonical_unit(unit)
    size = round(hi * mm_per(u), 3)
    return SizeValue(dims_mm=[size], max_mm=size, unit=u)


def _rules() -> list[Rule]:
    return load_rules("extractor.fields.rules", "size_rules.json", _EXTRA_KEYS)


def measured_on(sentence: str) -> str | None:
    """What a size in ``sentence`` measures: 'biopsy', 'specimen' or None."""
    if BIOPSY_RE.search(sentence):
        return "biopsy"
    if SPECIMEN_RE.search(sentence):
        return "specimen"
    return None


def rejected_by(text: str, start: int, end: int) -> str | None:
    before, after = text[max(0, start - 40) : start], text[end : end + 40]
    for rule in _rules():
        if rule.options.get("kind") != "reject":
            continue
        if rule.regex.search(after if rule.options.get("scope") == "after" else before):
            return rule.id
    return None


def find_sizes(text: str) -> list[tuple[int, int, SizeValue, str]]:
    """(start, end, value, rule id) for every accepted size in ``text``."""
    found = []
    for rule in _rules():
        kind = rule.options.get("kind")
        if kind == "reject":
            continue
        for match in rule.regex.finditer(text):
            if kind == "range":
                value = parse_size_range(match.group("lo"), match.group("hi"), match.group("unit"))
            else:
                value = parse_size(match.group(0))
            if value is None or rejected_by(text, match.start(), match.end()):
                continue
            found.append((match.start(), match.end(), value, rule.id))
    return drop_overlaps(found)


class SizeField(BaseField):
    name = FieldName.SIZE

    def find(self, doc: Doc) -> list[Candidate]:
        out = []
        for s, e, value, rule in find_sizes(doc_text(doc)):
            if in_patient_context(doc, s):
                value.measured_on = measured_on(sentence_text(doc, s))
                out.append(Candidate(self.name, s, e, value.model_dump(), rule))
        return out

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        usable = [
            m
            for m in mentions
            if not (m.assertion.negated or m.assertion.hypothetical or m.assertion.historical)
        ]
        on = [m.value.get("measured_on") for m in usable]
        specimen = [m for m, o in zip(usable, on, strict=True) if o == "specimen"]
        clinical = [m for m, o in zip(usable, on, strict=True) if o is None]
        pool = specimen or clinical or usable
        if not pool:
            return {"size_max_mm": None, "size_dims_mm": []}
        best = max(pool, key=lambda m: m.value["max_mm"])
        return {"size_max_mm": best.value["max_mm"], "size_dims_mm": best.value["dims_mm"]}


EXTRACTOR = SizeField()
