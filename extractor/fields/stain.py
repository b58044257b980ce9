"""Immunohistochemical stains: marker, result, extent, intensity, percent.

The field in four modules: :mod:`~extractor.fields.stain_cues` (the rules of
``rules/stain_rules.json`` and the cues and signs they find),
:mod:`~extractor.fields.stain_markers` (markers, coordinated lists, misspelled
markers in list slots), :mod:`~extractor.fields.stain_parser` (:func:`parse_stains`,
pure, per sentence: which cue decides each group, extent, intensity, percent) and this
one, the spaCy component and the summary.

The component parses each sentence outside other articles and non-content sections
(the title block is kept). The mention span is the marker's words; "negative" is the
result, so candidates are exempt from ConText negation.

Summary rule: one entry per marker in order of first appearance in patient sections
(the first mention's result; a later percent fills a missing one). Mentions in a
sentence about stains in general (:data:`GENERAL_RE`: "Diagnosis is made by ...
looking for ...", "typically", "the differential diagnosis is X, which is S100
positive") keep the rule suffix ``|general`` and stay out of it. Stains in the
discussion stay mentions and never reach the summary (see :mod:`extractor.summary`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate
from extractor.fields.scope import doc_sentences
from extractor.fields.stain_cues import find_cues, stain_rules
from extractor.fields.stain_markers import default_index, find_markers, may_have_markers
from extractor.fields.stain_parser import parse_stains
from extractor.fields.vocabulary import prime_columns
from extractor.schema import FieldName, Mention, SectionKind
from extractor.sections import SectionSpan, section_at
from extractor.tokenizer import doc_text

__all__ = [
    "EXTRACTOR",
    "GENERAL_RE",
    "GENERAL_SUFFIX",
    "StainField",
    "allowed_starts",
    "find_cues",
    "find_markers",
    "parse_stains",
    "stain_rules",
    "stain_section_allowed",
    "summarize_stains",
]

_EXCLUDED_KINDS = (SectionKind.OTHER_ARTICLES, SectionKind.NON_CONTENT)
#: a sentence about stains in general ("Diagnosis is made by ... looking for ...")
GENERAL_RE = re.compile(
    r"\b(?:looking\s+for|is\s+made\s+by|(?:are|is)\s+(?:typically|usually|generally|often|"
    r"characteristically)|typically|usually|characteristically|have\s+been\s+reported|"
    r"differential\s+diagnos[ie]s\b[^.;]*?\b(?:which|that)\s+(?:is|are|express(?:es)?|stains?))\b",
    re.IGNORECASE,
)
GENERAL_SUFFIX = "|general"


def allowed_starts(sections: list[SectionSpan], positions: list[int]) -> list[bool]:
    """:func:`stain_section_allowed` at each of ``positions``, the sections' starts and
    verdicts computed once (sections tile the text in order)."""
    starts = [s.start for s in sections]
    verdicts = [stain_section_allowed([s], s.start) for s in sections]
    return [(i := bisect_right(starts, pos) - 1) < 0 or verdicts[i] for pos in positions]


def stain_section_allowed(sections: list[SectionSpan], pos: int) -> bool:
    """Stains are reported anywhere but in other articles and non-content (title kept)."""
    section = section_at(sections, pos)
    if section is None or section.label == "front_matter":
        return True
    return section.kind not in _EXCLUDED_KINDS


class StainField(BaseField):
    name = FieldName.STAIN

    def find(self, doc: Doc) -> list[Candidate]:
        index = default_index()
        sections = doc._.sections or []
        full = doc_text(doc)
        out: list[Candidate] = []
        sentences = doc_sentences(doc)  # cached per doc: the other fields read them too
        prime_columns(full, sentences)  # one tokenization for every sentence
        verdicts = allowed_starts(sections, [a for a, _b in sentences])
        allowed = [span for span, ok in zip(sentences, verdicts, strict=True) if ok]
        # the vocabulary markers of every sentence from one match of the document
        vocab = index.find_in_spans(full, allowed) if index else [[] for _ in allowed]
        for (start, end), known in zip(allowed, vocab, strict=True):
            text = full[start:end]
            if not may_have_markers(text, known):  # no marker: no finding
                continue
            findings = parse_stains(text, index, known)
            suffix = GENERAL_SUFFIX if findings and GENERAL_RE.search(text) else ""
            for f in findings:
                out.append(
                    Candidate(
                        self.name,
                        start + f.start,
                        start + f.end,
                        f.value(),
                        f.rule + suffix,
                        exempt=frozenset({"negated"}),
                    )
                )
        return out

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        own = [m.value for m in mentions if not m.rule.endswith(GENERAL_SUFFIX)]
        return {"stains": summarize_stains(own)}


def summarize_stains(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per marker, in order of first appearance."""
    chosen: dict[str, dict[str, Any]] = {}
    for v in values:
        entry = chosen.get(v["marker"])
        if entry is None:
            chosen[v["marker"]] = {k: v.get(k) for k in ("marker", "result", "extent", "percent")}
        elif entry["percent"] is None and v.get("percent") is not None:
            entry["percent"] = v["percent"]
    return list(chosen.values())


EXTRACTOR = StainField()
