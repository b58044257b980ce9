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

Where those tokens are the sentence's, :meth:`DocSentences.sentence` also gives them to
the engine (:class:`~extractor.assertion.sentence.Sentence`), which then does not
tokenize the sentence again. For a sentence the engine would analyse whole (at most
``MAX_CHARS`` characters and ``MAX_TOKENS`` tokens), the document's lower-cased words
then decide as the sentence's would; any other sentence goes to the engine.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable

import numpy
from spacy.attrs import IDX, LENGTH, LOWER, ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from extractor.assertion.rules import RuleFilter
from extractor.assertion.sentence import Sentence
from extractor.tokenizer import doc_text, tokenized_whole


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
    """Builds, per document, its sentences as its tokens give them (:class:`DocSentences`)."""

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

    def sentences_of(self, doc: Doc) -> DocSentences | None:
        """The sentences of ``doc`` as its tokens give them, or ``None`` when the
        document's tokens cannot stand for its sentences' (another vocabulary, so another
        tokenizer, or a text tokenized piece by piece)."""
        if doc.vocab is not self.vocab or not tokenized_whole(doc):
            return None
        return DocSentences(self, doc)


class DocSentences:
    """The sentences of one pipeline document, from its tokens: :meth:`skip` tells
    whether the engine would find no asserting cue in one, :meth:`sentence` gives the
    tokens it would analyse (both only where the document's tokens are the sentence's)."""

    def __init__(self, owner: DocCueFilter, doc: Doc) -> None:
        self.owner = owner
        self.doc = doc
        columns = doc.to_array([IDX, LENGTH, LOWER, ORTH])
        self.starts: list[int] = columns[:, 0].tolist()
        self.ends: list[int] = (columns[:, 0] + columns[:, 1]).tolist()
        # the word ids stay an array: only the few sentences looked at read theirs
        # (a 64-bit id is a new Python int each, which ``tolist`` of all of them makes)
        self.lower: numpy.ndarray = columns[:, 2]
        self.orth: numpy.ndarray = columns[:, 3]

    def _open_edge(self, i: int) -> bool:
        """No special case of the tokenizer can match across the start of token ``i``."""
        return (
            i == 0
            or i == len(self.orth)
            or (int(self.orth[i - 1]), int(self.orth[i])) not in self.owner.pairs
        )

    def tokens_of(self, start: int, end: int) -> tuple[int, int] | None:
        """The document's tokens ``i:j`` that are the tokens of the sentence
        ``start:end`` tokenized alone, if they are and the engine analyses it whole."""
        owner, starts = self.owner, self.starts
        if end - start > owner.max_chars:
            return None
        i, j = bisect_left(starts, start), bisect_left(starts, end)
        if i >= j or starts[i] != start or self.ends[j - 1] != end or j - i > owner.max_tokens:
            return None
        if not (self._open_edge(i) and self._open_edge(j)):
            return None
        return i, j

    def skip(self, start: int, end: int) -> bool:
        """True when no asserting cue can match in the sentence ``start:end``."""
        where = self.tokens_of(start, end)
        return where is not None and not self._may_match(*where)

    def _may_match(self, i: int, j: int) -> bool:
        return self.owner.filter.may_match(self.lower[i:j].tolist())

    def sentence(self, start: int, end: int, tokenizer: Callable[[str], Doc]) -> Sentence | None:
        """The sentence ``start:end`` with the document's tokens (``None`` where they are
        not its own); ``tokenizer`` makes its own Doc, if a spaCy matcher needs it."""
        where = self.tokens_of(start, end)
        return None if where is None else self._sentence(start, end, *where, tokenizer)

    def analysable(
        self, start: int, end: int, tokenizer: Callable[[str], Doc]
    ) -> tuple[bool, Sentence | None]:
        """:meth:`skip` and :meth:`sentence` in one look-up of the tokens: ``(False,
        None)`` when no asserting cue can match in the sentence ``start:end``, else
        ``(True, sentence)`` (``sentence`` ``None`` where the document's tokens are not
        its own, as :meth:`sentence`; otherwise the cue filter has passed it)."""
        where = self.tokens_of(start, end)
        if where is None:
            return True, None
        if not self._may_match(*where):
            return False, None
        return True, self._sentence(start, end, *where, tokenizer)

    def _sentence(
        self, start: int, end: int, i: int, j: int, tokenizer: Callable[[str], Doc]
    ) -> Sentence:
        strings = self.doc.vocab.strings
        text = doc_text(self.doc)[start:end]
        offsets = (
            [s - start for s in self.starts[i:j]],
            [e - start for e in self.ends[i:j]],
        )
        lower = [strings[h] for h in self.lower[i:j].tolist()]
        return Sentence(text, lower, self.doc[i:j], tokenizer, offsets)
