"""Where a field may report a mention: patient context, shared by the numeric fields.

Age, sex, level and size mentions are the index patient's. They are reported in
patient sections, the abstract and the title block, and in literature sections only
in a sentence that refers to the patient: one that names it ("our patient", "the
present case") or introduces the case being reported ("Herein we present a 17-year-old
male ...", "We report the case of a ..."); the rules are ``rules/scope_rules.json``.
Other articles, references and web chrome never yield them.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc

from extractor.rules import Rule, load_rules
from extractor.schema import SectionKind
from extractor.sections import section_at
from extractor.tokenizer import doc_text

SCOPE_RULES: tuple[Rule, ...] = tuple(load_rules("extractor.fields.rules", "scope_rules.json"))
#: a sentence that refers to the index patient: any scope rule matches (case-insensitive)
PATIENT_REFERENCE_RE = re.compile(
    "|".join(f"(?:{rule.regex.pattern})" for rule in SCOPE_RULES), re.IGNORECASE
)
OPEN_LABELS = frozenset({"abstract", "front_matter"})


def patient_reference(text: str) -> str | None:
    """The id of the first scope rule that finds a reference to the index patient."""
    for rule in SCOPE_RULES:
        if rule.regex.search(text):
            return rule.id
    return None


def _cached_bounds(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    """Starts and character bounds of the doc's sentences (the whole text without
    sentence starts), computed once per doc."""
    cached = doc.user_data.get("sentence_bounds")
    if cached is None:
        if doc.has_annotation("SENT_START"):
            bounds = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            bounds = [(0, len(doc_text(doc)))]
        cached = ([b[0] for b in bounds], bounds)
        doc.user_data["sentence_bounds"] = cached
    return cached


def doc_sentences(doc: Doc) -> list[tuple[int, int]]:
    """Character bounds of the doc's sentences, in order (cached per doc: the site and
    diagnosis fields read them too, instead of walking ``doc.sents`` again)."""
    return _cached_bounds(doc)[1]


def sentence_bounds(doc: Doc, pos: int) -> tuple[int, int]:
    """Character bounds of the sentence containing ``pos`` (cached per doc)."""
    starts, bounds = _cached_bounds(doc)
    if not bounds:
        return 0, len(doc_text(doc))
    return bounds[max(bisect_right(starts, pos) - 1, 0)]


def sentence_text(doc: Doc, pos: int) -> str:
    start, end = sentence_bounds(doc, pos)
    return doc_text(doc)[start:end]


def in_patient_context(doc: Doc, pos: int) -> bool:
    """True when a mention at ``pos`` may describe the index patient."""
    section = section_at(doc._.sections or [], pos)
    if section is None or section.kind == SectionKind.PATIENT or section.label in OPEN_LABELS:
        return True
    if section.kind == SectionKind.LITERATURE:
        return bool(PATIENT_REFERENCE_RE.search(sentence_text(doc, pos)))
    return False
