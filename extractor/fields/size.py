"""Lesion size with unit, normalized to millimetres, kept only when it measures a lesion.

Parser: :func:`parse_size` turns "4.5 X 3.5 X 2.6 Cm", "16.4x12.4x19.4 cm", "4cm",
"32 x 15 x 14 mm", "3.0 by 2.6 cm", "3 cm x 2 cm" into a :class:`SizeValue`
(``dims_mm`` in the written order, ``max_mm``, ``unit``); :func:`parse_size_range`
handles "2- to 3-cm" (the upper bound). Units are converted to millimetres. The
normalized text already has "x" for the multiplication sign and plain spaces for
thin spaces. Patterns: ``rules/size_rules.json``; units are case-sensitive where case
matters, so concentrations ("27 mM", "mmol/L") never match, and "mm Hg" / "cm H2O"
(pressures) are not lengths.

Linking: every measurement is linked to what it measures and kept only when that
is a lesion (:mod:`extractor.fields.measured` documents the rules). Each kept mention
records the text of the head it measures (``measures``: "polyp" for "a 2 cm sessile
polyp") and what was measured (``measured_on``): "specimen" when the words
introducing it, or the rest of its clause (:func:`measurement_clause`), speak of the
resected/excised specimen, "biopsy" for cores and fragments, null for clinical and
imaging sizes.

A size that measures a pathological finding other than a mass (an effusion, a defect, a
tear, an enlarged lymph node: class pathology) is a size mention with
``measures_class = "pathology"``: it says how large that finding is, but it never fills a
lesion's size (summary and ``summary.lesions``).

A size introduced by a comparison ("(>5 cm)", "less than 1 cm") is a bound, not a
measurement: its mention records ``bound`` ("greater" / "less") and the summary skips it.

Summary rule: among patient-context size mentions that are not negated, hypothetical,
historical, bounds or pathology-class, the largest specimen measurement wins (pathology
measures the whole resected lesion); without one, the largest clinical/imaging size;
biopsy cores only when nothing else exists. ``size_dims_mm`` are its dims.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate, drop_overlaps
from extractor.fields.measured import PATHOLOGY_CLASSES, Link, Linker, sentence_span
from extractor.fields.scope import in_patient_context
from extractor.rules import Rule, load_rules
from extractor.schema import FieldName, Mention, SizeValue
from extractor.tokenizer import doc_text

_NUMBER_RE = re.compile(r"\d{1,4}(?:[.,]\d{1,3})?")
_UNIT_RE = re.compile(
    r"(?<![A-Za-z])(mm|cm|m|millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?)(?![A-Za-z])",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(r"\s*(?:x|\*|by|(?<=\d)/(?=\d))\s*", re.IGNORECASE)
#: a comparison right before a size makes it a bound, not a measurement ("(>5 cm)")
_BOUND_RE = re.compile(
    r"(?:(?P<greater>>|≥|\b(?:more|greater|larger|bigger)\s+than|\bover|\bexceeding|\bat\s+least)"
    r"|(?P<less><|≤|\b(?:less|smaller)\s+than|\bunder|\bbelow))\s*\(?\s*$",
    re.IGNORECASE,
)
_EXTRA_KEYS = frozenset({"kind"})
RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "size_rules.json"
OBJECTS_FILE = "measured_objects.csv"
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


def bound_before(text: str, start: int) -> str | None:
    """'greater' or 'less' when a comparison introduces the size at ``start``."""
    found = _BOUND_RE.search(text[max(0, start - 25) : start])
    if found is None:
        return None
    return "greater" if found.group("greater") else "less"


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
    return load_rules(RULES_PACKAGE, RULES_FILE, _EXTRA_KEYS)


def measured_on(sentence: str) -> str | None:
    """What a size in ``sentence`` measures: 'biopsy', 'specimen' or None."""
    if BIOPSY_RE.search(sentence):
        return "biopsy"
    if SPECIMEN_RE.search(sentence):
        return "specimen"
    return None


def _matches(text: str) -> list[tuple[int, int, SizeValue, str]]:
    found = []
    for rule in _rules():
        kind = rule.options.get("kind")
        for match in rule.finditer(text):  # literal test, first-character scan
            if kind == "range":
                value = parse_size_range(match.group("lo"), match.group("hi"), match.group("unit"))
            else:
                value = parse_size(match.group(0))
            if value is not None:
                found.append((match.start(), match.end(), value, rule.id))
    return drop_overlaps(found)


def link_sizes(text: str) -> list[tuple[int, int, SizeValue, str, Link]]:
    """Every length measurement of ``text`` with its :class:`Link`, kept or not."""
    found = _matches(text)
    linker = Linker(text, [(s, e) for s, e, _v, _r in found])
    return [(s, e, v, r, linker.link(s, e)) for s, e, v, r in found]


def link(text: str, start: int, end: int) -> Link:
    """What the measurement ``text[start:end]`` measures."""
    return Linker(text, [(s, e) for s, e, _v, _r in _matches(text)]).link(start, end)


def rejected_by(text: str, start: int, end: int) -> str | None:
    """Why the measurement ``text[start:end]`` is not a size mention ("size.not:<class>"),
    or None when it measures a lesion or another pathological finding."""
    found = link(text, start, end)
    return None if found.is_kept else f"size.not:{found.cls}"


def measurement_clause(text: str, start: int, end: int) -> str:
    """The words that introduce a measurement and the rest of its clause: its sentence
    up to the measurement, then on to the next comma or semicolon ("The resected tumour
    measured 4 cm" -> specimen; "a lesion (4 cm) underwent biopsy, ... and en bloc
    resection" -> the words after the comma are another clause)."""
    s_start, s_end = sentence_span(text, start)
    rest = re.search(r"[,;]", text[end:s_end])
    return text[s_start : end + rest.start() if rest else s_end]


def find_sizes(text: str) -> list[tuple[int, int, SizeValue, str]]:
    """(start, end, value, rule id) for every lesion size in ``text``; ``value.measures``
    is the text of the lesion it measures."""
    out = []
    for s, e, value, rule, found in link_sizes(text):
        if found.is_kept:
            value.measures = found.text
            value.measures_class = found.cls
            value.bound = bound_before(text, s)
            out.append((s, e, value, rule))
    return out


class SizeField(BaseField):
    name = FieldName.SIZE

    def find(self, doc: Doc) -> list[Candidate]:
        out = []
        text = doc_text(doc)
        for s, e, value, rule in find_sizes(text):
            if in_patient_context(doc, s):
                value.measured_on = measured_on(measurement_clause(text, s, e))
                out.append(Candidate(self.name, s, e, value.model_dump(), rule))
        return out

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        usable = [
            m
            for m in mentions
            if not (m.assertion.negated or m.assertion.hypothetical or m.assertion.historical)
            and not m.value.get("bound")
            and m.value.get("measures_class") not in PATHOLOGY_CLASSES
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
