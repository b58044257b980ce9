"""Run medspaCy's ConText over one sentence at a time.

ConText (Harkema et al., 2009, "ConText: an algorithm for determining negation,
experiencer, and temporal status from clinical reports", J Biomed Inform 42:839)
matches cue phrases, gives each a scope (to the end or the start of the sentence,
cut by terminators, by another cue of the same category and by ``max_scope``) and
lets a cue modify the targets inside its scope. We use medspaCy's ConText
with our own rule file (:mod:`extractor.assertion.rules`) to build the rules and its
rule matcher; the matcher is replaced by one that finds the same matches faster
(:mod:`extractor.assertion.matcher`), and ConText's modifier and scope bookkeeping by
:mod:`extractor.assertion.graph`, which gives the same modifiers and scopes without
spaCy extensions.

The engine works on plain sentence strings, tokenized by its own blank English
tokenizer, so the pipeline component and :func:`extractor.assertion.assess` run
exactly the same code; the component hands it, where they are the same tokens, the
pipeline document's tokens of a sentence instead (:meth:`ContextEngine.run_sentence`,
:mod:`.sentence`), which saves tokenizing it again. ConText compares every pair of
cues of a document, so each sentence is its own document; a sentence longer than
:data:`MAX_CHARS` characters or :data:`MAX_TOKENS` tokens (a flattened table or junk,
never prose) is only looked at in a window around each target, which keeps the cost
linear in the input length.

With ``asserting_only`` the engine returns only cues that can modify a target (not
terminators or pseudo-triggers, :data:`~extractor.assertion.rules.CONTROL_DIRECTIONS`)
and does not run ConText on a text in which, by the words the rules require
(:func:`~extractor.assertion.rules.cue_filter`), no such cue can match: ConText would
find no cue there that modifies a target or that it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import spacy
from medspacy.context import ConText
from spacy.tokens import Doc

from extractor.assertion import matcher
from extractor.assertion.doc_filter import DocCueFilter
from extractor.assertion.graph import Modifier, build_modifiers, check_rules, modifiers_of_targets
from extractor.assertion.rules import (
    CONTROL_CATEGORIES,
    CONTROL_DIRECTIONS,
    NEGATED,
    SHIELD,
    RuleSet,
    cue_filter,
    load_rules,
    rule_id,
    tokenized_words,
)
from extractor.assertion.sentence import Sentence
from extractor.tokenizer import GATED_TOKENIZER

MAX_TOKENS = 200
WINDOW = 40
MAX_CHARS = 3000
WINDOW_CHARS = 300
PHRASE_ATTR = "LOWER"  # rules without a pattern match their literal case-insensitively


@dataclass(frozen=True)
class CueMatch:
    """One matched cue with its scope; character offsets into the analysed text."""

    rule: str
    category: str
    direction: str
    start: int
    end: int
    scope_start: int
    scope_end: int
    text: str
    #: the scope a negated finding is read from (the scope, widened over a relation
    #: shield that cut it: "no recurrence of the tumour")
    finding_start: int = 0
    finding_end: int = 0


@dataclass(frozen=True)
class SentenceResult:
    #: for each target, in input order, the cues that modify it
    target_cues: list[list[CueMatch]]
    #: every cue of the sentence (empty when the sentence was only windowed)
    cues: list[CueMatch]


def shift_cue(cue: CueMatch, offset: int) -> CueMatch:
    return replace(
        cue,
        start=cue.start + offset,
        end=cue.end + offset,
        scope_start=cue.scope_start + offset,
        scope_end=cue.scope_end + offset,
        finding_start=cue.finding_start + offset,
        finding_end=cue.finding_end + offset,
    )


def _cue(
    sentence: Sentence, modifier: Modifier, offset: int, modifiers: Sequence[Modifier] = ()
) -> CueMatch:
    start, end = modifier.modifier_span
    start_char, end_char = sentence.chars(start, end, 0)
    scope = sentence.chars(*modifier.scope_span, end_char)
    finding = sentence.chars(*_finding_scope(len(sentence), modifier, modifiers), end_char)
    return CueMatch(
        rule=rule_id(modifier.rule),
        category=modifier.category,
        direction=modifier.direction,
        start=offset + start_char,
        end=offset + end_char,
        scope_start=offset + scope[0],
        scope_end=offset + scope[1],
        text=sentence.text[start_char:end_char],
        finding_start=offset + finding[0],
        finding_end=offset + finding[1],
    )


def _ending_in(span: tuple[int, int], modifiers: Sequence[Modifier]) -> list[Modifier]:
    """Cues that start before ``span`` and end inside it: "was not [jaundiced]".

    ConText never lets a cue modify a target it overlaps; a cue whose last word is the
    target itself ("were not [involved by tumour]") nevertheless asserts it.
    """
    return [
        m
        for m in modifiers
        if m.direction not in CONTROL_DIRECTIONS
        and m.modifier_span[0] < span[0] < m.modifier_span[1]
    ]


def _opening(
    sentence: Sentence, span: tuple[int, int], modifiers: Sequence[Modifier]
) -> list[Modifier]:
    """Forward cues that open the span itself: "[no signs of endocarditis]",
    "[without any recurrence]" (the span is what the cue negates). A cue glued to the
    next word ("[non-Hodgkin lymphoma]") or one whose rule says ``names_finding``
    ("[absence of appetite]", "[resolution of all features]") is part of a name."""
    found = []
    for m in modifiers:
        start, end = m.modifier_span
        if (
            m.direction in ("FORWARD", "BIDIRECTIONAL")
            and start == span[0]
            and end < span[1]
            and sentence.has_space(end - 1)
            and not (m.rule.metadata or {}).get("names_finding")
        ):
            found.append(m)
    return found


def _inside(span: tuple[int, int], modifier: Modifier) -> bool:
    """A cue in the middle of the span: "[disc bulge without canal compromise]" asserts
    its head (the bulge), so the cue does not modify the span. (medspaCy's overlap test
    misses a cue that lies wholly inside a target.)"""
    start, end = modifier.modifier_span
    return span[0] < start and end <= span[1]


def _shield_ends(modifiers: Sequence[Modifier]) -> set[int]:
    return {m.modifier_span[1] for m in modifiers if m.category.upper() == SHIELD}


def _span_cues(
    sentence: Sentence, span: tuple[int, int], linked: list[Modifier], modifiers: list[Modifier]
) -> list[Modifier]:
    """The cues asserting ``span`` (``linked``: the modifiers ConText links to it). A
    relation shield ("recurrence of", "risk factors for") ends negation scopes like a
    terminator; a backward negation cut by one ("the recurrence of [the tumour] was
    not seen") is about the relation, not the span."""
    outside = [m for m in linked if not _inside(span, m)]
    cues = [*outside, *_ending_in(span, modifiers), *_opening(sentence, span, modifiers)]
    if not any(m.category.upper() == NEGATED and m.direction == "BACKWARD" for m in cues):
        return cues
    ends = _shield_ends(modifiers)
    return [
        m
        for m in cues
        if not (
            m.category.upper() == NEGATED and m.direction == "BACKWARD" and m.scope_span[0] in ends
        )
    ]


def _finding_scope(
    n_tokens: int, modifier: Modifier, modifiers: Sequence[Modifier]
) -> tuple[int, int]:
    """The token scope of a negation widened over a relation shield that cut it, so the
    negated finding is "recurrence of the tumour", not nothing (forward) or "the tumour"
    (backward); it stops at the next other control cue."""
    s_start, s_end = modifier.scope_span
    if modifier.category.upper() != NEGATED:
        return s_start, s_end
    shields = [m.modifier_span for m in modifiers if m.category.upper() == SHIELD]
    if not shields:  # the usual case: nothing widens the scope
        return s_start, s_end
    others = [
        m.modifier_span
        for m in modifiers
        if m.category.upper() in CONTROL_CATEGORIES and m.category.upper() != SHIELD
    ]
    if modifier.direction in ("FORWARD", "BIDIRECTIONAL") and any(a == s_end for a, _ in shields):
        s_end = min([a for a, _ in others if a >= s_end] + [n_tokens])
    if modifier.direction in ("BACKWARD", "BIDIRECTIONAL") and any(
        b == s_start for _, b in shields
    ):
        s_start = max([b for _, b in others if b <= s_start] + [0])
    return s_start, s_end


class ContextEngine:
    """A ConText component with our rules and a tokenizer, built once."""

    def __init__(self, ruleset: RuleSet) -> None:
        # spaCy's English tokenizer, its affix searches gated (extractor.tokenizer)
        tokenizer = {"@tokenizers": GATED_TOKENIZER}
        self.nlp = spacy.blank("en", config={"nlp": {"tokenizer": tokenizer}})
        self.ruleset = ruleset
        self.context = ConText(
            self.nlp,
            rules=None,
            span_attrs=None,
            terminating_types=ruleset.terminating_types or None,
            phrase_matcher_attr=PHRASE_ATTR,
        )
        self.context.add(list(ruleset.rules))
        check_rules(ruleset.rules)
        self.matcher = matcher.install(self.context, self.nlp.tokenizer, PHRASE_ATTR)
        self.cue_filter = cue_filter(ruleset.rules, tokenized_words(self.nlp.tokenizer))
        #: the same test on a pipeline document's own tokens (see :mod:`.doc_filter`)
        self.doc_filter = DocCueFilter(
            self.nlp.tokenizer, self.cue_filter, max_chars=MAX_CHARS, max_tokens=MAX_TOKENS
        )

    def _graph(
        self,
        doc: Doc,
        spans: list[tuple[int, int]],
        solo: Sequence[tuple[int, int]] = (),
    ) -> tuple[list[Modifier], list[list[Modifier]]]:
        """:meth:`_sentence_graph` of the sentence ``doc`` (tokenized alone)."""
        sentence = Sentence.of_doc(doc.text, doc, self.nlp.tokenizer)
        return self._sentence_graph(sentence, spans, solo)

    def _sentence_graph(
        self,
        sentence: Sentence,
        spans: list[tuple[int, int]],
        solo: Sequence[tuple[int, int]] = (),
    ) -> tuple[list[Modifier], list[list[Modifier]]]:
        """ConText on one sentence: its modifiers, and for each target token span those
        linked to it. The matcher drops the control cues overlapping the ``solo``
        target (see :meth:`_solo`)."""
        matches = self.matcher.match(sentence, solo)
        modifiers = build_modifiers(matches, self.matcher.by_key.__getitem__, len(sentence))
        return modifiers, modifiers_of_targets(modifiers, spans)

    def run_sentence(
        self,
        sentence: Sentence,
        targets: Sequence[tuple[int, int]],
        offset: int = 0,
        asserting_only: bool = False,
        *,
        filtered: bool = False,
    ) -> tuple[list[list[CueMatch]], list[CueMatch]]:
        """ConText on a sentence whose tokens the engine would give it (at most
        :data:`MAX_CHARS` characters and :data:`MAX_TOKENS` tokens): for each target
        (character offsets into the sentence, plus ``offset``), the cues modifying it,
        and the sentence's cues, their offsets plus ``offset``. ``filtered``: the caller
        has found that the sentence passes :attr:`cue_filter` (it is not tested again)."""
        if asserting_only and not filtered and not self.cue_filter.may_match(sentence.lower):
            return [[] for _ in targets], []
        spans = [sentence.char_span(s - offset, e - offset) for s, e in targets]
        present = [span for span in spans if span is not None]
        modifiers, linked = self._sentence_graph(sentence, present)
        control = [m.modifier_span for m in modifiers if m.category.upper() in CONTROL_CATEGORIES]
        target_cues: list[list[CueMatch]] = []
        found = iter(linked)
        for span in spans:
            if span is None:
                target_cues.append([])
                continue
            mods = next(found)
            if any(a < span[1] and span[0] < b for a, b in control):
                target_cues.append(self._solo(sentence, span, offset))
            else:
                cues = _span_cues(sentence, span, mods, modifiers)
                target_cues.append([_cue(sentence, m, offset, modifiers) for m in cues])
        kept = modifiers
        if asserting_only:
            kept = [m for m in modifiers if m.direction not in CONTROL_DIRECTIONS]
        cues = [_cue(sentence, m, offset, modifiers) for m in kept]
        return target_cues, cues

    def _run(
        self,
        text: str,
        targets: Sequence[tuple[int, int]],
        offset: int,
        doc: Doc | None = None,
        asserting_only: bool = False,
    ) -> tuple[list[list[CueMatch]], list[CueMatch]]:
        doc = doc if doc is not None else self.nlp.make_doc(text)
        sentence = Sentence.of_doc(text, doc, self.nlp.tokenizer)
        return self.run_sentence(sentence, targets, offset, asserting_only)

    def _solo(self, sentence: Sentence, span: tuple[int, int], offset: int) -> list[CueMatch]:
        """Cues of a target that overlaps a terminator or pseudo-trigger: ConText again
        on the sentence with that target alone, the matcher dropping the control cues
        that overlap it. Words of the finding itself ("an apparent [source of
        bleeding]", "no remarkable [change]", "the absence of [risk factors for CAD]")
        do not cut or block the cues around it, while for another target ("risk
        factors for [CAD]") they still do."""
        modifiers, (linked,) = self._sentence_graph(sentence, [span], [span])
        cues = _span_cues(sentence, span, linked, modifiers)
        return [_cue(sentence, m, offset, modifiers) for m in cues]

    def analyze(
        self, text: str, targets: Sequence[tuple[int, int]] = (), *, asserting_only: bool = False
    ) -> SentenceResult:
        """Cues of ``text`` (one sentence) and, for each target span, the cues modifying it.

        ``asserting_only``: leave out the cues that cannot modify a target, and skip
        ConText where no other cue can match (the target cues are the same).
        """
        if len(text) > MAX_CHARS:
            return SentenceResult([self._char_window(text, t, asserting_only) for t in targets], [])
        tokens = self.nlp.tokenizer(text)
        if len(tokens) <= MAX_TOKENS:
            target_cues, cues = self._run(text, targets, 0, tokens, asserting_only)
            return SentenceResult(target_cues, cues)
        return SentenceResult(
            [self._windowed(text, tokens, t, asserting_only) for t in targets], []
        )

    def _char_window(
        self, text: str, target: tuple[int, int], asserting_only: bool
    ) -> list[CueMatch]:
        # spaCy's tokenizer is quadratic on long runs of affixes ("((((..."): look only
        # at the characters around the target, cut at whitespace
        a = max(0, target[0] - WINDOW_CHARS)
        b = min(len(text), target[1] + WINDOW_CHARS)
        if a > 0:
            space = text.find(" ", a, target[0])
            a = space + 1 if space >= 0 else target[0]
        space = text.rfind(" ", target[1], b)
        b = space if space >= 0 and b < len(text) else b
        result = self.analyze(
            text[a:b], [(target[0] - a, target[1] - a)], asserting_only=asserting_only
        )
        return [shift_cue(c, a) for c in result.target_cues[0]]

    def _windowed(
        self, text: str, tokens: Doc, target: tuple[int, int], asserting_only: bool
    ) -> list[CueMatch]:
        span = tokens.char_span(target[0], target[1], alignment_mode="expand")
        if span is None:
            return []
        a = tokens[max(0, span.start - WINDOW)].idx
        last = tokens[min(len(tokens), span.end + WINDOW) - 1]
        b = last.idx + len(last.text)
        target_cues, _ = self._run(text[a:b], [target], a, asserting_only=asserting_only)
        return target_cues[0]


@lru_cache(maxsize=1)
def get_engine() -> ContextEngine:
    """The process-wide engine with the packaged rules."""
    return ContextEngine(load_rules())
