"""Abbreviations defined in the text, via scispaCy's AbbreviationDetector.

"inflammatory myofibroblastic tumor (IMT)" makes every later "IMT" resolvable to its
long form (Schwartz & Hearst, 2003). scispaCy's detector matches "(" + any tokens +
")" unboundedly, which is quadratic on pathological input ("(" x 50,000); we keep its
algorithm but bound the parenthesised short form to at most 8 tokens.
"""

from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

MAX_SHORT_FORM_TOKENS = 8


@Language.factory("case_abbreviations")
def make_case_abbreviations(nlp: Language, name: str) -> AbbreviationDetector:
    detector = AbbreviationDetector(nlp, name=name)
    detector.matcher = Matcher(nlp.vocab)
    detector.matcher.add(
        "parenthesis",
        [
            [
                {"ORTH": "("},
                {"ORTH": {"NOT_IN": ["(", ")"]}, "OP": f"{{1,{MAX_SHORT_FORM_TOKENS}}}"},
                {"ORTH": ")"},
            ]
        ],
    )
    return detector


def abbreviation_map(doc: Doc) -> dict[str, str]:
    """Short form text -> long form text for abbreviations defined in ``doc``."""
    mapping: dict[str, str] = {}
    for short in getattr(doc._, "abbreviations", None) or []:
        long_form = short._.long_form
        if long_form is not None:
            mapping.setdefault(short.text, getattr(long_form, "text", str(long_form)))
    return mapping
