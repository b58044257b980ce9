"""The tokens of one sentence, as the ConText engine reads them.

The engine analyses each sentence as a document of its own: the sentence tokenized
alone, its first token the only sentence start. What it reads of those tokens is their
lower-cased texts, their character offsets, their lexical attributes and, for spaCy's
matchers, the tokens themselves. :class:`Sentence` holds that much, either from the
sentence's own Doc (:meth:`Sentence.of_doc`) or from the tokens of the pipeline
document over the sentence, when they are the tokens the sentence would get
(:mod:`.doc_filter` decides): then the sentence is not tokenized again and no Doc is
made for it, unless a spaCy ``Matcher`` must run on it (:attr:`Sentence.doc`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc, Span

from extractor.assertion.patterns import Tokens
from extractor.assertion.rules import lower_words

_NOT_START = numpy.uint64(2**64 - 1)  # SENT_START -1 (not a start) in a uint64 array


def one_sentence(doc: Doc) -> None:
    """Make token 0 the only sentence start, as ``token.is_sent_start = token.i == 0``
    on every token does, in one array write (the setter checks the Doc each time)."""
    if len(doc):
        starts = numpy.full((len(doc), 1), _NOT_START, dtype=numpy.uint64)
        starts[0, 0] = 1
        doc.from_array([SENT_START], starts)


class SentenceTokens(Tokens):
    """:class:`Tokens` of a sentence analysed alone: token 0 is its only sentence start
    (what the sentence's own Doc says after :func:`one_sentence`), and the token texts
    are cut from the sentence's text (no spaCy Token made for them)."""

    def __init__(self, sentence: Sentence) -> None:
        super().__init__(sentence.tokens, sentence.lower)
        self.sentence = sentence

    @property
    def orth(self) -> list[str]:
        if self._orth is None:
            text = self.sentence.text
            self._orth = [text[a:b] for a, b in zip(*self.sentence.offsets, strict=True)]
        return self._orth

    def is_sent_start(self, i: int) -> bool:
        return i == 0


class Sentence:
    """One sentence's tokens: ``text``, ``lower`` (lower-cased token texts),
    :attr:`offsets` (character offsets of each token in ``text``) and ``tokens`` (the
    tokens as a Doc or a Span, for their lexical attributes)."""

    def __init__(
        self,
        text: str,
        lower: list[str],
        tokens: Doc | Span,
        tokenizer: Callable[[str], Doc],
        offsets: tuple[list[int], list[int]] | None = None,
        doc: Doc | None = None,
    ) -> None:
        self.text = text
        self.lower = lower
        self.tokens = tokens
        self._tokenizer = tokenizer
        self._offsets = offsets
        self._doc = doc
        self._one = False

    @classmethod
    def of_doc(cls, text: str, doc: Doc, tokenizer: Callable[[str], Doc]) -> Sentence:
        """The sentence ``text`` with its own tokens ``doc`` (``tokenizer(text)``)."""
        return cls(text, lower_words(doc), doc, tokenizer, doc=doc)

    def __len__(self) -> int:
        return len(self.lower)

    @property
    def doc(self) -> Doc:
        """The sentence's own Doc, token 0 its only sentence start (made when first
        asked for, if the sentence came from another document's tokens)."""
        if self._doc is None:
            self._doc = self._tokenizer(self.text)
        if not self._one:
            one_sentence(self._doc)
            self._one = True
        return self._doc

    def token_view(self) -> SentenceTokens:
        return SentenceTokens(self)

    @property
    def offsets(self) -> tuple[list[int], list[int]]:
        """(starts, ends): character offsets of the tokens in ``text``."""
        if self._offsets is None:
            # offsets are given unless the sentence came with its own Doc
            columns = self._doc.to_array([IDX, LENGTH])  # type: ignore[union-attr]
            self._offsets = columns[:, 0].tolist(), (columns[:, 0] + columns[:, 1]).tolist()
        return self._offsets

    def chars(self, start: int, end: int, at: int) -> tuple[int, int]:
        """Character offsets of tokens ``start:end`` (an empty range sits at ``at``)."""
        if end > start:
            starts, ends = self.offsets
            return starts[start], ends[end - 1]
        return at, at

    def span_text(self, start: int, end: int) -> str:
        starts, ends = self.offsets
        return self.text[starts[start] : ends[end - 1]]

    def has_space(self, i: int) -> bool:
        """Whether token ``i`` is followed by white space in the sentence."""
        starts, ends = self.offsets
        return i + 1 < len(starts) and starts[i + 1] > ends[i]

    def char_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The tokens of ``Doc.char_span(start, end, alignment_mode="expand")`` on the
        sentence's own Doc: those the characters ``start:end`` touch, the white space
        after a token not counting as part of it (``None``: an offset off the text)."""
        first = self._token_at(start)
        last = self._token_at(end - 1)
        if first < 0 or last < 0:
            return None
        if start == self.offsets[1][first]:
            first += 1
        return first, last + 1

    def _token_at(self, char: int) -> int:
        """spaCy's ``token_by_char``: the token whose text or following white space
        holds character ``char`` (tokens and their white space tile the text)."""
        if char < 0 or char >= len(self.text):
            return -1
        return bisect_right(self.offsets[0], char) - 1
