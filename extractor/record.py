"""Text -> Record: normalization, the spaCy pipeline, offsets back to the original."""

from __future__ import annotations

import hashlib
from bisect import bisect_right

from spacy.tokens import Doc

from extractor.assertion import assertion_to_original
from extractor.fields.base import Candidate
from extractor.fields.scope import doc_sentences
from extractor.flags import review_record
from extractor.pipeline import get_nlp
from extractor.schema import Mention, Record, Section, Source
from extractor.sections import SectionSpan
from extractor.summary import Summaries, build_summary, is_patient_section
from extractor.text import NormalizedText, normalize


def _sections(norm: NormalizedText, spans: list[SectionSpan]) -> list[Section]:
    out: list[Section] = []
    n = len(norm.original)
    starts = [0 if i == 0 else norm.to_original(s.start, s.start)[0] for i, s in enumerate(spans)]
    for i, span in enumerate(spans):
        end = starts[i + 1] if i + 1 < len(spans) else n
        h_start, h_end = norm.to_original(span.start, span.start + len(span.heading))
        heading = norm.original[h_start:h_end] if span.heading else ""
        out.append(
            Section(label=span.label, kind=span.kind, heading=heading, start=starts[i], end=end)
        )
    return out


class _SectionIndex:
    """:func:`extractor.sections.section_at` for many positions of one text: the
    section starts are listed once instead of once per lookup."""

    def __init__(self, spans: list[SectionSpan]) -> None:
        self.spans = spans
        self.starts = [s.start for s in spans]

    def at(self, pos: int) -> SectionSpan | None:
        i = bisect_right(self.starts, pos) - 1
        return self.spans[i] if i >= 0 else None


def _mention(norm: NormalizedText, sections: _SectionIndex, cand: Candidate) -> Mention:
    s, e = norm.to_original(cand.start, cand.end)
    section = sections.at(cand.start)
    return Mention(
        field=cand.field,
        text=norm.original[s:e],
        start=s,
        end=e,
        section=section.label if section else "front_matter",
        value=cand.value,
        assertion=assertion_to_original(norm, cand.assertion),
        rule=cand.rule,
    )


def _negated_findings(doc: Doc, sections: _SectionIndex) -> list[str]:
    findings: list[str] = []
    for text, start, _end in doc._.negated_findings or []:
        section = sections.at(start)
        if section and is_patient_section(section.label) and text not in findings:
            findings.append(text)
    return findings


def source_for_text(text: str, path: str = "<string>", encoding: str = "utf-8") -> Source:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Source(path=path, sha256=digest, n_chars=len(text), encoding=encoding)


def build_record(
    original: str, report_id: str, source: Source, warnings: list[str] | None = None
) -> Record:
    """Run the pipeline on ``original`` and assemble its record."""
    norm = normalize(original)
    doc = get_nlp()(norm.text)
    spans: list[SectionSpan] = doc._.sections or [
        SectionSpan("front_matter", "", 0, len(norm.text))
    ]
    sections = _SectionIndex(spans)
    mentions = [_mention(norm, sections, c) for c in doc._.candidates or []]
    # the sentence bounds the fields already read (one walk of ``doc.sents`` per doc)
    sentences = [norm.to_original(a, b) for a, b in doc_sentences(doc)]
    memo: Summaries = {}  # group summaries, shared by the summary and its review
    summary = build_summary(mentions, _negated_findings(doc, sections), original, sentences, memo)
    all_warnings = list(warnings or [])
    if not any(is_patient_section(s.label) for s in spans):
        all_warnings.append("no patient section found; summary falls back to the abstract/title")
    record = Record(
        report_id=report_id,
        source=source,
        sections=_sections(norm, spans),
        mentions=mentions,
        summary=summary,
        warnings=all_warnings,
    )
    record.summary = review_record(record, original, sentences, memo)
    return record
