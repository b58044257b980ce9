"""The ``case_sections`` component: medspaCy's Sectionizer with case-report rules.

medspaCy's Sectionizer holds our heading rules as ``SectionRule`` objects
(``rules/section_rules.json``; its default clinical-note rules are not loaded) and
matches them (phrase and token patterns). We keep only the matches written as
headings (:mod:`extractor.sections.headings`; the same filter is medspaCy's
``filter_start_lines`` hook) and turn them into labelled sections tiling the text
(:mod:`extractor.sections.tiling`), stored as ``doc._.sections``: a list of
:class:`~extractor.sections.SectionSpan` in ``doc.text`` offsets. medspaCy's own
section objects and per-token attributes are not built (they cost most of the
time), and no sentence boundaries are set.

(No ``from __future__ import annotations``: spaCy resolves the factory's type hints.)
"""

from medspacy.section_detection import Sectionizer
from spacy.language import Language
from spacy.tokens import Doc

from extractor.sections.headings import Heading, HeadingMatch, accept_headings, trim_glued
from extractor.sections.matcher import HeadingMatcher
from extractor.sections.ruleset import (
    RULES_FILE,
    RULES_PACKAGE,
    HeadingRule,
    RuleSet,
    load_ruleset,
)
from extractor.sections.tiling import build_sections
from extractor.tokenizer import doc_text

Match = tuple[int, int, int]

if not Doc.has_extension("sections"):
    Doc.set_extension("sections", default=None)


def _char_match(
    doc: Doc, text: str, rule: HeadingRule, start: int, end: int
) -> HeadingMatch | None:
    """A token match in character offsets; a regex rule's own match gives the exact end."""
    char_start = doc[start].idx
    char_end = doc[end - 1].idx + len(doc[end - 1])
    if rule.regex is None:
        return trim_glued(text, HeadingMatch(rule, char_start, char_end))
    found = rule.regex.match(text, char_start)
    if found is None:
        return None
    group = "h" if "h" in rule.regex.groupindex else 0
    return HeadingMatch(rule, char_start, found.end(group))


class CaseSectionizer(Sectionizer):
    """medspaCy Sectionizer whose start-of-line filter applies our heading forms."""

    def __init__(self, nlp: Language, name: str, ruleset: RuleSet) -> None:
        super().__init__(nlp, name=name, rules=None, require_start_line=True, span_attrs=None)
        self.ruleset = ruleset
        section_rules = [rule.to_section_rule() for rule in ruleset.rules]
        self.add(section_rules)
        by_id = ruleset.by_id()
        # medspaCy names each added rule "<category>_<n>" (``_rule_id``)
        self._rule_by_match_key = {r._rule_id: by_id[r.metadata["rule_id"]] for r in section_rules}
        self._trailers = tuple(regex for _, regex, _ in ruleset.caption_trailers)
        self._block_rules = frozenset(r.id for r in ruleset.rules if r.opens_block)
        # medspaCy 1.3.1 keeps its matcher private
        self._matcher = HeadingMatcher(self._Sectionizer__matcher)

    def _accept(self, doc: Doc, matches: list[Match]) -> tuple[list[Heading], list[Match]]:
        text = doc_text(doc)
        by_char: dict[int, Match] = {}
        candidates: list[HeadingMatch] = []
        for match in matches:
            rule = self._rule_by_match_key[self.nlp.vocab.strings[match[0]]]
            found = _char_match(doc, text, rule, match[1], match[2])
            if found is not None:
                candidates.append(found)
                by_char[found.start] = match
        headings = accept_headings(text, candidates)
        return headings, [by_char[h.match_start] for h in headings]

    def filter_start_lines(self, doc: Doc, matches: list[Match]) -> list[Match]:
        """medspaCy's hook: keep only the matches written as headings."""
        return self._accept(doc, matches)[1]

    def headings(self, doc: Doc) -> list[Heading]:
        """The accepted headings of ``doc`` in text order.

        Runs medspaCy's matcher (its token patterns matched from their first words,
        :mod:`extractor.sections.matcher`) and our heading filter, but not the rest of
        ``Sectionizer.__call__``, which would tag every token with a medspaCy section
        that we replace anyway (most of its cost).
        """
        return self._accept(doc, self._matcher(doc))[0]

    def __call__(self, doc: Doc) -> Doc:
        doc._.sections = build_sections(
            doc_text(doc), self.headings(doc), self._trailers, self._block_rules
        )
        return doc


@Language.factory(
    "case_sections",
    default_config={"rules_package": RULES_PACKAGE, "rules_file": RULES_FILE},
)
def make_case_sections(
    nlp: Language, name: str, rules_package: str, rules_file: str
) -> CaseSectionizer:
    return CaseSectionizer(nlp, name, load_ruleset(rules_package, rules_file))
