"""Case-report section detection (see :mod:`extractor.sections.component`)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from extractor.schema import SECTION_KINDS, SectionKind


@dataclass(frozen=True)
class SectionSpan:
    """A section in normalized-text offsets; the heading starts at ``start``.

    ``rule`` is the id of the heading rule that opened it (None for the front matter
    and for a continuation after a caption).
    """

    label: str
    heading: str
    start: int
    end: int
    rule: str | None = None

    @property
    def kind(self) -> SectionKind:
        return SECTION_KINDS[self.label]


def section_at(sections: list[SectionSpan], pos: int) -> SectionSpan | None:
    """The section containing character ``pos`` (sections tile the text)."""
    starts = [s.start for s in sections]
    i = bisect_right(starts, pos) - 1
    return sections[i] if i >= 0 else None
