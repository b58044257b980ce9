"""Abbreviations defined in the text, with scispaCy's implementation of Schwartz & Hearst.

"inflammatory myofibroblastic tumor (IMT)" makes every later "IMT" resolvable to its
long form (Schwartz & Hearst, 2003, "A simple algorithm for identifying abbreviation
definitions in biomedical text", Pac Symp Biocomput 8:451). The candidates and the
algorithm are scispaCy's (``filter_matches``, ``find_abbreviation``); what differs
from its ``AbbreviationDetector``:

* the parenthesised short form is bounded to :data:`MAX_SHORT_FORM_TOKENS` tokens
  (scispaCy matches "(" + any tokens + ")", quadratic on "(" x 50,000), and the
  parentheses are found from the token array (:func:`parentheses`) instead of a
  spaCy ``Matcher`` run over every token; a text without "(" is not looked at;
* ``doc._.abbreviations`` holds the short forms of the definitions only (each with its
  ``long_form``): scispaCy also collects every later occurrence of a short form with a
  second matcher, which gives the same :func:`abbreviation_map` (one long form per
  short form text) and which nothing here reads.
"""

import numpy as np
from scispacy.abbreviation import filter_matches, find_abbreviation
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.tokenizer import doc_text

MAX_SHORT_FORM_TOKENS = 8

for _cls, _attr, _default in ((Doc, "abbreviations", []), (Span, "long_form", None)):
    if not _cls.has_extension(_attr):
        _cls.set_extension(_attr, default=_default)


def parentheses(doc: Doc, max_tokens: int = MAX_SHORT_FORM_TOKENS) -> list[tuple[int, int]]:
    """(start, end) of each "(" + 1 to ``max_tokens`` tokens other than "(" and ")" +
    ")" in ``doc``, by start: the matches of scispaCy's parenthesis pattern, bounded."""
    if len(doc) == 0 or "(" not in doc_text(doc):
        return []
    strings = doc.vocab.strings
    orth = doc.to_array(ORTH)
    is_open = orth == strings.add("(")
    parens = np.flatnonzero(is_open | (orth == strings.add(")")))
    found = []
    for k in range(len(parens) - 1):
        start, close = int(parens[k]), int(parens[k + 1])
        if is_open[start] and not is_open[close] and 1 < close - start <= max_tokens + 1:
            found.append((start, close + 1))
    return found


def definitions(doc: Doc, matches: list[tuple[int, int]]) -> list[tuple[Span, Span]]:
    """(long form, short form) of each definition among the parenthesis ``matches``,
    as scispaCy's ``AbbreviationDetector.find_matches_for`` accepts them: a long or a
    short form text already defined is not defined again."""
    inner = [(-1, start + 1, end - 1) for start, end in matches]
    seen_long: set[str] = set()
    seen_short: set[str] = set()
    found = []
    for long_candidate, short_candidate in filter_matches(inner, doc):
        short, long = find_abbreviation(long_candidate, short_candidate)
        if not long or long.text in seen_long or short.text in seen_short:
            continue
        seen_long.add(long.text)
        seen_short.add(short.text)
        found.append((long, short))
    return found


class CaseAbbreviations:
    """Sets ``doc._.abbreviations``: the short form of each definition, its
    ``Span._.long_form`` set."""

    def __call__(self, doc: Doc) -> Doc:
        shorts = []
        for long, short in definitions(doc, parentheses(doc)):
            short._.long_form = long
            shorts.append(short)
        doc._.abbreviations = shorts
        return doc


# no ``from __future__ import annotations`` here: spaCy reads the factory's signature
@Language.factory("case_abbreviations")
def make_case_abbreviations(nlp: Language, name: str) -> CaseAbbreviations:
    return CaseAbbreviations()


def abbreviation_map(doc: Doc) -> dict[str, str]:
    """Short form text -> long form text for abbreviations defined in ``doc``."""
    mapping: dict[str, str] = {}
    for short in getattr(doc._, "abbreviations", None) or []:
        long_form = short._.long_form
        if long_form is not None:
            mapping.setdefault(short.text, getattr(long_form, "text", str(long_form)))
    return mapping
