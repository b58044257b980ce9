"""Mentions -> the registry-facing summary: which mentions count, and which wins.

Only mentions from sections of kind ``patient`` feed the summary. For each summary key
that finds nothing there, mentions from the fallback sections
(:data:`extractor.schema.FALLBACK_SECTIONS`: an unstructured abstract, the title
block, then the abstract background and the introduction, where the fields report
only sentences that introduce the case) are used instead, in that order: an
abstract-only or cut-off report is summarized from what it has, while discussions,
other articles and web chrome never reach it.
Within the chosen mentions each field module's ``summarize`` decides which value wins
(documented in that module). The fallback is per summary key: a patient section that
names only differential diagnoses still lets the abstract give the final diagnosis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from extractor.lesions import (
    LESION_FIELDS,
    UNSPECIFIED,
    assign_roles,
    attach,
    lesion_entry,
    lesion_values,
    metastasis_diagnosis,
    size_details,
    usable,
)
from extractor.pipeline import FIELD_ORDER, field_extractor
from extractor.schema import (
    FALLBACK_SECTIONS,
    SECTION_KINDS,
    FieldName,
    Lesion,
    Mention,
    SectionKind,
    Summary,
)

#: (field, ids of a group's mentions) -> the field's ``summarize`` of the group: one
#: record's assembly summarizes each group once for the summary and for its review
#: sources (:mod:`extractor.flags.evidence`). Valid only while the group's mentions are
#: alive and unchanged, so one is made per record and dropped with it.
Summaries = dict[tuple[str, tuple[int, ...]], dict[str, Any]]


def summarize_group(
    name: FieldName, group: list[Mention], memo: Summaries | None
) -> dict[str, Any]:
    """``field_extractor(name).summarize(group)``, looked up in ``memo`` first."""
    if memo is None:
        return field_extractor(name).summarize(group)
    key = (name, tuple(map(id, group)))
    part = memo.get(key)
    if part is None:
        part = memo[key] = field_extractor(name).summarize(group)
    return part


def is_patient_section(label: str) -> bool:
    return SECTION_KINDS.get(label) == SectionKind.PATIENT


def _given(value: Any) -> bool:
    return value not in (None, [], {})


def mention_groups(mentions: list[Mention]) -> dict[str, list[list[Mention]]]:
    """Field -> its candidate mention groups in order of preference (the patient
    sections, then each of :data:`FALLBACK_SECTIONS`), from one pass over ``mentions``."""
    slot = {label: k for k, label in enumerate(FALLBACK_SECTIONS, start=1)}
    out: dict[str, list[list[Mention]]] = {}
    for m in mentions:
        groups = out.get(m.field)
        if groups is None:
            groups = out[m.field] = [[] for _ in range(len(FALLBACK_SECTIONS) + 1)]
        if is_patient_section(m.section):
            groups[0].append(m)
        k = slot.get(m.section)
        if k is not None:
            groups[k].append(m)
    return out


def flat_values(
    mentions: list[Mention], allowed: set[int], memo: Summaries | None = None
) -> tuple[dict[str, Any], list[int]]:
    """The flat summary keys from the mentions at ``allowed``, and the indices of the
    lesion-level mentions in the groups that gave a value. An empty group is summarized
    once per field (``summarize`` is pure: a second empty group gives the same values)."""
    position = {id(m): i for i, m in enumerate(mentions)}
    by_field = mention_groups([m for i, m in enumerate(mentions) if i in allowed])
    no_groups: list[list[Mention]] = [[]]
    values: dict[str, Any] = {}
    used: set[int] = set()
    for name in FIELD_ORDER:
        empty_done = False
        for group in by_field.get(name, no_groups):
            if not group:
                if empty_done:
                    continue
                empty_done = True
            part = summarize_group(name, group, memo)
            for key, value in part.items():
                if not _given(values.get(key)):
                    values[key] = value
                    if _given(value) and name in LESION_FIELDS:
                        used.update(position[id(m)] for m in group)
            if all(_given(v) for v in part.values()):
                break
    return values, sorted(used)


def build_summary(
    mentions: list[Mention],
    negated_findings: list[str],
    text: str = "",
    sentences: Sequence[tuple[int, int]] = (),
    memo: Summaries | None = None,
) -> Summary:
    """The summary: lesions (see :mod:`extractor.lesions`), the flat keys from the
    index lesion; ``text`` and ``sentences`` (original offsets) place the mentions;
    ``memo`` keeps the group summaries for the review of the same record."""
    summary_sections = {*FALLBACK_SECTIONS}
    candidates = [
        i
        for i, m in enumerate(mentions)
        if usable(m) and (is_patient_section(m.section) or m.section in summary_sections)
    ]
    att = attach(text, mentions, candidates, sentences)
    roles = assign_roles(text, mentions, att, sentences)
    index, primary = roles.find("index"), roles.find("primary")
    elsewhere = {i for i, place in att.location.items() if place != index}
    values, used = flat_values(mentions, set(range(len(mentions))) - elsewhere, memo)
    if roles.index_metastatic and primary is not None:
        of_primary = [i for i, p in att.location.items() if p == primary]
        dx = [mentions[i].value for i in of_primary if mentions[i].field == FieldName.DIAGNOSIS]
        values["final_diagnosis"] = metastasis_diagnosis(values.get("final_diagnosis"), dx)
    lesions: list[Lesion] = []
    if index is not None or used:
        role, why = roles.by_location.get(index, ("index", "index.only"))
        # what the index lesion's size measured, from the mention that gave it
        details = size_details([mentions[i] for i in used], values.get("size_max_mm"))
        entry = {**values, **details}
        lesions.append(lesion_entry(role, index or UNSPECIFIED, why, entry, used))
    for place, (role, why) in roles.by_location.items():
        if place == index:
            continue
        own = [i for i, p in att.location.items() if p == place]
        entry = lesion_values([mentions[i] for i in own])
        lesions.append(lesion_entry(role, place, why, entry, own))
    values["negated_findings"] = negated_findings
    return Summary(**values, lesions=lesions)
