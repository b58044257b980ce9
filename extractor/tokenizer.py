"""A guard around spaCy's tokenizer for pathological input.

spaCy splits prefixes and suffixes off a whitespace-free chunk one at a time, copying
the rest each time: 50,000 "(" followed by 50,000 "x" takes minutes. Chunks longer
than :data:`MAX_CHUNK` characters are pre-split into runs of word characters (at most
:data:`MAX_CHUNK` long) and single other characters; everything else goes through the
normal tokenizer unchanged.

Also here: the chunk-cache warmer (:class:`ChunkWarmer`), the suffix- and infix-search
shortcuts (:class:`SuffixGate`, :class:`InfixGate`) and the lexical attributes a new
word of the shared vocabulary gets (:func:`lean_lexemes`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import spacy
from spacy.attrs import IDS
from spacy.lang.en import English
from spacy.lang.en import lex_attrs as english
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
from spacy.vocab import Vocab

MAX_CHUNK = 100
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


#: distinct chunks remembered by :class:`ChunkWarmer` before it starts over
MAX_SEEN_CHUNKS = 100_000


class ChunkWarmer:
    """Fills spaCy's chunk cache with the chunks of a text before it is tokenized.

    spaCy's tokenizer caches the tokens of each whitespace-separated chunk it splits,
    but only until the first special case ("e.g.", "Dr.", ...) of the call: from there
    a per-call flag stops all caching, so most chunks of a report are split again in
    every report. The chunks never seen before are tokenized first, in calls where no
    special case comes before them: the plain ones (see :func:`plain_chunk`) together
    in one call, each other one in a call of its own. The whole text is then tokenized
    as before, from the cache. The tokens are the same: the cache holds a chunk's own
    tokenization, whichever call made it (a chunk taken for plain wrongly only leaves
    the chunks after it in that call uncached).
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.specials = frozenset(tokenizer.rules or ())
        self.seen: set[str] = set()
        #: tokenizer calls made, new chunks warmed
        self.calls = 0
        self.chunks = 0

    def warm(self, text: str, chunks: list[str] | None = None) -> None:
        """Tokenize each chunk of ``text`` (``chunks``: ``text.split()``, if the caller
        has them) not seen before, in a call with no special case before it."""
        new = set(text.split() if chunks is None else chunks) - self.seen
        if not new:
            return
        if len(self.seen) + len(new) > MAX_SEEN_CHUNKS:
            self.seen.clear()
        self.seen |= new
        plain: list[str] = []
        other: list[str] = []
        for chunk in new:
            (plain if plain_chunk(chunk, self.specials) else other).append(chunk)
        tokenizer = self.tokenizer
        if plain:
            tokenizer(" ".join(plain))
        for chunk in other:
            tokenizer(chunk)
        self.calls += bool(plain) + len(other)
        self.chunks += len(new)


#: trailing punctuation a plain chunk may have (spaCy splits it off as suffixes)
_PLAIN_TRAIL = ".,;:"


def plain_chunk(chunk: str, specials: frozenset[str]) -> bool:
    """Whether tokenizing ``chunk`` meets no special case of the tokenizer: letters and
    digits with at most some trailing ``.,;:``, where neither the chunk nor any of its
    forms with trailing marks removed is a special case ("Dr.," holds "Dr.")."""
    if chunk in specials:
        return False
    core = chunk
    while core and core[-1] in _PLAIN_TRAIL:
        core = core[:-1]
        if core in specials:
            return False
    return core.isalnum()


#: a string holding none of these and ending in a letter or digit has no English suffix
_SUFFIX_NEEDS = re.compile("[0-9'\u2019]")


class SuffixGate:
    """spaCy's English suffix search, without the search where it cannot match.

    spaCy tries its suffix pattern (261 alternatives, each anchored at the end) at every
    position of each piece of a new chunk: 0.4 ms per report. Every English suffix ends
    in a character that is not a letter or digit, except the units after a digit
    (``(?<=[0-9])cm``) and ``'s``/``’s``: a string ending in a letter or digit, with no
    ASCII digit and no apostrophe, has none (two thirds of the searches). Installed only
    on spaCy's English suffix pattern (:func:`gate_affix_searches`); a test checks the
    claim for every letter and digit of Unicode.
    """

    def __init__(self, search: Callable[[str], re.Match[str] | None]) -> None:
        self.search = search
        self.__self__ = search.__self__  # spaCy serializes the pattern from here

    def __call__(self, string: str) -> re.Match[str] | None:
        if string[-1:].isalnum() and _SUFFIX_NEEDS.search(string) is None:
            return None
        return self.search(string)


class InfixGate:
    """spaCy's English infix search, without the search where it cannot match: every
    English infix is or holds a character that is not a letter or digit (hyphens,
    ``.,:/<>=+*^~``, ellipses, symbols), so a piece of letters and digits only (four
    in five searched pieces) has none. A test checks the claim for every letter and
    digit of Unicode."""

    def __init__(self, finditer: Callable[[str], Iterator[re.Match[str]]]) -> None:
        self.finditer = finditer
        self.__self__ = finditer.__self__  # spaCy serializes the pattern from here

    def __call__(self, string: str) -> Iterator[re.Match[str]]:
        if string.isalnum():
            return iter(())
        return self.finditer(string)


#: spaCy's tokenizer of a language with the English suffix and infix searches gated
GATED_TOKENIZER = "extractor.gated_tokenizer.v1"


@spacy.registry.tokenizers(GATED_TOKENIZER)
def gated_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's ``spacy.Tokenizer.v1`` (the same construction from the language
    defaults) with :class:`SuffixGate` and :class:`InfixGate` put on when it is built:
    setting a search on a built tokenizer reloads its 1,300 special cases (80 ms)."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        prefixes, suffixes, infixes = defaults.prefixes, defaults.suffixes, defaults.infixes
        suffix_search = compile_suffix_regex(suffixes).search if suffixes else None
        infix_finditer = compile_infix_regex(infixes).finditer if infixes else None
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search if prefixes else None,
            suffix_search=_gated(suffix_search, SuffixGate, "suffix"),
            infix_finditer=_gated(infix_finditer, InfixGate, "infix"),
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make


def gate_affix_searches(tokenizer: Tokenizer) -> bool:
    """Put a :class:`SuffixGate` and an :class:`InfixGate` on ``tokenizer`` where its
    suffix and infix searches are spaCy's English ones; whether it put one."""
    put = False
    search = _gated(tokenizer.suffix_search, SuffixGate, "suffix")
    if search is not tokenizer.suffix_search:
        tokenizer.suffix_search = search  # each set reloads the special cases
        put = True
    finditer = _gated(tokenizer.infix_finditer, InfixGate, "infix")
    if finditer is not tokenizer.infix_finditer:
        tokenizer.infix_finditer = finditer
        put = True
    return put


def _gated(method: Any, gate: type[SuffixGate | InfixGate], kind: str) -> Any:
    """``gate(method)`` if ``method`` is the bound search of spaCy's English ``kind``
    (suffix or infix) pattern, else ``method`` itself (already gated, or another)."""
    if isinstance(method, SuffixGate | InfixGate):
        return method
    pattern = getattr(getattr(method, "__self__", None), "pattern", None)
    return gate(method) if pattern == _english_pattern(kind) else method


@cache
def _english_pattern(kind: str) -> str:
    """The pattern string spaCy's ``compile_suffix_regex`` / ``compile_infix_regex`` make
    from the English defaults, built without compiling it again (a 12,000-character
    pattern: a tenth of a second at load)."""
    if kind == "suffix":
        return "|".join(piece + "$" for piece in English.Defaults.suffixes if piece.strip())
    return "|".join(piece for piece in English.Defaults.infixes if piece.strip())


class SafeTokenizer:
    """Callable like a spaCy tokenizer; linear time on any input. Gates the English
    suffix and infix searches of the tokenizer it wraps (:class:`SuffixGate`,
    :class:`InfixGate`)."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab
        self.warmer = ChunkWarmer(tokenizer)
        gate_affix_searches(tokenizer)

    def __call__(self, text: str) -> Doc:
        # spaCy's chunks are the white-space-separated runs of ``str.split``
        chunks = text.split()
        if max(map(len, chunks), default=0) <= MAX_CHUNK:
            self.warmer.warm(text, chunks)
            doc = self.tokenizer(text)
            doc.user_data[_WHOLE_KEY] = True
            # spaCy's tokenization keeps every character: the doc's text is ``text``
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


#: the lexical attributes the pipeline reads (spaCy attribute names): the token patterns
#: of the rule files (checked on load, :func:`check_token_pattern`), ``lower_``,
#: ``is_space``, ``is_punct``, ``is_alpha`` and ``like_num`` in the code. A word first
#: seen in a report computes only these: the other getters (shape, stop word, URL,
#: e-mail, quote, bracket, currency, ...) were a fifth of the tokenizer's time.
LEXICAL_ATTRIBUTES = frozenset(
    {"LOWER", "NORM", "IS_ALPHA", "IS_DIGIT", "IS_PUNCT", "IS_SPACE", "LIKE_NUM"}
)
#: token-pattern keys that read no lexical attribute getter
_OTHER_PATTERN_KEYS = frozenset({"ORTH", "TEXT", "LENGTH", "IS_SENT_START", "OP", "_"})
_NUMBER_WORDS = frozenset(getattr(english, "_num_words", ())) | frozenset(
    getattr(english, "_ordinal_words", ())
)


def english_like_num(text: str) -> bool:
    """spaCy's English ``like_num``, with a shortcut for words of letters only: no
    letter is a digit, so such a word is number-like only as a number word ("three",
    "third")."""
    if text.isalpha():
        return text.lower() in _NUMBER_WORDS
    return english.like_num(text)


def lean_lexemes(vocab: Vocab) -> None:
    """Make the new words of ``vocab`` compute only :data:`LEXICAL_ATTRIBUTES` (the
    others stay 0: ``token.shape_`` of a word first seen in a report is empty)."""
    keep = {IDS[name] for name in LEXICAL_ATTRIBUTES}
    getters = {attr: get for attr, get in vocab.lex_attr_getters.items() if attr in keep}
    like_num = IDS["LIKE_NUM"]
    if getters.get(like_num) is english.like_num and _NUMBER_WORDS:
        getters[like_num] = english_like_num
    vocab.lex_attr_getters = getters


def check_token_pattern(pattern: object, where: str) -> None:
    """Raise ``ValueError`` naming ``where`` if a spaCy token pattern reads a lexical
    attribute the pipeline's words do not compute (see :data:`LEXICAL_ATTRIBUTES`)."""
    if not isinstance(pattern, list):
        return
    for token in pattern:
        unread = (
            set(token) - LEXICAL_ATTRIBUTES - _OTHER_PATTERN_KEYS
            if isinstance(token, dict)
            else set()
        )
        if unread:
            raise ValueError(
                f"{where}: token pattern reads {sorted(unread)}, which the pipeline's words "
                f"do not compute; allowed: {sorted(LEXICAL_ATTRIBUTES | _OTHER_PATTERN_KEYS)} "
                "(extractor.tokenizer.LEXICAL_ATTRIBUTES)"
            )
