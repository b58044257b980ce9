"""Cues that modify a target -> the target's :class:`~extractor.schema.Assertion`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extractor.assertion.engine import CueMatch
from extractor.assertion.rules import CATEGORY_FIELDS
from extractor.schema import Assertion, Cue

#: which cue explains the assertion when several categories apply
CUE_PRIORITY = ("negated", "uncertain", "hypothetical", "family", "historical", "resolved")


def _distance(cue: CueMatch, target: tuple[int, int]) -> int:
    return max(0, target[0] - cue.end, cue.start - target[1])


def to_assertion(
    cues: Sequence[CueMatch], target: tuple[int, int], exempt: Iterable[str] = ()
) -> Assertion:
    """Set one flag per cue category (except ``exempt`` ones); the cue is the nearest
    cue of the highest-priority flag. Offsets stay those of ``cues``."""
    blocked = set(exempt)
    by_field: dict[str, list[CueMatch]] = {}
    for cue in cues:
        name = CATEGORY_FIELDS.get(cue.category)
        if name and name not in blocked:
            by_field.setdefault(name, []).append(cue)
    if not by_field:
        return Assertion()
    best_field = next(f for f in CUE_PRIORITY if f in by_field)
    best = min(by_field[best_field], key=lambda c: _distance(c, target))
    cue = Cue(
        text=best.text, start=best.start, end=best.end, category=best.category, rule=best.rule
    )
    return Assertion(**{name: True for name in by_field}, cue=cue)
