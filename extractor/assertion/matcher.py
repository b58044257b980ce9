"""A stand-in for medspaCy's rule matcher inside ConText: same matches, fewer patterns run.

medspaCy's ``MedspacyMatcher`` runs all token patterns of the rule set with one spaCy
``Matcher`` (which starts a state for every pattern at every token, so its cost grows
with the number of rules), appends the phrase and regular-expression matches and, as
ConText asks, prunes overlapping matches (the longest wins). :class:`PrefilteredMatcher`
runs only the token patterns whose required words
(:func:`~extractor.assertion.rules.required_words`) all occur in the text, each matched
in Python from the tokens where it can start (:mod:`extractor.assertion.patterns`; a
pattern using what that module does not implement keeps its own spaCy ``Matcher``).
The result is the same list:

* a pattern's matches do not depend on the other patterns of a ``Matcher``, and a
  pattern missing a required word has none;
* pruning sorts the matches by (start, end) with a stable sort, so their order only
  matters for matches with the same span, where the first one found is kept: when two
  token patterns match the same span, the order of spaCy's full ``Matcher`` is needed,
  and a ``Matcher`` holding only the patterns that matched gives it (each state of
  spaCy's matcher moves on its own, so leaving out patterns without a match leaves the
  order of the other matches as it was); the phrase matches come after the token
  matches either way;
* with pruning off, with a regular-expression rule or an ``on_match`` callback, the
  full matcher always runs.

Before pruning, the matcher drops control cues (terminators and pseudo-triggers,
:data:`~extractor.assertion.rules.CONTROL_CATEGORIES`) that overlap a target span
(``doc._.<targets_attr>``): words that belong to the finding itself ("an apparent
[source of bleeding]", "showing no remarkable [change]") do not cut or block the cues
around it. A control cue that starts with punctuation marks a clause boundary
(", [diuresis] was preserved") and is kept. A rule with an ``anchor`` ("first" or
"last") matches its whole pattern but its cue is that one token (the rest is context
that must follow or precede), so it does not compete with the cues inside that context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText, ConTextRule
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from extractor.assertion.patterns import TokenPattern, Tokens, compile_pattern
from extractor.assertion.rules import (
    CONTROL_CATEGORIES,
    RuleFilter,
    lower_words,
    required_words,
    tokenized_words,
)
from extractor.assertion.sentence import Sentence

Match = tuple[int, int, int]


def _anchor(rule: ConTextRule, key: int, start: int, end: int) -> Match:
    """The match cut to its anchor token (rule key ``anchor``: "first" or "last")."""
    anchor = (rule.metadata or {}).get("anchor")
    if anchor == "first":
        return key, start, start + 1
    if anchor == "last":
        return key, end - 1, end
    return key, start, end


class PrefilteredMatcher:
    """Called like ``MedspacyMatcher`` on a Doc; built from one holding all the rules."""

    def __init__(
        self,
        full: MedspacyMatcher,
        vocab: Vocab,
        tokenizer: Callable[[str], Doc],
        *,
        prune: bool,
        phrase_attr: str,
        targets_attr: str | None = None,
    ) -> None:
        self.full = full
        self.vocab = vocab
        self.prune = prune
        self.targets_attr = targets_attr
        self.phrases = PhraseMatcher(vocab, attr=phrase_attr)
        #: per token pattern: (match key, the pattern compiled, or its spaCy Matcher)
        self.token_matchers: list[tuple[int, TokenPattern | Matcher]] = []
        #: per token pattern: (rule key, pattern), to build spaCy matchers of a few
        self.raw_patterns: list[tuple[str, list]] = []
        #: indices of the patterns that matched -> a spaCy Matcher holding only those
        self._ordered: dict[tuple[int, ...], Matcher] = {}
        #: match key (the rule key's string id) -> the rule, read once per match
        self.by_key: dict[int, ConTextRule] = {
            vocab.strings.add(key): rule for key, rule in full.rule_map.items()
        }
        requirements = []
        self.always_full = not prune or phrase_attr.upper() != "LOWER"
        for key, rule in full.rule_map.items():
            if rule.on_match is not None or isinstance(rule.pattern, str):
                self.always_full = True
            elif rule.pattern is None:  # as MedspacyMatcher.add does with LOWER
                self.phrases.add(key, [tokenizer(rule.literal.lower())])
            else:
                compiled = compile_pattern(rule.pattern)
                if compiled is None:
                    compiled = Matcher(vocab)
                    compiled.add(key, [rule.pattern])
                self.token_matchers.append((vocab.strings.add(key), compiled))
                self.raw_patterns.append((key, rule.pattern))
                requirements.append(required_words(rule, tokenized_words(tokenizer)))
        self.filter = RuleFilter(tuple(requirements))

    @property
    def rule_map(self) -> dict[str, ConTextRule]:
        return self.full.rule_map

    @property
    def rules(self) -> list[ConTextRule]:
        return self.full.rules

    @property
    def labels(self) -> set[str]:
        return self.full.labels

    def _targets(self, doc: Doc) -> list[tuple[int, int]]:
        if self.targets_attr is None or not Doc.has_extension(self.targets_attr):
            return []
        return [(span.start, span.end) for span in doc._.get(self.targets_attr) or ()]

    def _keep(
        self, matches: list[Match], doc: Doc | Span, targets: Sequence[tuple[int, int]] | None
    ) -> list[Match]:
        """``matches`` with anchored cues cut to their first token, and without the
        control cues that overlap a target span (``targets``, token offsets; ``None``:
        those of the Doc extension ``targets_attr``)."""
        rules = self.by_key
        matches = [_anchor(rules[key], key, start, end) for key, start, end in matches]
        if targets is None:
            targets = self._targets(doc)
        if not targets:
            return matches
        return [
            (key, start, end)
            for key, start, end in matches
            if rules[key].category.upper() not in CONTROL_CATEGORIES
            or doc[start].is_punct  # a clause boundary, not words of the finding
            or not any(start < t_end and t_start < end for t_start, t_end in targets)
        ]

    def run_all(self, doc: Doc, targets: Sequence[tuple[int, int]] | None = None) -> list[Match]:
        """Every pattern of the rule set, with the same anchoring, dropping and pruning:
        what the prefiltered path must return."""
        full = self.full
        matches = full._MedspacyMatcher__matcher(doc)  # MedspacyMatcher.__call__, unpruned
        matches += full._MedspacyMatcher__phrase_matcher(doc)
        matches += full._MedspacyMatcher__regex_matcher(doc)
        matches = self._keep(matches, doc, targets)
        return prune_overlapping_matches(matches) if self.prune else matches

    def __call__(
        self,
        doc: Doc,
        targets: Sequence[tuple[int, int]] | None = None,
        lower: list[str] | None = None,
    ) -> list[Match]:
        """The cue matches of ``doc``; ``lower``: its lower-cased words, if known."""
        if self.always_full:
            return self.run_all(doc, targets)
        if targets is None:
            targets = self._targets(doc)
        tokens = Tokens(doc, lower_words(doc) if lower is None else lower)
        return self._match(tokens, lambda: doc, targets)

    def match(self, sentence: Sentence, targets: Sequence[tuple[int, int]] = ()) -> list[Match]:
        """The cue matches of a sentence analysed alone (its own Doc made only if a
        spaCy ``Matcher`` must run); ``targets``: as in :meth:`_keep`."""
        if self.always_full:
            return self.run_all(sentence.doc, targets)
        return self._match(sentence.token_view(), lambda: sentence.doc, targets)

    def _match(
        self, tokens: Tokens, own_doc: Callable[[], Doc], targets: Sequence[tuple[int, int]]
    ) -> list[Match]:
        """The prefiltered matching over ``tokens`` (``own_doc``: their Doc, for spaCy's
        matchers)."""
        matches: list[Match] = []
        matched: list[int] = []
        for i in self.filter.matchable(tokens.lower):
            key, pattern = self.token_matchers[i]
            n = len(matches)
            if isinstance(pattern, TokenPattern):
                matches.extend((key, start, end) for start, end in pattern.matches(tokens))
            else:
                matches.extend(pattern(own_doc()))
            if len(matches) > n:
                matched.append(i)
        if len({(start, end) for _, start, end in matches}) < len(matches):
            # which one pruning keeps depends on the full matcher's order
            tied = self._tied(matches)
            order = tuple(i for i in matched if self.token_matchers[i][0] in tied)
            others = [match for match in matches if match[0] not in tied]
            return self.run_in_order(own_doc(), order, targets, others)
        doclike = tokens.doc
        phrases = self.phrases(doclike)
        if isinstance(doclike, Span) and doclike.start:  # offsets into the whole Doc
            phrases = [(key, a - doclike.start, b - doclike.start) for key, a, b in phrases]
        matches.extend(phrases)
        return prune_overlapping_matches(self._keep(matches, doclike, targets))

    def _tied(self, matches: list[Match]) -> set[int]:
        """Keys of the patterns with a match whose span, as matched or cut to its anchor
        (see :meth:`_keep`), is also another match's: where pruning keeps the first."""
        keys: dict[tuple[int, int], set[int]] = {}
        for key, start, end in matches:
            keys.setdefault((start, end), set()).add(key)
            _, a, b = _anchor(self.by_key[key], key, start, end)
            if (a, b) != (start, end):
                keys.setdefault((a, b), set()).add(key)
        return {key for found in keys.values() if len(found) > 1 for key in found}

    def run_in_order(
        self,
        doc: Doc,
        matched: tuple[int, ...],
        targets: Sequence[tuple[int, int]] | None = None,
        others: Sequence[Match] = (),
    ) -> list[Match]:
        """:meth:`run_all` where only the token patterns ``matched`` (indices) and those
        of ``others`` (their matches) match: the matches of ``matched`` in the full
        matcher's order, from a matcher holding only them, after ``others``. spaCy's
        matcher moves the states of each pattern on their own and emits each match as
        its state completes, so leaving patterns out of it leaves the order of the
        other patterns' matches as it was; and pruning only reads the order of matches
        with the same span, which all come from ``matched`` when ``others`` holds no
        pattern with a tied span (see :meth:`_tied`)."""
        matcher = self._ordered.get(matched)
        if matcher is None:
            matcher = Matcher(self.vocab, validate=False)  # the full matcher validated them
            for i in matched:
                key, pattern = self.raw_patterns[i]
                matcher.add(key, [pattern])
            if len(self._ordered) >= 512:
                self._ordered.clear()
            self._ordered[matched] = matcher
        full = self.full
        matches = [*others, *matcher(doc)]
        matches += full._MedspacyMatcher__phrase_matcher(doc)
        matches += full._MedspacyMatcher__regex_matcher(doc)
        return prune_overlapping_matches(self._keep(matches, doc, targets))


def install(
    context: ConText,
    tokenizer: Callable[[str], Doc],
    phrase_attr: str,
    targets_attr: str | None = None,
) -> PrefilteredMatcher:
    """Replace the matcher of ``context`` (after its rules were added) by a
    :class:`PrefilteredMatcher` over the same rules, and return it. ``targets_attr``
    names the Doc extension holding the target spans (control cues overlapping one
    are dropped)."""
    attr = "_ConText__matcher"  # medspaCy 1.3 keeps it in a private attribute
    full = getattr(context, attr, None)
    if not isinstance(full, MedspacyMatcher):
        raise RuntimeError("medspaCy's ConText no longer keeps a MedspacyMatcher")
    matcher = PrefilteredMatcher(
        full,
        context.nlp.vocab,
        tokenizer,
        prune=context.prune_on_modifier_overlap,
        phrase_attr=phrase_attr,
        targets_attr=targets_attr,
    )
    setattr(context, attr, matcher)
    return matcher
