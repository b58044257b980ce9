"""The one interface every field extractor implements.

A field module (``extractor/fields/<field>.py``) defines a pure parser (plain
functions over strings, tested without spaCy) and an object satisfying
:class:`FieldExtractor` named ``EXTRACTOR``. The pipeline discovers it by name and
order from :data:`extractor.pipeline.FIELD_ORDER`.

All offsets on a :class:`Candidate` are offsets into the *normalized* text
(``doc.text``); the record builder maps them back to the original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from spacy.tokens import Doc

from extractor.schema import Assertion, FieldName, Mention


@dataclass
class Candidate:
    field: FieldName
    start: int
    end: int
    value: dict[str, Any]
    rule: str
    assertion: Assertion = field(default_factory=Assertion)
    #: assertion categories the assertion step must not set on this candidate
    #: (a stain's "negative for CD34" is its result, not a negated mention)
    exempt: frozenset[str] = frozenset()


class FieldExtractor(Protocol):
    name: FieldName

    def find(self, doc: Doc) -> list[Candidate]:
        """Return candidate mentions found in ``doc`` (normalized offsets)."""
        ...

    def finalize(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        """Adjust this field's candidates after assertions are known (e.g. roles)."""
        ...

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        """Summary keys this field owns, from mentions already filtered to the patient."""
        ...


class BaseField:
    """Defaults for the optional steps of :class:`FieldExtractor`."""

    name: FieldName

    def finalize(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        return candidates

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        return {}


def drop_overlaps(found: list[tuple[int, int, Any, str]]) -> list[tuple[int, int, Any, str]]:
    """Keep the longest of overlapping (start, end, value, rule) matches; sort by start."""
    kept: list[tuple[int, int, Any, str]] = []
    for item in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(item[1] <= k[0] or k[1] <= item[0] for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: f[0])
