"""medspaCy's heading matcher with its token patterns matched in Python.

The Sectionizer's ``MedspacyMatcher`` runs its token patterns with a spaCy ``Matcher``
over the whole report, which starts a state for every pattern at every token (most of
the cost of the ``case_sections`` stage), then appends the phrase matches and prunes
overlapping matches (the longest wins). Every heading token pattern begins with a
required word ("case", "figure", "review", ...), so :class:`HeadingMatcher` finds the
tokens holding one of those words in the document's ``LOWER`` array and matches each
pattern (:func:`~extractor.assertion.patterns.compile_pattern`) only from there. The
result is the same list:

* a pattern's matches do not depend on the other patterns, and a match of a pattern
  whose first token is required starts at a token holding one of its first words;
* pruning sorts the matches by (start, end) with a stable sort, so the order of the
  token matches only matters for two of them with the same span: then the full
  matcher runs, as when a rule is not of that shape (a regular expression, an
  ``on_match`` callback, a pattern :mod:`~extractor.assertion.patterns` does not
  implement or that may start at any word); the phrase matches come after the token
  matches either way.
"""

from __future__ import annotations

from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.util import prune_overlapping_matches
from numpy import array, flatnonzero, ndarray, searchsorted, uint64
from spacy.attrs import LOWER, ORTH
from spacy.tokens import Doc

from extractor.assertion.patterns import TokenPattern, Tokens, compile_pattern

Match = tuple[int, int, int]


class _Words:
    """The token strings of a Doc attribute array, looked up only where read (the
    patterns read a few tokens after each first word: the array is not listed)."""

    def __init__(self, ids: ndarray, doc: Doc) -> None:
        self.ids = ids
        self.strings = doc.vocab.strings

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> str:
        return self.strings[int(self.ids[i])]


class _DocTokens(Tokens):
    """:class:`Tokens` whose ``lower`` and ``orth`` are read from the arrays of the Doc
    token by token, as the patterns ask, instead of listed for the whole report."""

    def __init__(self, doc: Doc, lower: ndarray, orth: ndarray) -> None:
        super().__init__(doc, _Words(lower, doc))  # type: ignore[arg-type]
        self._orth = _Words(orth, doc)  # type: ignore[assignment]


def _first_words(pattern: TokenPattern) -> frozenset[str] | None:
    """The words a match of ``pattern`` starts with, when its first token is one of them."""
    anchor = pattern.anchor
    if anchor is None or anchor.near != 0 or anchor.far != 0:
        return None
    return anchor.words


class HeadingMatcher:
    """Called like the ``MedspacyMatcher`` ``full`` on a Doc, with the same result
    (its phrase matcher runs as it is)."""

    def __init__(self, full: MedspacyMatcher) -> None:
        self.full = full
        vocab = full.nlp.vocab
        #: per token pattern: (match key, the pattern compiled)
        self.patterns: list[tuple[int, TokenPattern]] = []
        #: ``LOWER`` id of a first word -> indices of the patterns starting with it
        self.by_first: dict[int, list[int]] = {}
        self.always_full = not full._prune
        for key, rule in full.rule_map.items():
            if rule.pattern is None and rule.on_match is None:
                continue  # phrase-matched by the full matcher's PhraseMatcher
            compiled = compile_pattern(rule.pattern) if rule.on_match is None else None
            words = None if compiled is None else _first_words(compiled)
            if compiled is None or words is None:
                self.always_full = True
                continue
            for word in words:
                self.by_first.setdefault(vocab.strings.add(word), []).append(len(self.patterns))
            self.patterns.append((vocab.strings.add(key), compiled))
        self.first_ids = array(sorted(self.by_first), dtype=uint64)

    def __call__(self, doc: Doc) -> list[Match]:
        if self.always_full or not len(doc) or not self.patterns:
            return self.full(doc)
        columns = doc.to_array([LOWER, ORTH])
        lower = columns[:, 0]
        first = self.first_ids  # ascending: a first word is where a token's id sorts
        at = searchsorted(first, lower).clip(max=len(first) - 1)
        starts = flatnonzero(first[at] == lower).tolist()
        matches: list[Match] = []
        if starts:
            tokens = _DocTokens(doc, lower, columns[:, 1])
            for start in starts:
                for k in self.by_first[int(lower[start])]:
                    key, pattern = self.patterns[k]
                    ends = sorted(pattern.ends_from(tokens, start))
                    matches.extend((key, start, end) for end in ends if end > start)
        if len({(start, end) for _, start, end in matches}) < len(matches):
            return self.full(doc)  # which one pruning keeps depends on the full order
        matches += self.full._MedspacyMatcher__phrase_matcher(doc)
        return prune_overlapping_matches(matches)
