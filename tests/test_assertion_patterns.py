"""Cue token patterns matched in Python (extractor.assertion.patterns) against spaCy's Matcher."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from extractor.assertion.engine import get_engine
from extractor.assertion.patterns import TokenPattern, Tokens, compile_pattern
from extractor.assertion.rules import parse_example


def _doc(text: str):  # noqa: ANN202 - spacy Doc
    doc = get_engine().nlp.make_doc(text)
    for token in doc:
        token.is_sent_start = token.i == 0  # as the engine sets them
    return doc


def _spacy(pattern: list, text: str) -> list[tuple[int, int]]:
    matcher = Matcher(get_engine().nlp.vocab)
    matcher.add("p", [pattern])
    return sorted((start, end) for _, start, end in matcher(_doc(text)))


def _ours(pattern: list, text: str) -> list[tuple[int, int]]:
    doc = _doc(text)
    compiled = compile_pattern(pattern)
    assert compiled is not None
    return compiled.matches(Tokens(doc, [t.lower_ for t in doc]))


# pattern | text | the (start, end) of every match
CASES = [
    ([{"LOWER": "no"}], "No fever, no rash", [(0, 1), (3, 4)]),
    ([{"LOWER": "free"}, {"LOWER": {"IN": ["of", "from"]}}], "free of tumour", [(0, 2)]),
    ([{"LOWER": "was"}, {"LOWER": "not", "OP": "?"}], "was not seen", [(0, 1), (0, 2)]),
    ([{"LOWER": "was", "OP": "?"}, {"LOWER": "seen"}], "was seen", [(0, 2), (1, 2)]),
    ([{"LOWER": "a"}, {"LOWER": "b", "OP": "*"}, {"LOWER": "c"}], "a b b c", [(0, 4)]),
    ([{"LOWER": "b", "OP": "+"}], "b b", [(0, 1), (0, 2), (1, 2)]),
    ([{"LOWER": "x"}, {"LOWER": "y", "OP": "{1,2}"}], "x y y y", [(0, 2), (0, 3)]),
    ([{"LOWER": "x"}, {"LOWER": "y", "OP": "{2}"}], "x y y y", [(0, 3)]),
    ([{"LOWER": "x"}, {"LOWER": "y", "OP": "{2,}"}], "x y y y", [(0, 3), (0, 4)]),
    ([{"LOWER": "x"}, {"LOWER": "y", "OP": "{,1}"}], "x y y", [(0, 1), (0, 2)]),
    ([{"ORTH": ","}, {"LOWER": {"NOT_IN": ["and", "or"]}}], "a, b, and c", [(1, 3)]),
    ([{"ORTH": "No"}], "No no NO", [(0, 1)]),
    ([{"LOWER": {"REGEX": "^[a-z]{2,}ed$"}}, {"LOWER": "by"}], "caused by it", [(0, 2)]),
    ([{"LIKE_NUM": True, "OP": "?"}, {"LOWER": "years"}], "two years ago", [(0, 2), (1, 2)]),
    ([{"IS_SENT_START": True, "LIKE_NUM": True}, {"LOWER": "days"}], "3 days, 4 days", [(0, 2)]),
    ([{"IS_ALPHA": True, "OP": "{1,2}"}, {"LOWER": "was"}], "the mass was", [(0, 3), (1, 3)]),
    (
        [{"LOWER": "case"}, {"IS_DIGIT": True, "OP": "?"}],
        "Case 2 and case II",
        [(0, 1), (0, 2), (3, 4)],
    ),
    ([{"LOWER": "old", "OP": "*"}, {"LOWER": "hx"}], "old old hx", [(0, 3), (1, 3), (2, 3)]),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), CASES)
def test_pattern_matches_as_spacy(pattern: list, text: str, expected: list) -> None:
    assert _ours(pattern, text) == expected
    assert _spacy(pattern, text) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "x", "OP": "!"}],
        [{"POS": "NOUN"}],
        [{"LOWER": {"FUZZY": "fever"}}],
        [{"_": {"flag": True}}],
        [],
    ],
)
def test_unsupported_pattern_is_left_to_spacy(pattern: list) -> None:
    assert compile_pattern(pattern) is None


def _rule_cases() -> list[tuple[str, list, str]]:
    rules = get_engine().matcher.full.rule_map
    return [
        (key, rule.pattern, parse_example(rule.metadata["example"])[0])
        for key, rule in rules.items()
        if isinstance(rule.pattern, list)
    ]


@pytest.mark.parametrize(("key", "pattern", "sentence"), _rule_cases())
def test_every_cue_pattern_matches_its_example_as_spacy(
    key: str, pattern: list, sentence: str
) -> None:
    assert _ours(pattern, sentence) == _spacy(pattern, sentence)


def test_every_cue_pattern_is_compiled() -> None:
    matchers = get_engine().matcher.token_matchers
    assert all(isinstance(m, TokenPattern) for _, m in matchers)


def _corpus_sentences() -> list[str]:
    from extractor.sentences import sentence_spans
    from extractor.text import normalize

    from .conftest import REAL_REPORTS

    found = []
    for path in REAL_REPORTS:
        text = normalize(path.read_text(encoding="utf-8")).text
        found += [text[a:b] for a, b in sentence_spans(text) if b - a < 3000]
    return found


@pytest.mark.parametrize("report", [0, 1, 2, 3, 4, 5])
def test_corpus_sentences_match_as_spacy(report: int) -> None:
    """Every cue pattern on every sentence of a real report: the same (start, end) as
    spaCy's Matcher, and the prefiltered matcher returns what the full one returns."""
    sentences = _corpus_sentences()[report::6]
    engine = get_engine()
    compared = 0
    patterns = []
    for key, raw in engine.matcher.raw_patterns:
        matcher = Matcher(engine.nlp.vocab)
        matcher.add(key, [raw])
        patterns.append((key, raw, matcher))
    for sentence in sentences:
        doc = _doc(sentence)
        tokens = Tokens(doc, [t.lower_ for t in doc])
        for key, raw, matcher in patterns:
            expected = sorted((start, end) for _, start, end in matcher(doc))
            assert compile_pattern(raw).matches(tokens) == expected, (key, sentence)
            compared += len(expected)
        assert engine.matcher(doc) == engine.matcher.run_all(doc), sentence
    assert len(sentences) > 20 and compared > 10
