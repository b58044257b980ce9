"""Mentions -> the registry-facing summary: which mentions count, and which wins.

Only mentions from sections of kind ``patient`` feed the summary. For each field that
finds nothing there, mentions from the fallback sections (an unstructured abstract,
then the title block) are used instead: an abstract-only report is summarized from
its abstract, while literature, other articles and web chrome never reach it.
Within the chosen mentions each field module's ``summarize`` decides which value wins
(documented in that module).
"""

from __future__ import annotations

from typing import Any

from extractor.pipeline import FIELD_ORDER, field_extractor
from extractor.schema import FALLBACK_SECTIONS, SECTION_KINDS, Mention, SectionKind, Summary


def is_patient_section(label: str) -> bool:
    return SECTION_KINDS.get(label) == SectionKind.PATIENT


def _has_value(part: dict[str, Any]) -> bool:
    return any(v not in (None, [], {}) for v in part.values())


def mention_groups(mentions: list[Mention], field: str) -> list[list[Mention]]:
    """Candidate mention groups for ``field`` in order of preference."""
    own = [m for m in mentions if m.field == field]
    groups = [[m for m in own if is_patient_section(m.section)]]
    groups += [[m for m in own if m.section == label] for label in FALLBACK_SECTIONS]
    return groups


def build_summary(mentions: list[Mention], negated_findings: list[str]) -> Summary:
    values: dict[str, Any] = {}
    for name in FIELD_ORDER:
        extractor = field_extractor(name)
        for group in mention_groups(mentions, name):
            part = extractor.summarize(group)
            if _has_value(part):
                values.update(part)
                break
    values["negated_findings"] = negated_findings
    return Summary(**values)
