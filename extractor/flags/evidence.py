"""Which mentions gave each summary value: the *source group* of a summary key (the
patient sections, or the fallback section that gave it) and, inside it, the mentions
that agree with the value (its *evidence*) or disagree with it (its *rivals*).

Recomputed from a record alone, with the same rules as :mod:`extractor.summary`:
mentions attached to a lesion other than the index lesion (``summary.lesions[1:]``)
never count, the patient sections come first, then each fallback section in order,
and a field module's ``summarize`` decides whether a group gives the key a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.schema import (
    FALLBACK_SECTIONS,
    SECTION_KINDS,
    FieldName,
    Mention,
    Record,
    SectionKind,
    Summary,
)
from extractor.summary import Summaries, summarize_group

#: summary key -> the field whose mentions give it
KEY_FIELDS: dict[str, FieldName] = {
    "age_years": FieldName.AGE,
    "sex": FieldName.SEX,
    "sites": FieldName.SITE,
    "levels": FieldName.LEVEL,
    "size_max_mm": FieldName.SIZE,
    "size_dims_mm": FieldName.SIZE,
    "stains": FieldName.STAIN,
    "final_diagnosis": FieldName.DIAGNOSIS,
    "differential_diagnoses": FieldName.DIAGNOSIS,
}
#: every summary key that gets a review list (``lesions`` has one per lesion)
REVIEW_KEYS: tuple[str, ...] = (*KEY_FIELDS, "negated_findings")
PATIENT = "patient"


def given(value: Any) -> bool:
    return value not in (None, [], {})


@dataclass
class Source:
    """Where a summary key's value came from."""

    key: str
    #: ``patient`` or the fallback section label that gave the value; None: no value
    group: str | None = None
    #: indices of the group's mentions of the key's field
    members: list[int] = field(default_factory=list)
    #: indices of the members that agree with the value
    evidence: list[int] = field(default_factory=list)


def index_mentions(record: Record) -> set[int]:
    """Indices of mentions that may fill the flat keys (not attached to another lesion)."""
    elsewhere = {i for lesion in record.summary.lesions[1:] for i in lesion.mentions}
    return set(range(len(record.mentions))) - elsewhere


def _no_groups() -> list[tuple[str, list[int]]]:
    return [(label, []) for label in (PATIENT, *FALLBACK_SECTIONS)]


def field_groups(record: Record, allowed: set[int]) -> dict[str, list[tuple[str, list[int]]]]:
    """Field -> (group label, mention indices) in order of preference, for every field
    with a mention at ``allowed`` (one pass over the mentions)."""
    slot = {label: k for k, label in enumerate(FALLBACK_SECTIONS, start=1)}
    out: dict[str, list[tuple[str, list[int]]]] = {}
    for i in sorted(allowed):
        m = record.mentions[i]
        found = out.get(m.field)
        if found is None:
            found = out[m.field] = _no_groups()
        if SECTION_KINDS.get(m.section) == SectionKind.PATIENT:
            found[0][1].append(i)
        k = slot.get(m.section)
        if k is not None:
            found[k][1].append(i)
    return out


# ---------------------------------------------------------------- agreement


def _final_agrees(m: Mention, s: Summary) -> bool:
    final = s.final_diagnosis
    if final is None:
        return False
    code = (final.icdo3 or "")[:4]
    return (
        m.value.get("name") == final.name or bool(code) and (m.value.get("icdo3") or "")[:4] == code
    )


AGREES: dict[str, Callable[[Mention, Summary], bool]] = {
    "age_years": lambda m, s: (
        m.value.get("years") is not None
        and s.age_years is not None
        and abs(m.value["years"] - s.age_years) <= 0.5
    ),
    "sex": lambda m, s: m.value.get("sex") == s.sex,
    "sites": lambda m, s: m.value.get("name") in {x.name for x in s.sites},
    "levels": lambda m, s: bool(set(m.value.get("levels") or []) & set(s.levels)),
    "size_max_mm": lambda m, s: m.value.get("max_mm") == s.size_max_mm,
    "size_dims_mm": lambda m, s: m.value.get("max_mm") == s.size_max_mm,
    "stains": lambda m, s: m.value.get("marker") in {x.marker for x in s.stains},
    "final_diagnosis": _final_agrees,
    "differential_diagnoses": lambda m, s: (
        m.value.get("role") == "differential"
        and m.value.get("name") in {d.name for d in s.differential_diagnoses}
    ),
}


def _affirmed(m: Mention, *flags: str) -> bool:
    return not any(getattr(m.assertion, f) for f in flags)


#: summary key -> which mentions its field's ``summarize`` reads at all (the same
#: filters as the field modules: a negated level or site never gives a value)
USED: dict[str, Callable[[Mention], bool]] = {
    "age_years": lambda m: _affirmed(m, "family"),
    "sex": lambda m: _affirmed(m, "family", "negated"),
    "sites": lambda m: _affirmed(m, "negated"),
    "levels": lambda m: _affirmed(m, "negated", "hypothetical", "historical", "family"),
    "size_max_mm": lambda m: (
        _affirmed(m, "negated", "hypothetical", "historical") and not m.value.get("bound")
    ),
    "size_dims_mm": lambda m: (
        _affirmed(m, "negated", "hypothetical", "historical") and not m.value.get("bound")
    ),
    "stains": lambda m: not m.rule.endswith("|general"),
    "final_diagnosis": lambda m: m.value.get("role") == "final",
    "differential_diagnoses": lambda m: m.value.get("role") == "differential",
}


def supports(key: str, m: Mention, summary: Summary) -> bool:
    """``m`` is read by the key's summary rule and agrees with the key's value."""
    return USED[key](m) and AGREES[key](m, summary)


def source_of(
    record: Record,
    key: str,
    allowed: set[int] | None = None,
    by_field: dict[str, list[tuple[str, list[int]]]] | None = None,
    memo: Summaries | None = None,
) -> Source:
    """The group that gave ``key`` its value and the mentions that agree with it.
    ``by_field`` (:func:`field_groups` of ``allowed``) and ``memo`` (the group
    summaries, :data:`extractor.summary.Summaries`) let :func:`sources` group and
    summarize once for all keys (and reuse the summaries the summary made)."""
    name = KEY_FIELDS.get(key)
    value = getattr(record.summary, key)
    if name is None or not given(value):
        return Source(key)
    allowed = index_mentions(record) if allowed is None else allowed
    by_field = field_groups(record, allowed) if by_field is None else by_field
    memo = {} if memo is None else memo
    for label, members in by_field.get(name) or _no_groups():
        part = summarize_group(name, [record.mentions[i] for i in members], memo)
        if given(part.get(key)):
            ok = [i for i in members if supports(key, record.mentions[i], record.summary)]
            return Source(key, label, members, ok)
    # a value not given by any group (the final diagnosis of a metastatic index lesion,
    # taken from its primary): every mention that agrees with it, whatever its role
    ok = [
        i
        for i, m in enumerate(record.mentions)
        if m.field == name and AGREES[key](m, record.summary)
    ]
    return Source(key, None, [], ok)


def sources(record: Record, memo: Summaries | None = None) -> dict[str, Source]:
    """Every key's source; ``memo``: group summaries already made for this record."""
    allowed = index_mentions(record)
    by_field = field_groups(record, allowed)
    memo = {} if memo is None else memo
    return {key: source_of(record, key, allowed, by_field, memo) for key in KEY_FIELDS}


def evidence(record: Record) -> dict[str, list[int]]:
    """Summary key -> indices of the mentions that support its value."""
    return {key: src.evidence for key, src in sources(record).items()}


def unique(items: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
