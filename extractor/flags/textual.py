"""The review checks that read the report text around the summary: the basis of the
final diagnosis, the choice of the index lesion, markers without a result and
measurements without a unit (see :mod:`extractor.flags.checks` for the others)."""

from __future__ import annotations

from bisect import bisect_left

from extractor.fields.stain_markers import default_index, find_markers
from extractor.flags.checks import LESION_KEYS, Context, Flags, flag
from extractor.flags.rules import ReviewRule
from extractor.regex_scan import find_all


def _region_text(ctx: Context) -> list[tuple[int, str]]:
    return [(a, ctx.text[a:b]) for a, b in ctx.regions]


def _covered(ctx: Context, start: int, end: int, field: str) -> bool:
    return any(m.field == field and m.start < end and start < m.end for m in ctx.mentions)


def holding(sentences: list[tuple[int, int]], positions: list[int]) -> list[tuple[int, int]]:
    """The ``sentences`` (start, end) that hold one of ``positions`` (sorted): one
    bisection per sentence, whatever the sentences' order."""
    out = []
    for a, b in sentences:
        i = bisect_left(positions, a)
        if i < len(positions) and positions[i] < b:
            out.append((a, b))
    return out


def no_histological_basis(ctx: Context, rule: ReviewRule) -> Flags:
    """The final diagnosis (with ``coded_only``, a neoplasm: one with an ICD-O-3 code)
    rests on clinical or imaging grounds, or on none the report states: no basis, no
    stain, no pathology section and no histology word."""
    final = ctx.record.summary.final_diagnosis
    p = rule.params
    if final is None or "final_diagnosis" not in rule.fields:
        return {}
    if p["coded_only"] and not final.icdo3:
        return {}
    evidence = ctx.sources["final_diagnosis"].evidence
    if final.basis in p["non_histological"]:
        note = f"diagnosis made on {final.basis} grounds"
        return {"final_diagnosis": [flag(rule.reason, note, evidence)]}
    if final.basis is not None or ctx.record.summary.stains:
        return {}
    if any(s.label in p["histology_sections"] for s in ctx.record.sections):
        return {}
    if any(p["histology_cue"].search(text) for _, text in _region_text(ctx)):
        return {}
    note = "no biopsy, resection, stain or histology named for the diagnosis"
    return {"final_diagnosis": [flag(rule.reason, note, evidence)]}


def index_lesion_ambiguous(ctx: Context, rule: ReviewRule) -> Flags:
    """Several lesions, the index one not chosen by a procedure cue, and no resection,
    biopsy or pathology named in the text the summary reads."""
    lesions = ctx.record.summary.lesions
    p = rule.params
    if len(lesions) < 2 or lesions[0].why in p["decided_by"]:
        return {}
    if any(p["procedure_cue"].search(text) for _, text in _region_text(ctx)):
        return {}
    places = ", ".join(f"{x.location} ({x.role})" for x in lesions)
    note = f"lesions {places}; index by rule {lesions[0].why}, no resection or biopsy named"
    out: Flags = {}
    for key in rule.fields:
        src = ctx.sources[key]
        if src.group is not None and key in LESION_KEYS:
            out[key] = [flag(rule.reason, note, src.evidence)]
    return out


def missing_result(ctx: Context, rule: ReviewRule) -> Flags:
    """A marker named in a staining sentence of the summary's sections that no stain
    mention covers: the stain panel may be incomplete."""
    index = default_index()
    cue = rule.params["staining_cue"]
    spans, names = [], []
    for a, b in ctx.gated_sentences(cue):
        sentence = ctx.text[a:b]
        if not cue.search(sentence):
            continue
        for marker in find_markers(sentence, index):
            start, end = a + marker.start, a + marker.end
            if not _covered(ctx, start, end, "stain"):
                spans.append((start, end))
                names.append(marker.canonical)
    if not spans or "stains" not in rule.fields:
        return {}
    note = f"named without a result: {', '.join(dict.fromkeys(names))}"
    return {"stains": [flag(rule.reason, note, spans=spans)]}


def missing_unit(ctx: Context, rule: ReviewRule) -> Flags:
    """A dimension written without a unit ("a 3 x 2 mass") in a sentence about a lesion
    that no size mention covers: the size may be missing or wrong."""
    cue, dimension = rule.params["lesion_cue"], rule.params["unitless_dimension"]
    # a dimension's sign, found once in the whole text: a sentence holding none has no
    # dimension (most reports have none at all)
    signs = [m.start() for m in rule.params["dimension_sign"].finditer(ctx.text)]
    spans = []
    for a, b in holding(ctx.region_sentences(), signs) if signs else ():
        sentence = ctx.text[a:b]
        # the dimensions first (a first-character scan): few sentences have one, and
        # only those need the lesion cue (a literal gate on the cue costs more)
        found = list(find_all(dimension, sentence))
        if not found or not cue.search(sentence):
            continue
        for m in found:
            start, end = a + m.start(), a + m.end()
            if not _covered(ctx, start, end, "size"):
                spans.append((start, end))
    if not spans:
        return {}
    shown = ", ".join(repr(ctx.text[s:e]) for s, e in spans)
    return {
        key: [flag(rule.reason, f"measurement without a unit: {shown}", spans=spans)]
        for key in rule.fields
    }
