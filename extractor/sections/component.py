"""PLACEHOLDER (replaced by the sectionizer work): one front-matter section."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractor.sections import SectionSpan


@Language.component("case_sections")
def case_sections(doc: Doc) -> Doc:
    doc._.sections = [SectionSpan("front_matter", "", 0, len(doc.text))]
    return doc
