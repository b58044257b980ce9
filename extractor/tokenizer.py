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
    string is cached in ``doc.user_data`` (:class:`SafeTokenizer` stores its input there
    when spaCy's tokenizer made the doc: its tokens keep every character).
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


#: distinct chunks remembered by :class:`ChunkWarmer` before it starts over
MAX_SEEN_CHUNKS = 100_000


class ChunkWarmer:
    """Fills spaCy's chunk cache with the chunks of a text before it is tokenized.

    spaCy's tokenizer caches the tokens of each whitespace-separated chunk it splits,
    but only until the first special case ("e.g.", "Dr.", ...) of the call: from there
    a per-call flag stops all caching, so most chunks of a report are split again in
    every report. Tokenizing each chunk never seen before on its own (a call of its own,
    so the flag is clear) caches it; the whole text is then tokenized as before, from
    the cache. The tokens are the same: the cache holds a chunk's own tokenization.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.seen: set[str] = set()
        self.calls = 0

    def warm(self, text: str) -> None:
        """Tokenize alone each chunk of ``text`` not seen before."""
        new = set(text.split()) - self.seen
        if not new:
            return
        if len(self.seen) + len(new) > MAX_SEEN_CHUNKS:
            self.seen.clear()
        self.seen |= new
        tokenizer = self.tokenizer
        for chunk in new:
            tokenizer(chunk)
        self.calls += len(new)


class SafeTokenizer:
    """Callable like a spaCy tokenizer; linear time on any input."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab
        self.warmer = ChunkWarmer(tokenizer)

    def __call__(self, text: str) -> Doc:
        if not _LONG_CHUNK_RE.search(text):
            self.warmer.warm(text)
            doc = self.tokenizer(text)
            doc.user_data[_WHOLE_KEY] = True
            # spaCy's tokenizer keeps every character: the doc's text is ``text``
            doc.user_data[_TEXT_KEY] = text
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
