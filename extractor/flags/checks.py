"""The review checks, one per reason; each reads a :class:`Context` and its rule's
parameters and returns the flags it raises per summary key (rules and their meaning:
``review_rules.json`` and :mod:`extractor.flags`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extractor.fields.diagnosis_stated import STATED_PREFIX
from extractor.fields.level import POSITION
from extractor.fields.stain_markers import default_index, find_markers
from extractor.flags.evidence import PATIENT, Source, unique
from extractor.flags.rules import ReviewRule
from extractor.regex_literals import TextGate, required_literals
from extractor.schema import (
    FALLBACK_SECTIONS,
    SECTION_KINDS,
    FieldName,
    Mention,
    Record,
    ReviewFlag,
    ReviewReason,
    SectionKind,
    Summary,
    TextSpan,
)

Flags = dict[str, list[ReviewFlag]]
#: the keys that describe the index lesion (and feed ``summary.lesions[0]``)
LESION_KEYS = ("sites", "levels", "size_max_mm", "size_dims_mm", "stains", "final_diagnosis")


@dataclass
class Context:
    record: Record
    text: str
    sentences: list[tuple[int, int]]
    sources: dict[str, Source]
    #: (start, end) of the text the summary reads: patient and fallback sections
    regions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def mentions(self) -> list[Mention]:
        return self.record.mentions

    _region_sentences: list[tuple[int, int]] | None = field(default=None, repr=False)
    _gated: dict[re.Pattern[str], list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    _items: dict[str, dict[Any, list[int]]] = field(default_factory=dict, repr=False)

    def region_sentences(self) -> list[tuple[int, int]]:
        """The sentences starting in a region (computed once)."""
        if self._region_sentences is None:
            starts, ends = _union(self.regions)
            self._region_sentences = [
                (a, b)
                for a, b in self.sentences
                if (i := bisect_right(starts, a) - 1) >= 0 and a < ends[i]
            ]
        return self._region_sentences

    def gated_sentences(self, regex: re.Pattern[str]) -> list[tuple[int, int]]:
        """The region sentences ``regex`` may match: all but those holding none of its
        required literals (:class:`TextGate`, one scan of the text per pattern;
        computed once per pattern)."""
        found = self._gated.get(regex)
        if found is None:
            gate = TextGate(self.text, required_literals(regex))
            found = self._gated[regex] = _gated(gate, self.region_sentences())
        return found


def _gated(gate: TextGate, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``sentences`` in which ``gate`` finds its pattern possible. Sentences in text
    order that do not overlap (those of a document) are found from the literal
    occurrences in one pass: an occurrence or a twin counts for the one sentence that
    can hold its start, the last one starting at or before it."""
    if gate.always:
        return list(sentences)
    if not gate.starts and not gate.twins:
        return []  # no literal in the whole text (most reports): no sentence to test
    ordered = all(a <= b for a, b in sentences) and all(
        b <= a for (_, b), (a, _) in zip(sentences, sentences[1:], strict=False)
    )
    if not ordered:
        return [(a, b) for a, b in sentences if gate.possible(a, b)]
    starts = [a for a, _ in sentences]
    keep: set[int] = set()
    for start, end in (
        *zip(gate.starts, gate.ends, strict=True),
        *((t, t + 1) for t in gate.twins),
    ):
        i = bisect_right(starts, start) - 1
        if i >= 0 and end <= sentences[i][1]:
            keep.add(i)
    return [span for i, span in enumerate(sentences) if i in keep]


def _union(regions: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Starts and ends of the disjoint intervals covering the same positions as
    ``regions`` (in order), so that one bisection tells whether a region holds a
    position."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(r for r in regions if r[0] < r[1]):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def summary_regions(record: Record, text_length: int) -> list[tuple[int, int]]:
    """Patient and fallback sections; a text without sections is read whole."""
    if len(record.sections) <= 1:
        return [(0, text_length)]
    return [
        (s.start, s.end)
        for s in record.sections
        if SECTION_KINDS.get(s.label) == SectionKind.PATIENT or s.label in FALLBACK_SECTIONS
    ]


def flag(
    reason: ReviewReason,
    note: str,
    mentions: Sequence[int] = (),
    spans: Sequence[tuple[int, int]] = (),
) -> ReviewFlag:
    return ReviewFlag(
        reason=reason,
        note=note,
        mentions=sorted(set(mentions)),
        spans=[TextSpan(start=a, end=b) for a, b in spans],
    )


def item_of(key: str, m: Mention, summary: Summary) -> list[Any]:
    """The summary items of ``key`` a mention speaks for (a level, a site, a marker)."""
    if key == "levels":
        return [x for x in m.value.get("levels") or [] if x in summary.levels]
    if key == "sites":
        return [m.value.get("name")]
    if key == "stains":
        return [m.value.get("marker")]
    return [key]


def item_evidence(ctx: Context, key: str) -> dict[Any, list[int]]:
    """Evidence of ``key`` split by summary item (one entry for a scalar key); made once
    per record and key (three checks read it; callers must not change it)."""
    out = ctx._items.get(key)
    if out is None:
        out = ctx._items[key] = {}
        for i in ctx.sources[key].evidence:
            for item in item_of(key, ctx.mentions[i], ctx.record.summary):
                out.setdefault(item, []).append(i)
    return out


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# ---------------------------------------------------------------- conflicting candidates


def _rivals(ctx: Context, key: str, p: dict[str, Any]) -> tuple[list[int], list[str]]:
    """Members of the key's source group that give it another value, and those values."""
    s, src = ctx.record.summary, ctx.sources[key]
    members = [(i, ctx.mentions[i]) for i in src.members]
    if key == "age_years":
        found = [
            (i, _shown(m.value["years"]))
            for i, m in members
            if m.value.get("years") is not None
            and not m.assertion.family
            and abs(m.value["years"] - (s.age_years or 0)) > p["age_tolerance_years"]
        ]
    elif key == "sex":
        found = [
            (i, m.value["sex"])
            for i, m in members
            if not (m.assertion.family or m.assertion.negated) and m.value["sex"] != s.sex
        ]
    elif key == "final_diagnosis" and s.final_diagnosis is not None:
        own = (s.final_diagnosis.icdo3 or "")[:4]
        ignored = p["ignored_morphology"]
        found = [
            (i, f"{m.value['name']} ({m.value['icdo3']})")
            for i, m in members
            if m.value.get("role") == "final" and own and own not in ignored
            and (code := (m.value.get("icdo3") or "")[:4]) and code not in ignored and code != own
        ]  # fmt: skip
    elif key == "stains":
        results = {x.marker: x.result for x in s.stains}
        found = [
            (i, f"{m.value['marker']} {m.value['result']}")
            for i, m in members
            if not m.rule.endswith("|general")
            and m.value.get("marker") in results
            and m.value.get("result") != results[m.value["marker"]]
        ]
    elif key in ("size_max_mm", "size_dims_mm") and s.size_max_mm is not None:
        found = _size_rivals(ctx, key, p["size_tolerance_mm"])
    else:
        found = []
    return [i for i, _ in found], unique([v for _, v in found])


def _size_rivals(ctx: Context, key: str, tolerance: float) -> list[tuple[int, str]]:
    """Sizes of the same kind as the chosen one (specimen or clinical) that measure
    something else under another name ("a 5 cm mass ... a 2 cm nodule")."""
    chosen = [ctx.mentions[i] for i in ctx.sources[key].evidence]
    kinds = {m.value.get("measured_on") for m in chosen}
    names = {m.value.get("measures") for m in chosen} - {None}
    out = []
    for i in ctx.sources[key].members:
        m = ctx.mentions[i]
        a = m.assertion
        if a.negated or a.hypothetical or a.historical or m.value.get("bound"):
            continue
        if m.value.get("measures_class") == "pathology":
            continue  # an effusion or a node is never a rival for the lesion's size
        other = m.value.get("measures")
        differs = abs(m.value["max_mm"] - (ctx.record.summary.size_max_mm or 0)) > tolerance
        if (
            differs
            and m.value.get("measured_on") in kinds
            and other
            and names
            and other not in names
        ):
            out.append((i, f"{m.value['max_mm']:g} mm {other}"))
    return out


def _level_gap(ctx: Context, p: dict[str, Any]) -> list[str]:
    levels = ctx.record.summary.levels
    gaps = []
    for a, b in zip(levels, levels[1:], strict=False):
        if POSITION[b] - POSITION[a] - 1 > p["level_gap"]:
            gaps.append(f"{a} and {b}")
    return gaps


def conflicting_candidates(ctx: Context, rule: ReviewRule) -> Flags:
    out: Flags = {}
    for key in rule.fields:
        src = ctx.sources[key]
        if key == "levels":
            gaps = _level_gap(ctx, rule.params) if src.group else []
            if gaps:
                note = f"levels not contiguous: {', '.join(gaps)}"
                out[key] = [flag(rule.reason, note, src.evidence)]
            continue
        if not src.group and key != "final_diagnosis":
            continue
        rivals, values = _rivals(ctx, key, rule.params)
        if rivals:
            note = f"other values in the same sections: {'; '.join(values)}"
            out[key] = [flag(rule.reason, note, src.evidence + rivals)]
    return out


# ---------------------------------------------------------------- sources


def fallback_section(ctx: Context, rule: ReviewRule) -> Flags:
    out: Flags = {}
    if len(ctx.record.sections) <= 1:
        return out  # an unsectioned text is read whole: nothing falls back
    for key in rule.fields:
        src = ctx.sources[key]
        if src.group is not None and src.group != PATIENT and src.group in rule.params["sections"]:
            note = f"no value in the case sections; taken from '{src.group}'"
            out[key] = [flag(rule.reason, note, src.evidence)]
    return out


def _per_item(
    ctx: Context, rule: ReviewRule, test: Callable[[Mention], list[str]], what: str
) -> Flags:
    """One flag per key for the items whose every supporting mention passes ``test``
    (which returns the words that describe why, empty when it does not pass)."""
    out: Flags = {}
    for key in rule.fields:
        items, indices, why = [], [], []
        for item, found in item_evidence(ctx, key).items():
            reasons = [test(ctx.mentions[i]) for i in found]
            if found and all(reasons):
                items.append("value" if item == key else _shown(item))
                indices += found
                why += [w for r in reasons for w in r]
        if items:
            note = f"{', '.join(items)} {what} {', '.join(unique(why))}"
            out[key] = [flag(rule.reason, note, indices)]
    return out


@lru_cache(maxsize=4096)
def names_marker(text: str, marker: str | None) -> bool:
    """``text`` names ``marker`` exactly (one of its markers, read without approximation,
    is ``marker``). Pure for a process (the marker vocabulary is loaded once) and cached,
    bounded: the same stain texts ("CD34", "S-100 protein") recur from report to report."""
    return any(x.canonical == marker for x in find_markers(text, default_index()))


def _fuzzy(m: Mention) -> list[str]:
    if m.field == FieldName.DIAGNOSIS:
        return [repr(m.text)] if "|fuzzy" in m.rule else []
    if m.field == FieldName.STAIN:
        return [] if names_marker(m.text, m.value.get("marker")) else [repr(m.text)]
    return []


def fuzzy_match(ctx: Context, rule: ReviewRule) -> Flags:
    return _per_item(ctx, rule, _fuzzy, "read from the misspelling")


def assertion_cue_near(ctx: Context, rule: ReviewRule) -> Flags:
    names = sorted(rule.params["assertions"])

    def marked(m: Mention) -> list[str]:
        flags = [n for n in names if getattr(m.assertion, n)]
        cue = m.assertion.cue
        return [f"{'/'.join(flags)} ('{cue.text}')" if cue else "/".join(flags)] if flags else []

    return _per_item(ctx, rule, marked, "stated only under assertion cues:")


def _unlisted(m: Mention) -> list[str]:
    return [repr(m.text)] if m.rule.startswith(STATED_PREFIX) else []


def unlisted_name(ctx: Context, rule: ReviewRule) -> Flags:
    return _per_item(ctx, rule, _unlisted, "named as the text states it, in no vocabulary:")


CHECKS: dict[ReviewReason, Callable[[Context, ReviewRule], Flags]] = {
    ReviewReason.CONFLICTING_CANDIDATES: conflicting_candidates,
    ReviewReason.FALLBACK_SECTION: fallback_section,
    ReviewReason.FUZZY_MATCH: fuzzy_match,
    ReviewReason.ASSERTION_CUE_NEAR: assertion_cue_near,
    ReviewReason.UNLISTED_NAME: unlisted_name,
}
