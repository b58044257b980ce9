"""The ``case_assertions`` spaCy component: ConText assertions for every candidate.

Runs after the field components: each ``doc._.candidates`` item gets its
``assertion`` (categories listed in ``candidate.exempt`` are never set), and
``doc._.negated_findings`` receives the (text, start, end) findings explicitly
negated in patient sections (normalized offsets), the only ones the summary uses:
sentences without a candidate are analysed only there, which halves the ConText work
on a typical report, and sentences in which the document's own tokens show that no
cue can match are not tokenized again (:mod:`.doc_filter`), nor are the others, where
the document's tokens are theirs (:mod:`.sentence`). Findings overlapping a
candidate exempt from negation (a stain's "negative for CD34") are not findings.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractor.assertion.core import analyze_text, negated_findings
from extractor.assertion.engine import get_engine
from extractor.assertion.resolve import to_assertion
from extractor.fields.base import Candidate
from extractor.schema import SectionKind
from extractor.sentences import doc_sentence_spans
from extractor.tokenizer import doc_text


@Language.component("case_assertions")
def case_assertions(doc: Doc) -> Doc:
    candidates: list[Candidate] = doc._.candidates or []
    spans = [(c.start, c.end) for c in candidates]
    text = doc_text(doc)
    if not doc._.sections:  # no sectionizer ran: every sentence may hold findings
        patient = [(0, len(text))]
    else:
        patient = [(s.start, s.end) for s in doc._.sections if s.kind == SectionKind.PATIENT]
    sentences = get_engine().doc_filter.sentences_of(doc)
    result = analyze_text(
        text,
        spans,
        also_in=patient,
        sentences=doc_sentence_spans(doc),
        doc_sentences=sentences,
    )
    for cand, cues in zip(candidates, result.target_cues, strict=True):
        cand.assertion = to_assertion(cues, (cand.start, cand.end), cand.exempt)
    exempt_spans = [(c.start, c.end) for c in candidates if "negated" in c.exempt]
    doc._.negated_findings = negated_findings(text, result.cues, exempt_spans)
    return doc
