"""Score predicted records against gold documents: mentions, sections, summary.

Mentions are matched per field with both span schemes of
:mod:`extractor.evaluation.matching`; value and assertion accuracy are measured on
the *lenient* pairs (which include the strict ones). Section headings are matched
when their heading spans overlap; boundary agreement is the share of characters
whose predicted section label equals the gold label. A gold report absent from the
predictions is scored against an empty record (all false negatives) and listed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from extractor.evaluation.gold import GoldDocument, GoldMention, GoldSection
from extractor.evaluation.matching import (
    ASSERTION_FLAGS,
    SCHEMES,
    match_spans,
    value_agrees,
)
from extractor.evaluation.metrics import Accuracy, Counts
from extractor.evaluation.summaries import SUMMARY_RULES, compare_summaries, summary_exact
from extractor.schema import EVIDENCE_ONLY_RULES, FieldName, Mention, Record, Section

FIELDS = tuple(f.value for f in FieldName)


def _counts_by(keys: tuple[str, ...]) -> dict[str, Counts]:
    return {k: Counts() for k in keys}


@dataclass
class Scores:
    """Everything measured on one group of reports (real or synthetic)."""

    reports: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: reports whose predicted source differs from the gold text (offsets may disagree)
    changed: list[str] = field(default_factory=list)
    mentions: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {s: _counts_by(FIELDS) for s in SCHEMES}
    )
    values: dict[str, Accuracy] = field(default_factory=lambda: defaultdict(Accuracy))
    assertions: dict[str, Accuracy] = field(default_factory=lambda: defaultdict(Accuracy))
    headings: Counts = field(default_factory=Counts)
    heading_labels: Accuracy = field(default_factory=Accuracy)
    boundary: Accuracy = field(default_factory=Accuracy)
    summary: dict[str, Counts] = field(default_factory=lambda: _counts_by(tuple(SUMMARY_RULES)))
    summary_exact: Accuracy = field(default_factory=Accuracy)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


ERROR_COLUMNS = (
    "start",
    "end",
    "text",
    "section",
    "pred_start",
    "pred_end",
    "pred_text",
    "pred_section",
)


def error_row(
    doc: GoldDocument, level: str, kind: str, name: str, **details: Any
) -> dict[str, Any]:
    """One error line; ``section`` is the gold section at the error's offset."""
    row = {"group": doc.group, "report_id": doc.report_id, "level": level, "kind": kind}
    row["field"] = name
    row.update({key: details.get(key, "") for key in ERROR_COLUMNS})
    row["gold"] = _json(details.get("gold"))
    row["pred"] = _json(details.get("pred"))
    return row


def gold_section_at(sections: list[GoldSection], pos: int) -> str:
    return next((s.label for s in sections if s.start <= pos < s.end), "")


def gold_side(doc: GoldDocument, g: GoldMention) -> dict[str, Any]:
    section = gold_section_at(doc.sections, g.start)
    return {"start": g.start, "end": g.end, "text": g.text, "section": section}


def pred_side(doc: GoldDocument, p: Mention) -> dict[str, Any]:
    section = gold_section_at(doc.sections, p.start)
    return {
        "pred_start": p.start,
        "pred_end": p.end,
        "pred_text": p.text,
        "pred_section": p.section,
        "section": section,
    }


# ---------------------------------------------------------------- mentions


def _mention_errors(doc: GoldDocument, gold: list, pred: list, scores: Scores, match) -> None:
    for gi in match.missed:
        g = gold[gi]
        scores.errors.append(
            error_row(doc, "mention", "fn", g.field, **gold_side(doc, g), gold=g.value)
        )
    for pi in match.spurious:
        p = pred[pi]
        scores.errors.append(
            error_row(doc, "mention", "fp", p.field, **pred_side(doc, p), pred=p.value)
        )


def _pair_row(doc: GoldDocument, kind: str, g: GoldMention, p: Mention, **extra: Any) -> dict:
    sides = {**pred_side(doc, p), **gold_side(doc, g)}
    return error_row(doc, "mention", kind, g.field, **sides, **extra)


def _score_pairs(doc: GoldDocument, gold: list, pred: list, pairs: list, scores: Scores) -> None:
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        if (g.start, g.end) != (p.start, p.end):
            scores.errors.append(_pair_row(doc, "boundary", g, p))
        ok = value_agrees(g.field, g.value, p.value)
        scores.values[g.field].add(ok)
        if not ok:
            scores.errors.append(_pair_row(doc, "value", g, p, gold=g.value, pred=p.value))
        wrong = {}
        for flag in ASSERTION_FLAGS:
            expected, got = getattr(g.assertion, flag), getattr(p.assertion, flag)
            scores.assertions[flag].add(expected == got)
            if expected != got:
                wrong[flag] = got
        if wrong:
            gold_flags = {f: getattr(g.assertion, f) for f in wrong}
            scores.errors.append(_pair_row(doc, "assertion", g, p, gold=gold_flags, pred=wrong))


def score_mentions(doc: GoldDocument, record: Record | None, scores: Scores) -> None:
    predicted = record.mentions if record else []
    for name in FIELDS:
        gold = [m for m in doc.mentions if m.field == name]
        pred = [m for m in predicted if m.field == name and m.rule not in EVIDENCE_ONLY_RULES]
        gold_spans = [(m.start, m.end) for m in gold]
        pred_spans = [(m.start, m.end) for m in pred]
        for scheme in SCHEMES:
            match = match_spans(gold_spans, pred_spans, scheme)
            counts = match.counts()
            scores.mentions[scheme][name].add(counts)
            if scheme == "lenient":
                _mention_errors(doc, gold, pred, scores, match)
                _score_pairs(doc, gold, pred, match.pairs, scores)


# ---------------------------------------------------------------- sections

Labeled = tuple[int, int, str]


def char_agreement(gold: list[Labeled], pred: list[Labeled], length: int) -> int:
    """Characters in ``[0, length)`` whose predicted label equals the gold label."""
    cuts = sorted({0, length, *(p for s, e, _ in gold + pred for p in (s, e) if p <= length)})
    agree = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        g = next((lab for s, e, lab in gold if s <= a < e), None)
        p = next((lab for s, e, lab in pred if s <= a < e), None)
        if g is not None and g == p:
            agree += b - a
    return agree


def _heading_spans(sections: list) -> list[tuple[int, int]]:
    return [(s.start, s.start + len(s.heading)) for s in sections]


def gold_heading(g: GoldSection) -> dict[str, Any]:
    return {
        "start": g.start,
        "end": g.start + len(g.heading),
        "text": g.heading,
        "section": g.label,
    }


def pred_heading(p: Section) -> dict[str, Any]:
    return {
        "pred_start": p.start,
        "pred_end": p.start + len(p.heading),
        "pred_text": p.heading,
        "pred_section": p.label,
    }


def score_sections(doc: GoldDocument, record: Record | None, scores: Scores) -> None:
    if not doc.sections:
        return
    pred_sections: list[Section] = record.sections if record else []
    gold_h = [s for s in doc.sections if s.heading]
    pred_h = [s for s in pred_sections if s.heading]
    match = match_spans(_heading_spans(gold_h), _heading_spans(pred_h), "lenient")
    scores.headings.add(match.counts())
    for gi, pi in match.pairs:
        g, p = gold_h[gi], pred_h[pi]
        scores.heading_labels.add(g.label == p.label)
        if g.label != p.label:
            sides = {**gold_heading(g), **pred_heading(p)}
            scores.errors.append(
                error_row(doc, "section", "label", "section", **sides, gold=g.label, pred=p.label)
            )
    for gi in match.missed:
        g = gold_h[gi]
        scores.errors.append(
            error_row(doc, "section", "fn", "section", **gold_heading(g), gold=g.label)
        )
    for pi in match.spurious:
        p = pred_h[pi]
        section = gold_section_at(doc.sections, p.start)
        scores.errors.append(
            error_row(
                doc, "section", "fp", "section", **pred_heading(p), section=section, pred=p.label
            )
        )
    length = max(s.end for s in doc.sections)
    gold_l = [(s.start, s.end, s.label) for s in doc.sections]
    pred_l = [(s.start, s.end, s.label) for s in pred_sections]
    scores.boundary.merge(Accuracy(char_agreement(gold_l, pred_l, length), length))


# ---------------------------------------------------------------- summary


def score_summary(doc: GoldDocument, record: Record | None, scores: Scores) -> None:
    if doc.summary is None:
        return
    gold = doc.summary.model_dump(mode="json")
    pred = record.summary.model_dump(mode="json") if record else {}
    results = compare_summaries(gold, pred)
    for key, result in results.items():
        scores.summary[key].add(result.counts)
        for item in result.missed:
            scores.errors.append(error_row(doc, "summary", "fn", key, gold=item))
        for item in result.spurious:
            scores.errors.append(error_row(doc, "summary", "fp", key, pred=item))
    scores.summary_exact.add(summary_exact(results))


# ---------------------------------------------------------------- documents


def score_document(doc: GoldDocument, record: Record | None, scores: Scores) -> None:
    scores.reports.append(doc.report_id)
    if record is None:
        scores.missing.append(doc.report_id)
        scores.errors.append(error_row(doc, "report", "missing", ""))
    elif doc.source_sha256 and doc.source_sha256 != record.source.sha256:
        scores.changed.append(doc.report_id)
        scores.errors.append(
            error_row(
                doc,
                "report",
                "sha256_mismatch",
                "",
                gold=doc.source_sha256,
                pred=record.source.sha256,
            )
        )
    score_mentions(doc, record, scores)
    score_sections(doc, record, scores)
    score_summary(doc, record, scores)


GROUPS = ("real", "synthetic")


def evaluate(golds: list[GoldDocument], records: dict[str, Record]) -> dict[str, Scores]:
    """Scores per group ("real", "synthetic"); only reports present in gold are scored."""
    by_group = {group: Scores() for group in GROUPS}
    for doc in golds:
        score_document(doc, records.get(doc.report_id), by_group[doc.group])
    return by_group
