"""Review flags: which summary values a person should read, and why.

Every summary key (``summary.review[key]``) and every lesion (``lesion.review``) gets a
list of :class:`~extractor.schema.ReviewFlag`; ``summary.needs_review`` is true when
any of them has one. The reasons are the fixed vocabulary
:class:`~extractor.schema.ReviewReason`; each is one rule of ``review_rules.json``
(description, the keys it may flag, parameters, examples), checked on load
(:mod:`.rules`). A flag names the mentions it is about (``mentions``) and, for text no
mention covers, its spans (``spans``).

The checks read the record as the summary made it (:mod:`.evidence`: the section
group that gave each key its value, the mentions that agree with it, the ones that
do not) and the report text:

- ``conflicting_candidates``: the group that gave the value also gives another: a
  second age or sex, a final diagnosis of another specific ICD-O-3 histology, a marker
  with both results, a size of the same kind measuring something else; levels that are
  not contiguous;
- ``fallback_section``: the value comes from a section listed in the rule (the title
  block, the abstract background or the introduction: text that is not the case);
- ``fuzzy_match``: every mention of the value matched its vocabulary approximately;
- ``no_histological_basis``: the final diagnosis was made on clinical or imaging
  grounds, or the text names no biopsy, resection, stain or histology at all;
- ``index_lesion_ambiguous``: several lesions, the index lesion not chosen by a
  procedure cue, and no resection or biopsy named;
- ``missing_result`` / ``missing_unit``: a marker in a staining sentence without a
  result; a dimension in a sentence about a lesion without a unit;
- ``assertion_cue_near``: every mention that supports the value (or one item of it)
  is modified by an assertion cue (uncertain, hypothetical, historical, ...).
- ``unlisted_name``: the final diagnosis is a name stated in the text that no vocabulary
  lists ("was diagnosed as having Blau syndrome"), without a code.

The index lesion (``lesions[0]``) carries the reasons of the keys that describe it;
every other lesion carries ``index_lesion_ambiguous`` when the index choice is, and
``fuzzy_match`` when its diagnosis was read from a misspelling.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractor.flags.checks import CHECKS, LESION_KEYS, Context, Flags, summary_regions
from extractor.flags.evidence import REVIEW_KEYS, evidence, sources
from extractor.flags.rules import ReviewRule, parse_review_rules, review_rules
from extractor.flags.textual import (
    index_lesion_ambiguous,
    missing_result,
    missing_unit,
    no_histological_basis,
)
from extractor.schema import Lesion, Record, ReviewFlag, ReviewReason, Summary
from extractor.summary import Summaries

ALL_CHECKS = {
    **CHECKS,
    ReviewReason.NO_HISTOLOGICAL_BASIS: no_histological_basis,
    ReviewReason.INDEX_LESION_AMBIGUOUS: index_lesion_ambiguous,
    ReviewReason.MISSING_RESULT: missing_result,
    ReviewReason.MISSING_UNIT: missing_unit,
}

__all__ = [
    "REVIEW_KEYS",
    "ReviewRule",
    "evidence",
    "parse_review_rules",
    "review_flags",
    "review_record",
    "review_rules",
]


def review_flags(
    record: Record,
    text: str,
    sentences: Sequence[tuple[int, int]],
    memo: Summaries | None = None,
) -> dict[str, list[ReviewFlag]]:
    """Summary key -> its review flags (every key of :data:`REVIEW_KEYS` present);
    ``memo``: the group summaries the record's summary made."""
    ctx = Context(
        record, text, list(sentences), sources(record, memo), summary_regions(record, len(text))
    )
    out: Flags = {key: [] for key in REVIEW_KEYS}
    for reason, rule in review_rules().items():
        for key, found in ALL_CHECKS[reason](ctx, rule).items():
            if key in rule.fields:
                out[key].extend(found)
    return out


def _merged(flags: list[ReviewFlag]) -> list[ReviewFlag]:
    """One flag per reason and note (the index lesion repeats its keys' flags)."""
    seen: dict[tuple[str, str], ReviewFlag] = {}
    for f in flags:
        key = (f.reason, f.note)
        if key in seen:
            old = seen[key]
            seen[key] = old.model_copy(update={"mentions": sorted({*old.mentions, *f.mentions})})
        else:
            seen[key] = f
    return list(seen.values())


def lesion_flags(record: Record, flags: dict[str, list[ReviewFlag]]) -> list[list[ReviewFlag]]:
    lesions = record.summary.lesions
    out: list[list[ReviewFlag]] = []
    ambiguous = [
        f for k in LESION_KEYS for f in flags[k] if f.reason == ReviewReason.INDEX_LESION_AMBIGUOUS
    ]
    for n, lesion in enumerate(lesions):
        if n == 0:
            out.append(_merged([f for k in LESION_KEYS for f in flags[k]]))
            continue
        own = [f.model_copy(update={"mentions": lesion.mentions}) for f in ambiguous[:1]]
        out.append(own + _fuzzy_lesion(record, lesion))
    return out


def _fuzzy_lesion(record: Record, lesion: Lesion) -> list[ReviewFlag]:
    if lesion.diagnosis is None:
        return []
    dx = [
        i
        for i in lesion.mentions
        if record.mentions[i].field == "diagnosis"
        and record.mentions[i].value.get("name") == lesion.diagnosis.name
    ]
    if dx and all("|fuzzy" in record.mentions[i].rule for i in dx):
        texts = ", ".join(repr(record.mentions[i].text) for i in dx)
        note = f"diagnosis read from the misspelling {texts}"
        return [ReviewFlag(reason=ReviewReason.FUZZY_MATCH, note=note, mentions=dx)]
    return []


def review_record(
    record: Record,
    text: str,
    sentences: Sequence[tuple[int, int]],
    memo: Summaries | None = None,
) -> Summary:
    """The record's summary with ``review``, ``needs_review`` and each lesion's review
    (``memo``: the group summaries the record's summary made, reused)."""
    flags = review_flags(record, text, sentences, memo)
    per_lesion = lesion_flags(record, flags)
    lesions = [
        lesion.model_copy(update={"review": own})
        for lesion, own in zip(record.summary.lesions, per_lesion, strict=True)
    ]
    needs = any(flags.values()) or any(per_lesion)
    return record.summary.model_copy(
        update={"review": flags, "lesions": lesions, "needs_review": needs}
    )
