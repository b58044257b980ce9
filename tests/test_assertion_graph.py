"""Our ConText bookkeeping (extractor.assertion.graph) against medspaCy's, modifier by modifier."""

from __future__ import annotations

import re

import pytest
from medspacy.context import ConTextGraph, ConTextModifier, ConTextRule
from spacy.tokens import Doc, Span

from extractor.assertion.engine import MAX_CHARS, MAX_TOKENS, get_engine
from extractor.assertion.graph import Modifier, build_modifiers, check_rules, modifiers_of_targets
from extractor.assertion.rules import load_rules, parse_example

_TARGETS = "test_graph_targets"
if not Doc.has_extension(_TARGETS):
    Doc.set_extension(_TARGETS, default=None)

Key = tuple[int, tuple[int, int], tuple[int, int]]


def _doc(text: str) -> Doc:
    doc = get_engine().nlp.make_doc(text)
    for token in doc:
        token.is_sent_start = token.i == 0  # as the engine sets them
    return doc


def _key(modifier: Modifier | ConTextModifier) -> Key:
    return id(modifier.rule), modifier.modifier_span, modifier.scope_span


def _ours(
    text: str, spans: list[tuple[int, int]], solo: list[tuple[int, int]]
) -> tuple[list[Key], list[list[Key]]]:
    engine = get_engine()
    doc = _doc(text)
    modifiers, linked = engine._graph(doc, spans, solo)
    return [_key(m) for m in modifiers], [[_key(m) for m in found] for found in linked]


def _medspacy_context(text: str, spans: list[tuple[int, int]]) -> tuple[list, list]:
    """medspaCy's ConText.__call__ itself (with our matcher installed in it)."""
    doc = _doc(text)
    targets = [Span(doc, a, b, label="TARGET") for a, b in spans]
    doc._.set(_TARGETS, targets)
    get_engine().context(doc, targets=_TARGETS)
    modifiers = doc._.context_graph.modifiers
    return [_key(m) for m in modifiers], [[_key(m) for m in t._.modifiers] for t in targets]


def _medspacy_graph(
    doc: Doc, matches: list[tuple[int, int, int]], rule_of: dict, spans: list[tuple[int, int]]
) -> tuple[list, list]:
    """What ConText.__call__ does after matching: ConTextModifier + ConTextGraph."""
    graph = ConTextGraph(prune_on_modifier_overlap=False)
    targets = [Span(doc, a, b, label="TARGET") for a, b in spans]
    graph.targets = targets
    graph.modifiers = [ConTextModifier(rule_of[key], s, e, doc) for key, s, e in matches]
    graph.update_scopes()
    graph.apply_modifiers()
    for target, modifier in graph.edges:
        target._.modifiers += (modifier,)
    return [_key(m) for m in graph.modifiers], [[_key(m) for m in t._.modifiers] for t in targets]


def _medspacy_solo(text: str, spans: list[tuple[int, int]], solo: list[tuple[int, int]]):  # noqa: ANN202
    engine = get_engine()
    doc = _doc(text)
    matches = engine.matcher(doc, solo)
    rule_of = {key: engine.matcher.rule_map[doc.vocab.strings[key]] for key, _, _ in matches}
    return _medspacy_graph(doc, matches, rule_of, spans)


def _all_spans(n: int) -> list[tuple[int, int]]:
    """Every token, every pair, the whole sentence and one repeated target."""
    spans = [(i, i + 1) for i in range(n)] + [(i, i + 2) for i in range(n - 1)] + [(0, n)]
    return spans + spans[:1]


def _token_spans(doc: Doc, example: str) -> list[tuple[int, int]]:
    """Token spans of the ``[bracketed]`` parts of ``example`` in ``doc``."""
    spans, removed = [], 0
    for match in re.finditer(r"\[([^\]]*)\]", example):
        start = match.start() - removed
        removed += 2
        span = doc.char_span(start, start + len(match.group(1)), alignment_mode="expand")
        spans.append((span.start, span.end))
    return spans


# sentence with [targets] (a target may repeat: spaCy keys span extensions by offsets)
CASES = [
    "No [fever], no [rash] and no [cough].",
    "There was no evidence of [metastasis] but [recurrence] was seen.",
    "The [mass] was not [enhancing] on [MRI].",
    "[Tumour] was excluded, [cyst] possible.",
    "Possible [schwannoma] versus [neurofibroma], no [necrosis].",
    "History of [melanoma] in his mother; no [recurrence] of the [tumour] was seen.",
    "She denied [pain] although [weakness] had been present.",
    "No [signs of infection] or [tumour].",
    "The [lesion] [lesion] was negative for [CD34].",
    "Free of [disease] at follow-up, with no [recurrence] and no [metastasis].",
    "[Fever] was absent and [rash] was not seen, but [cough] persisted.",
    "Rule out [abscess] or [tumour]; if [pain] recurs, return.",
]


@pytest.mark.parametrize("example", CASES)
def test_table_as_medspacy_context(example: str) -> None:
    text = example.replace("[", "").replace("]", "")
    spans = _token_spans(_doc(text), example)
    assert _ours(text, spans, []) == _medspacy_context(text, spans)
    for target in spans:  # each target alone, its overlapping control cues dropped
        assert _ours(text, [target], [target]) == _medspacy_solo(text, [target], [target])


@pytest.mark.parametrize("rule", load_rules().rules, ids=lambda r: r.metadata["id"])
def test_rule_examples_as_medspacy(rule: ConTextRule) -> None:
    text, _ = parse_example(rule.metadata["example"])
    spans = _all_spans(len(_doc(text)))
    assert _ours(text, spans, []) == _medspacy_context(text, spans)


def _real_sentences() -> list[str]:
    from extractor.sentences import sentence_spans
    from extractor.text import normalize

    from .conftest import REAL_REPORTS

    engine, found = get_engine(), []
    for path in REAL_REPORTS:
        text = normalize(path.read_text(encoding="utf-8")).text
        for a, b in sentence_spans(text):
            words = [t.lower_ for t in engine.nlp.make_doc(text[a:b])]
            if (
                b - a < MAX_CHARS
                and len(words) <= MAX_TOKENS
                and engine.cue_filter.may_match(words)
            ):
                found.append(text[a:b])
    return found


@pytest.mark.parametrize("part", [0, 1, 2, 3])
def test_real_sentences_as_medspacy(part: int) -> None:
    """Every cue-bearing sentence of the real reports, every token and token pair a
    target: the same modifiers, scopes and links; then some targets alone."""
    sentences = _real_sentences()[part::4]
    modifiers = 0
    for text in sentences:
        spans = _all_spans(len(_doc(text)))
        ours = _ours(text, spans, [])
        assert ours == _medspacy_context(text, spans), text
        modifiers += len(ours[0])
        for target in spans[:: max(1, len(spans) // 4)]:
            assert _ours(text, [target], [target]) == _medspacy_solo(text, [target], [target])
    assert len(sentences) > 10 and modifiers > 20


def _rule(category: str, direction: str, **options: object) -> ConTextRule:
    return ConTextRule(literal=category.lower(), category=category, direction=direction, **options)


# rule options our rule file does not use yet: (rules, matches as (rule index, start, end))
OPTION_CASES = [
    ([_rule("NEG", "FORWARD", max_targets=1)], [(0, 0, 1)]),
    ([_rule("NEG", "BACKWARD", max_targets=2)], [(0, 9, 10)]),
    ([_rule("NEG", "BIDIRECTIONAL", max_targets=1, max_scope=2)], [(0, 4, 5)]),
    ([_rule("NEG", "FORWARD", allowed_types={"OTHER"})], [(0, 0, 1)]),
    ([_rule("NEG", "FORWARD", excluded_types={"TARGET"})], [(0, 0, 1)]),
    (
        [_rule("NEG", "FORWARD", allowed_types={"TARGET"}), _rule("NEG", "FORWARD")],
        [(0, 0, 1), (1, 3, 4)],
    ),
    (
        [_rule("NEG", "FORWARD", terminated_by={"HIST"}), _rule("HIST", "BACKWARD")],
        [(0, 0, 1), (1, 5, 6)],
    ),
    ([_rule("NEG", "FORWARD"), _rule("END", "TERMINATE")], [(0, 1, 2), (1, 6, 7)]),
    ([_rule("NEG", "BACKWARD"), _rule("END", "TERMINATE")], [(1, 2, 3), (0, 7, 8)]),
]


@pytest.mark.parametrize(("rules", "found"), OPTION_CASES)
def test_rule_options_as_medspacy(
    rules: list[ConTextRule], found: list[tuple[int, int, int]]
) -> None:
    doc = _doc("a b c d e f g h i j")
    spans = _all_spans(len(doc))
    rule_of = dict(enumerate(rules))
    expected = _medspacy_graph(doc, found, rule_of, spans)
    modifiers = build_modifiers(found, rule_of.__getitem__, len(doc))
    linked = modifiers_of_targets(modifiers, spans)
    assert ([_key(m) for m in modifiers], [[_key(m) for m in x] for x in linked]) == expected


@pytest.mark.parametrize("on_modifies", [lambda target, modifier, between: True])
def test_on_modifies_is_refused(on_modifies: object) -> None:
    with pytest.raises(ValueError, match="on_modifies"):
        check_rules([_rule("NEG", "FORWARD", on_modifies=on_modifies)])
