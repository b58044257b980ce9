"""A guard around spaCy's tokenizer for pathological input.

spaCy splits prefixes and suffixes off a whitespace-free chunk one at a time, copying
the rest each time: 50,000 "(" followed by 50,000 "x" takes minutes. Chunks longer
than :data:`MAX_CHUNK` characters are pre-split into runs of word characters (at most
:data:`MAX_CHUNK` long) and single other characters; everything else goes through the
normal tokenizer unchanged.
"""

from __future__ import annotations

import re

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

MAX_CHUNK = 100
_LONG_CHUNK_RE = re.compile(rf"\S{{{MAX_CHUNK + 1},}}")
_CHUNK_RE = re.compile(r"\S+|\s+")
_PIECE_RE = re.compile(rf"\w{{1,{MAX_CHUNK}}}|\W")


_TEXT_KEY = ("extractor", "text")


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc.

    spaCy's ``Doc.text`` joins every token on each access; a dozen components read it
    per report. The pipeline never changes a doc's tokens after tokenization, so the
    string is cached in ``doc.user_data``.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return text


_WHOLE_KEY = ("extractor", "tokenized_whole")


def tokenized_whole(doc: Doc) -> bool:
    """Whether :class:`SafeTokenizer` made ``doc`` in one call of its tokenizer (its text
    has no chunk longer than :data:`MAX_CHUNK`), so each of its whitespace-separated
    chunks has the tokens the tokenizer gives any text holding that chunk."""
    return doc.user_data.get(_WHOLE_KEY, False)


class SafeTokenizer:
    """Callable like a spaCy tokenizer; linear time on any input."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab

    def __call__(self, text: str) -> Doc:
        if not _LONG_CHUNK_RE.search(text):
            doc = self.tokenizer(text)
            doc.user_data[_WHOLE_KEY] = True
            return doc
        words: list[str] = []
        spaces: list[bool] = []
        for chunk in _CHUNK_RE.findall(text):
            if chunk.isspace():
                self._add_space(chunk, words, spaces)
                continue
            pieces = (
                _PIECE_RE.findall(chunk)
                if len(chunk) > MAX_CHUNK
                else [t.text for t in self.tokenizer(chunk)]
            )
            words.extend(pieces)
            spaces.extend([False] * len(pieces))
        return Doc(self.vocab, words=words, spaces=spaces)

    @staticmethod
    def _add_space(chunk: str, words: list[str], spaces: list[bool]) -> None:
        if words and not spaces[-1] and chunk.startswith(" "):
            spaces[-1] = True
            chunk = chunk[1:]
        if chunk:
            words.append(chunk)
            spaces.append(False)

    def pipe(self, texts, batch_size: int = 1000):  # noqa: ANN001, ANN201 - spaCy protocol
        for text in texts:
            yield self(text)
