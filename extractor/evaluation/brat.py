"""Score the extractor on a brat corpus annotated in MACCROBAT conventions.

The extractor is run on every ``DIR/*.txt`` (``extractor.extract`` on the decoded
text, so offsets are comparable to the ``.ann`` offsets) and compared with:

- **age** / **sex**: ``Age`` / ``Sex`` text-bound spans vs our age / sex mentions;
- **size**: lesion sizes: ``Distance``, ``Area`` and ``Volume`` spans whose text
  contains a length unit (mm, cm, m, millimetre, centimetre) and that measure a
  lesion by the gold's own relations (:func:`measures_lesion`: the span MODIFYs a
  Sign_symptom, Disease_disorder or Coreference entity, or nothing), vs our size
  mentions (every one of which is meant to be a lesion size). Spans without a length
  unit are left out of gold: fluid volumes ("350 mL", "60 cc"), squared or cubic
  units ("cm2", "cm³") and unit-less phrases ("various sizes");
- **length (all)**: a reference row scoring the same size mentions against every
  gold length (distances from landmarks, devices, slices and structures included);
- these three are span-matched per field, strict (same offsets) and lenient
  (overlap), one-to-one (see :mod:`extractor.evaluation.matching`). A discontinuous
  span ("10 20;25 30") counts as its extent (first start to last end);
- **stain**: per document, the set of (marker, result) pairs. Gold: every
  ``Diagnostic_procedure`` span naming exactly one marker of the package marker
  vocabulary, or consisting of a CD antigen name ("CD34", "CD-99"), linked by a
  ``MODIFY`` relation *in either direction* (events resolved to their trigger
  spans), directly or through one ``IDENTICAL`` span ("C-Kit (CD117) was negative"),
  to a ``Lab_value`` span whose text reads as a result:
  negative if it matches :data:`NEGATIVE_RESULT` ("negative", "no staining", "-"),
  else positive if it matches :data:`POSITIVE_RESULT` ("positive", "+", "diffuse
  staining", "expressed"); other lab values ("15%") give no pair. Predicted: the
  (marker, result) of every stain mention whose marker the gold rule recognises
  (the same recogniser on both sides). Markers compare through the vocabulary;
  without a marker vocabulary only CD antigens count (and the report says so);
- **negation**: for every ``Sign_symptom`` and ``Disease_disorder`` span,
  ``extractor.assess(text, spans)`` (original offsets) -> ``.negated`` vs gold
  ``POLARITY NEG`` on the span's event (``MAYBE_NEG`` and ``UNCERTAIN`` are not NEG).
  MACCROBAT annotates a finding that resolved ("the rash subsided") NEG, so a
  ``resolved`` assertion counts as negated here (our guideline keeps the two apart).
  Positive class = negated.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.evaluation.brat_ann import (  # noqa: F401 - re-exported for callers
    Annotations,
    BratDocument,
    BratError,
    TextBound,
    load_brat,
    parse_ann,
    parse_fragments,
    parse_line,
)
from extractor.evaluation.flags import (
    brat_results,
    flag_rows,
    flag_table,
    score_flags,
    write_flag_rows,
)
from extractor.evaluation.matching import SCHEMES, match_spans
from extractor.evaluation.metrics import Counts
from extractor.evaluation.names import find_marker, has_vocabulary, marker_key
from extractor.evaluation.tables import count_row, prf, prf_header, write_outputs
from extractor.schema import EVIDENCE_ONLY_RULES

GROUP = "brat"
SIZE_TYPES = ("Distance", "Area", "Volume")
NEGATION_TYPES = ("Sign_symptom", "Disease_disorder")
#: scored span item -> (gold entity types, predicted mention field)
SPAN_FIELDS = {
    "age": (("Age",), "age"),
    "sex": (("Sex",), "sex"),
    "size": (SIZE_TYPES, "size"),
    "length (all)": (SIZE_TYPES, "size"),
}
#: what a gold length MODIFYs when it measures a lesion (a finding, a disease, or a
#: coreference to one); anything else it MODIFYs (a structure, a procedure or device,
#: a lab value, a description) makes it another kind of length
LESION_TARGET_TYPES = frozenset({"Sign_symptom", "Disease_disorder", "Coreference"})

LENGTH_UNIT = re.compile(
    r"(?<![A-Za-z])(?:mm|cm|m|millimet(?:er|re)s?|centimet(?:er|re)s?)(?![A-Za-z0-9²³])"
)
NEGATIVE_RESULT = re.compile(
    r"negativ|\bneg\b|\bno\b|\bnot\b|absent|\black|without|^\W{0,2}[-−–]\W{0,2}$", re.I
)
CD_ANTIGEN = re.compile(r"\s{0,3}CD-?\d{1,3}[a-z]?\W{0,3}")
POSITIVE_RESULT = re.compile(r"positiv|\bpos\b|\+|stain|express|reactiv|label", re.I)


# ---------------------------------------------------------------- gold views


def has_length_unit(text: str) -> bool:
    return LENGTH_UNIT.search(text) is not None


def measures_lesion(ann: Annotations, tb: TextBound, graph: dict[str, set[str]]) -> bool:
    """True when the gold length ``tb`` MODIFYs a lesion (see LESION_TARGET_TYPES) or
    nothing at all; False when it only MODIFYs structures, procedures, devices, lab
    values or descriptions ("40 cm from the ileocaecal junction", "a 27-mm bioprosthesis",
    "1.25 mm slices")."""
    targets = [ann.entities[t].type for t in graph.get(tb.id, ()) if t in ann.entities]
    return not targets or any(t in LESION_TARGET_TYPES for t in targets)


def gold_spans(ann: Annotations, field_name: str) -> list[TextBound]:
    types, _ = SPAN_FIELDS[field_name]
    spans = [t for t in ann.entities.values() if t.type in types]
    if field_name in ("size", "length (all)"):
        spans = [t for t in spans if has_length_unit(t.text)]
    if field_name == "size":
        graph = linked(ann, "MODIFY")
        spans = [t for t in spans if measures_lesion(ann, t, graph)]
    return sorted(spans, key=lambda t: (t.start, t.end))


def lab_result(text: str) -> str | None:
    if NEGATIVE_RESULT.search(text):
        return "negative"
    if POSITIVE_RESULT.search(text):
        return "positive"
    return None


def linked(ann: Annotations, relation: str = "MODIFY") -> dict[str, set[str]]:
    """Undirected adjacency of text-bound ids through ``relation`` relations."""
    graph: dict[str, set[str]] = {}
    for type_, arg1, arg2 in ann.relations:
        if type_ == relation:
            a, b = ann.resolve(arg1), ann.resolve(arg2)
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set()).add(a)
    return graph


def gold_marker(text: str) -> str | None:
    """Canonical marker named by a Diagnostic_procedure span, if it is a marker."""
    found = find_marker(text)
    if found is None and CD_ANTIGEN.fullmatch(text):
        found = re.sub(r"\W", "", text)
    return found


def lab_results(ann: Annotations, tb: TextBound) -> set[str]:
    """Results read from the Lab_values MODIFY-linked to ``tb`` or to a span IDENTICAL
    to it ("C-Kit (CD117) was negative": the value modifies C-Kit)."""
    modify, identical = linked(ann, "MODIFY"), linked(ann, "IDENTICAL")
    results = set()
    for source in {tb.id, *identical.get(tb.id, ())}:
        for other in modify.get(source, ()):
            value = ann.entities.get(other)
            result = lab_result(value.text) if value and value.type == "Lab_value" else None
            if result:
                results.add(result)
    return results


def gold_stains(ann: Annotations) -> dict[tuple[str, str], TextBound]:
    """(marker key, result) -> the marker span that shows it."""
    found: dict[tuple[str, str], TextBound] = {}
    for tb in sorted(ann.entities.values(), key=lambda t: (t.start, t.end)):
        marker = gold_marker(tb.text) if tb.type == "Diagnostic_procedure" else None
        for result in sorted(lab_results(ann, tb)) if marker else ():
            found.setdefault((marker_key(marker), result), tb)
    return found


def negated_events(ann: Annotations) -> set[str]:
    """Text-bound ids whose event carries POLARITY NEG."""
    return {
        ann.resolve(target)
        for name, target, value in ann.attributes
        if name == "POLARITY" and value == "NEG"
    }


def negation_targets(ann: Annotations) -> list[TextBound]:
    spans = [t for t in ann.entities.values() if t.type in NEGATION_TYPES]
    return sorted(spans, key=lambda t: (t.start, t.end, t.id))


# ---------------------------------------------------------------- scoring


@dataclass
class BratScores:
    documents: list[str] = field(default_factory=list)
    spans: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {s: {f: Counts() for f in SPAN_FIELDS} for s in SCHEMES}
    )
    stain: Counts = field(default_factory=Counts)
    negation: Counts = field(default_factory=Counts)
    #: the same negation counts split by entity type (Sign_symptom, Disease_disorder)
    negation_by_type: dict[str, Counts] = field(
        default_factory=lambda: {t: Counts() for t in NEGATION_TYPES}
    )
    notes: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: document id -> the record extracted from it (for the review-flag table)
    records: dict[str, Any] = field(default_factory=dict)


def error_row(doc_id: str, kind: str, name: str, start: Any, end: Any, text: str) -> dict:
    return {
        "group": GROUP,
        "report_id": doc_id,
        "kind": kind,
        "field": name,
        "start": start,
        "end": end,
        "text": text,
    }


def score_spans(doc: BratDocument, mentions: list, scores: BratScores) -> None:
    for name, (_, field_name) in SPAN_FIELDS.items():
        gold = gold_spans(doc.ann, name)
        pred = [m for m in mentions if m.field == field_name and m.rule not in EVIDENCE_ONLY_RULES]
        g_spans = [(t.start, t.end) for t in gold]
        p_spans = [(m.start, m.end) for m in pred]
        matches = {scheme: match_spans(g_spans, p_spans, scheme) for scheme in SCHEMES}
        for scheme, match in matches.items():
            scores.spans[scheme][name].add(match.counts())
        match = matches["lenient"]
        if name == "length (all)":
            continue  # a reference row: its errors are not listed twice
        for gi in match.missed:
            t = gold[gi]
            scores.errors.append(error_row(doc.doc_id, "fn", name, t.start, t.end, t.text))
        for pi in match.spurious:
            m = pred[pi]
            scores.errors.append(error_row(doc.doc_id, "fp", name, m.start, m.end, m.text))


def predicted_stains(mentions: list) -> dict[tuple[str, str], Any]:
    """(marker key, result) -> first stain mention, for markers gold can recognise."""
    found: dict[tuple[str, str], Any] = {}
    for m in mentions:
        if m.field == "stain" and gold_marker(m.value.get("marker", "")):
            found.setdefault((marker_key(m.value.get("marker", "")), m.value.get("result")), m)
    return found


def score_stains(doc: BratDocument, mentions: list, scores: BratScores) -> None:
    gold, pred = gold_stains(doc.ann), predicted_stains(mentions)
    scores.stain.add(
        Counts(
            len(gold.keys() & pred.keys()),
            len(pred.keys() - gold.keys()),
            len(gold.keys() - pred.keys()),
        )
    )
    for key in sorted(gold.keys() - pred.keys()):
        t = gold[key]
        scores.errors.append(error_row(doc.doc_id, "fn", "stain", t.start, t.end, "/".join(key)))
    for key in sorted(pred.keys() - gold.keys()):
        m = pred[key]
        scores.errors.append(error_row(doc.doc_id, "fp", "stain", m.start, m.end, "/".join(key)))


def score_negation(doc: BratDocument, assess: Any, scores: BratScores) -> None:
    targets = negation_targets(doc.ann)
    if not targets:
        return
    gold = negated_events(doc.ann)
    assertions = assess(doc.text, [(t.start, t.end) for t in targets])
    for t, assertion in zip(targets, assertions, strict=True):
        expected, got = t.id in gold, bool(assertion.negated or assertion.resolved)
        counts = Counts(int(expected and got), int(got and not expected), int(expected and not got))
        scores.negation.add(counts)
        scores.negation_by_type[t.type].add(counts)
        if expected != got:
            kind = "fn" if expected else "fp"
            scores.errors.append(error_row(doc.doc_id, kind, "negated", t.start, t.end, t.text))


def load_assess() -> Any | None:
    """``extractor.assess`` when the assertion module provides it, else ``None``."""
    try:
        from extractor.assertion import assess
    except ImportError:
        return None
    return assess


def score_brat(docs: list[BratDocument], extract: Any, assess: Any | None) -> BratScores:
    scores = BratScores()
    stains = has_vocabulary("marker")
    if not stains:
        scores.notes.append("stain: no marker vocabulary (markers.csv); only CD antigens scored")
    if assess is None:
        scores.notes.append("negation: extractor.assertion.assess unavailable; not scored")
    for doc in docs:
        scores.documents.append(doc.doc_id)
        record = extract(doc.text, doc.doc_id)
        scores.records[doc.doc_id] = record
        mentions = record.mentions
        score_spans(doc, mentions, scores)
        score_stains(doc, mentions, scores)
        if assess is not None:
            score_negation(doc, assess, scores)
    return scores


# ---------------------------------------------------------------- report


def brat_rows(scores: BratScores) -> list[dict[str, Any]]:
    rows = [
        count_row(GROUP, "brat_mention", scheme, name, counts)
        for scheme, by_field in scores.spans.items()
        for name, counts in by_field.items()
    ]
    rows.append(count_row(GROUP, "brat_stain", "set", "stain", scores.stain))
    rows.append(count_row(GROUP, "brat_negation", "assess", "negated", scores.negation))
    rows += [
        count_row(GROUP, "brat_negation", "assess", f"negated:{type_}", counts)
        for type_, counts in scores.negation_by_type.items()
    ]
    return rows


NAME_WIDTH = 17


def brat_text(scores: BratScores) -> str:
    lines = [
        f"== brat: {len(scores.documents)} documents ==",
        *prf_header("item", NAME_WIDTH, ("strict", "lenient"), f"{'gold':>5} {'pred':>5}"),
    ]
    for name in SPAN_FIELDS:
        strict = scores.spans["strict"][name]
        lenient = scores.spans["lenient"][name]
        lines.append(
            f"{name:<{NAME_WIDTH}} {prf(strict.as_dict()):<16}{prf(lenient.as_dict()):<16}"
            f"{lenient.support:>5} {lenient.tp + lenient.fp:>5}"
        )
    by_type = [(f" {t}", c) for t, c in scores.negation_by_type.items()]
    for name, counts in [("stain", scores.stain), ("negated", scores.negation), *by_type]:
        lines.append(
            f"{name:<{NAME_WIDTH}} {'(set/doc)' if name == 'stain' else '(per event)':<16}"
            f"{prf(counts.as_dict()):<16}{counts.support:>5} {counts.tp + counts.fp:>5}"
        )
    lines += [f"note: {note}" for note in scores.notes]
    return "\n".join(lines)


def evaluate_brat(folder: Path, out: Path | None) -> int:
    from extractor import extract

    docs = load_brat(folder)
    if not docs:
        print(f"evaluate: no .txt files in {folder}", file=sys.stderr)
        return 2
    scores = score_brat(docs, extract, load_assess())
    print(brat_text(scores))
    flags = score_flags(
        f"brat {folder.name} (age, sex, size)",
        ((scores.records[d.doc_id], brat_results(d.ann, scores.records[d.doc_id])) for d in docs),
    )
    print("\n" + flag_table(flags))
    if out is not None:
        meta = {"brat": str(folder), "documents": scores.documents, "notes": scores.notes}
        write_outputs(out, "brat_", brat_rows(scores), meta, scores.errors)
        write_flag_rows(out, "brat_", flag_rows(flags))
        print(f"wrote {out}/brat_metrics.csv, brat_metrics.json, brat_errors.*", file=sys.stderr)
    return 0
