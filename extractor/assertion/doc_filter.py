"""Skip the sentences of a pipeline document in which no asserting cue can match,
judged from the document's own tokens instead of tokenizing each sentence again.

The engine tokenizes every sentence it is given (so the pipeline and ``assess`` run the
same code) and, with ``asserting_only``, then returns nothing for a sentence whose words
cannot match a rule that modifies targets (:func:`~extractor.assertion.rules.cue_filter`).
Two thirds of the sentences analysed in a report are such sentences. The pipeline's
document was tokenized by the same tokenizer, and a sentence's tokens are the document's
tokens over its characters when:

* the sentence starts and ends on token edges (the splitter cuts at white space);
* no special case of the tokenizer can match across its edges: spaCy tokenizes each
  whitespace-separated chunk alone, then matches the special cases that contain
  punctuation ("(:", "'s", "a.m.") over the token sequence, where a match crossing
  white space is not applied but still blocks the matches it overlaps. Such a match
  needs the two tokens on either side of the edge to follow each other in the
  tokenization of a special case (:func:`special_pairs`);
* the document was tokenized in one call (:func:`~extractor.tokenizer.tokenized_whole`:
  :class:`~extractor.tokenizer.SafeTokenizer` splits a text with a chunk over 100
  characters piece by piece).

Then, for a sentence the engine would analyse whole (at most ``MAX_CHARS`` characters
and ``MAX_TOKENS`` tokens), the document's lower-cased words decide as the sentence's
would; any other sentence goes to the engine.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable

from spacy.attrs import IDX, LENGTH, LOWER, ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from extractor.assertion.rules import RuleFilter
from extractor.tokenizer import tokenized_whole

#: (start, end) of a sentence -> True when the engine would find no asserting cue in it
Skip = Callable[[int, int], bool]


def special_pairs(tokenizer: Tokenizer) -> frozenset[tuple[int, int]]:
    """Consecutive token texts in the tokenization (without special cases) of each of
    the tokenizer's special cases that spaCy matches over tokens (as
    ``Tokenizer.add_special_case`` decides): the pairs such a match must cover, as
    pairs of ``ORTH`` ids."""
    bare = Tokenizer(
        tokenizer.vocab,
        rules={},
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
    )
    pairs: set[tuple[int, int]] = set()
    for string in tokenizer.rules or {}:
        if not (
            not tokenizer.faster_heuristics
            or tokenizer.find_prefix(string)
            or tokenizer.find_infix(string)
            or tokenizer.find_suffix(string)
            or " " in string
        ):
            continue  # tokenized by the special case alone, never matched over tokens
        orths = [token.orth for token in bare(string)]
        pairs.update(zip(orths, orths[1:], strict=False))
    return frozenset(pairs)


def hashed(words_filter: RuleFilter, hash_of: Callable[[str], Hashable]) -> RuleFilter:
    """The same filter over word hashes (``hash_of``: the vocabulary's string ids)."""
    return RuleFilter(
        tuple(
            None if sets is None else tuple(frozenset(map(hash_of, s)) for s in sets)
            for sets in words_filter.requirements
        )
    )


class DocCueFilter:
    """Builds, per document, the :data:`Skip` test of its sentences."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        words_filter: RuleFilter,
        *,
        max_chars: int,
        max_tokens: int,
    ) -> None:
        self.vocab = tokenizer.vocab
        self.pairs = special_pairs(tokenizer)
        self.filter = hashed(words_filter, self.vocab.strings.add)
        self.max_chars = max_chars
        self.max_tokens = max_tokens

    def for_doc(self, doc: Doc) -> Skip | None:
        """The test for the sentences of ``doc``, or ``None`` when the document's tokens
        cannot stand for its sentences' (another vocabulary, so another tokenizer, or a
        text tokenized piece by piece)."""
        if doc.vocab is not self.vocab or not tokenized_whole(doc):
            return None
        columns = doc.to_array([IDX, LENGTH, LOWER, ORTH])
        starts = columns[:, 0].tolist()
        ends = (columns[:, 0] + columns[:, 1]).tolist()
        lower = columns[:, 2].tolist()
        orth = columns[:, 3].tolist()
        pairs, n = self.pairs, len(starts)

        def open_edge(i: int) -> bool:  # no special case can match across token i's start
            return i == 0 or i == n or (orth[i - 1], orth[i]) not in pairs

        def skip(start: int, end: int) -> bool:
            if end - start > self.max_chars:
                return False
            i, j = bisect_left(starts, start), bisect_left(starts, end)
            if i >= j or starts[i] != start or ends[j - 1] != end or j - i > self.max_tokens:
                return False
            return open_edge(i) and open_edge(j) and not self.filter.may_match(lower[i:j])

        return skip
