"""A stand-in for medspaCy's rule matcher inside ConText: same matches, fewer patterns run.

medspaCy's ``MedspacyMatcher`` runs all token patterns of the rule set with one spaCy
``Matcher`` (which starts a state for every pattern at every token, so its cost grows
with the number of rules), appends the phrase and regular-expression matches and, as
ConText asks, prunes overlapping matches (the longest wins). :class:`PrefilteredMatcher`
keeps one ``Matcher`` per token pattern and runs only the patterns whose required words
(:func:`~extractor.assertion.rules.required_words`) all occur in the text. The result
is the same list:

* a pattern's matches do not depend on the other patterns of a ``Matcher``, and a
  pattern missing a required word has none;
* pruning sorts the matches by (start, end) with a stable sort, so their order only
  matters for matches with the same span, where the first one found is kept: when two
  token patterns match the same span, the full matcher runs instead (the phrase
  matches come after the token matches either way);
* with pruning off, with a regular-expression rule or an ``on_match`` callback, the
  full matcher always runs.
"""

from __future__ import annotations

from collections.abc import Callable

from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText, ConTextRule
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extractor.assertion.rules import RuleFilter, lower_words, required_words, tokenized_words

Match = tuple[int, int, int]


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
    ) -> None:
        self.full = full
        self.phrases = PhraseMatcher(vocab, attr=phrase_attr)
        self.token_matchers: list[Matcher] = []
        requirements = []
        self.always_full = not prune or phrase_attr.upper() != "LOWER"
        for key, rule in full.rule_map.items():
            if rule.on_match is not None or isinstance(rule.pattern, str):
                self.always_full = True
            elif rule.pattern is None:  # as MedspacyMatcher.add does with LOWER
                self.phrases.add(key, [tokenizer(rule.literal.lower())])
            else:
                matcher = Matcher(vocab)
                matcher.add(key, [rule.pattern])
                self.token_matchers.append(matcher)
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

    def __call__(self, doc: Doc) -> list[Match]:
        if self.always_full:
            return self.full(doc)
        matches: list[Match] = []
        for i in self.filter.matchable(lower_words(doc)):
            matches.extend(self.token_matchers[i](doc))
        if len({(start, end) for _, start, end in matches}) < len(matches):
            return self.full(doc)  # which one pruning keeps depends on the full order
        matches.extend(self.phrases(doc))
        return prune_overlapping_matches(matches)


def install(
    context: ConText, tokenizer: Callable[[str], Doc], phrase_attr: str
) -> PrefilteredMatcher:
    """Replace the matcher of ``context`` (after its rules were added) by a
    :class:`PrefilteredMatcher` over the same rules, and return it."""
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
    )
    setattr(context, attr, matcher)
    return matcher
