"""Vocabulary tokens: the word tokens of a text and their folded forms (pure).

* text is split into word tokens (letters/digits; hyphens and apostrophes dropped, so
  "S-100" == "S 100", "Ewing's" == "Ewing");
* folded tokens are lower case, British spellings (tumour, haem-, oedema) turned
  American, plural endings removed ("lipomas", "metastases", "vertebrae");
* a document is tokenized once and the columns of its sentences are cut from it
  (:func:`prime_columns`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate, repeat
from operator import sub
from typing import NamedTuple


class Token(NamedTuple):
    start: int
    end: int
    raw: str
    folded: str


#: the token pattern's first branch ("S-100", "Ki-67") and the others
_HYPHENATED = r"[^\W\d_]{1,6}-\d{1,4}[^\W_]{0,3}"
_PLAIN = r"[^\W_]+(?:'s\b)?|[^\w\s'\-]"
_TOKEN_RE = re.compile(f"{_HYPHENATED}|{_PLAIN}")
#: ``_TOKEN_RE`` without its first branch, which matches only where a letter is
#: followed by "-" and a digit: a text without such a place is tokenized alike by both
#: (the first branch fails everywhere, so the others are tried in the same order); it
#: runs ~30% faster and its tokens contain no hyphen. Both as one capturing group, for
#: ``re.split`` (:func:`_columns`)
_PLAIN_SPLIT_RE = re.compile(f"({_PLAIN})")
_TOKEN_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})")
_HYPHEN_DIGIT_RE = re.compile(r"-\d")  # a literal prefix: searched for without a scan
_LETTER_RE = re.compile(r"[^\W\d_]")
_SPELLING = (
    ("tumour", "tumor"),
    ("haem", "hem"),
    ("oedem", "edem"),
    ("oesoph", "esoph"),
    ("aemia", "emia"),
    ("ischaem", "ischem"),
    ("labell", "label"),
    ("paed", "ped"),
    ("fibre", "fiber"),
    ("centre", "center"),
    ("colour", "color"),
)


#: one search for any British spelling: a word holding none is left as it is by the
#: replacements (each changes only a word holding its own), so they run only after a hit
_BRITISH_RE = re.compile("|".join(british for british, _ in _SPELLING))
#: the last letters of every plural ending :func:`_singular` changes ("-s", "-ae")
_PLURAL_ENDS = "se"
#: words kept folded (:class:`_Folds`): the cache is emptied when it holds this many
FOLD_CACHE_SIZE = 100_000


class _Folds(dict[str, str]):
    """Raw word -> :func:`fold`, computed on the first lookup (``__missing__``). A hit is
    one C-level dict lookup (``map(_FOLDS.__getitem__, raw)``): ~2x faster than an
    ``lru_cache`` hit, and a miss skips its bookkeeping (~10,000 new words per 199
    reports). Bounded: emptied when full (a word's fold does not change, so this costs
    only recomputation); a forked worker reads its own copy."""

    def __missing__(self, word: str) -> str:
        if len(self) >= FOLD_CACHE_SIZE:
            self.clear()
        folded = self[word] = _fold(word)
        return folded


_FOLDS = _Folds()


def fold(word: str) -> str:
    """Case- and spelling-insensitive form of one word ("Tumours" -> "tumor"); cached."""
    return _FOLDS[word]


def _fold(word: str) -> str:
    """:func:`fold` computed: lower case, without "'s", British spellings replaced in
    :data:`_SPELLING` order, then :func:`_singular` (inlined as far as its first tests:
    most words end in neither "s" nor "e" and leave it unchanged)."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if _BRITISH_RE.search(w) is not None:
        for british, american in _SPELLING:
            if british in w:
                w = w.replace(british, american)
    if len(w) < 4 or w[-1] not in _PLURAL_ENDS:
        return w
    return _singular(w)


def _singular(w: str) -> str:
    if len(w) < 4 or not w.isalpha():
        return w
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith(("ases", "oses", "eses")):
        return w[:-2] + "is"
    if w.endswith("ies") and len(w) > 5:
        return w[:-3] + "y"
    if w.endswith("ae") and len(w) > 5:
        return w[:-1]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


class Columns(NamedTuple):
    """The tokens of a text as parallel tuples."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    raw: tuple[str, ...]
    folded: tuple[str, ...]


#: sentence text -> its columns cut from the document's (see :func:`prime_columns`),
#: built when first asked for; span length -> the starts of the primed spans of that
#: length (most sentences are matched only as part of the document: a sentence's text
#: is neither sliced nor hashed unless a matcher asks for its columns)
_PRIMED: dict[str, Columns] = {}
_PRIMED_AT: dict[int, list[int]] = {}
_PRIMED_DOC: list[str] = [""]
_PRIMED_COLUMNS: list[Columns] = [Columns((), (), (), ())]


def columns(text: str) -> Columns:
    """Token offsets, raw and folded forms of ``text`` (see :func:`tokenize`); the
    sentences of the current document come from its one tokenization
    (:func:`prime_columns`), other texts are tokenized here and cached."""
    primed = _PRIMED.get(text)
    if primed is not None:
        return primed
    at = _PRIMED_AT.get(len(text))
    if at is not None:
        full, n = _PRIMED_DOC[0], len(_PRIMED_DOC[0])
        for a in at:
            b = a + len(text)
            if full.startswith(text, a) and open_edge(full, a, n) and open_edge(full, b, n):
                primed = _PRIMED[text] = _cut(_PRIMED_COLUMNS[0], a, b)
                return primed
    return _columns(text)


def _cut(whole: Columns, a: int, b: int) -> Columns:
    """The columns of ``full[a:b]`` from those of its document ``full`` (offsets made
    relative), for a span whose edges white space touches (:func:`prime_columns`)."""
    starts, ends, raw, folded = whole
    i, j = bisect_left(starts, a), bisect_left(starts, b)
    return Columns(
        tuple(map(sub, starts[i:j], repeat(a))) if a else starts[i:j],
        tuple(map(sub, ends[i:j], repeat(a))) if a else ends[i:j],
        raw[i:j],
        folded[i:j],
    )


def prime_columns(full: str, spans: Iterable[tuple[int, int]]) -> int:
    """Tokenize ``full`` once, so that the columns of each ``full[a:b]`` are cut from
    it when a matcher asks for them (:func:`columns`): the diagnosis, site and marker
    matchers never tokenize a sentence again; the number of spans recorded (0 for a
    document already primed).

    A span is cut only when white space touches each of its edges (a character on either
    side of the edge is white space, or the edge is an end of the text): no token
    contains white space, so no token crosses an edge, and a token's extent depends only
    on its own characters and the one after it (``'s\b``), which is white space or inside
    the span: the cut columns equal :func:`_columns` of the span's text.
    """
    if full is _PRIMED_DOC[0]:
        return 0
    _PRIMED.clear()
    _PRIMED_AT.clear()
    _PRIMED_DOC[0] = full
    _PRIMED_COLUMNS[0] = _columns(full)
    recorded = 0
    for a, b in spans:
        _PRIMED_AT.setdefault(b - a, []).append(a)
        recorded += 1
    return recorded


def open_edge(text: str, p: int, n: int) -> bool:
    """No token of ``text`` (length ``n``) can cross offset ``p``."""
    return p <= 0 or p >= n or text[p - 1].isspace() or text[p].isspace()


@lru_cache(maxsize=2048)
def _columns(text: str) -> Columns:
    """:func:`columns` computed: ``re.split`` by the token pattern (one capturing group)
    gives white space and tokens in turn, so the tokens are the odd parts and their
    offsets the running sums of the parts' lengths (faster than a ``finditer`` and three
    reads per match); the pattern without the "S-100" branch except in the
    white-space-delimited pieces around a letter followed by "-" and a digit
    (:func:`hyphen_pieces`), each split on its own and joined (a stretch ends with a gap,
    the next begins with one: the two are one gap)."""
    pieces = hyphen_pieces(text)
    if not pieces:
        parts = _PLAIN_SPLIT_RE.split(text)
        raw = tuple(parts[1::2])
    else:
        parts, pos = [""], 0
        for a, b in pieces:
            _join_parts(parts, _PLAIN_SPLIT_RE.split(text[pos:a]))
            _join_parts(parts, _TOKEN_SPLIT_RE.split(text[a:b]))
            pos = b
        _join_parts(parts, _PLAIN_SPLIT_RE.split(text[pos:]))
        # "S-100" == "S100", "Ki-67" == "Ki67"
        raw = tuple(map(str.replace, parts[1::2], repeat("-"), repeat("")))
    offsets = list(accumulate(map(len, parts)))  # gap k ends where token k starts
    return Columns(
        tuple(offsets[0:-1:2]), tuple(offsets[1::2]), raw, tuple(map(_FOLDS.__getitem__, raw))
    )


def _join_parts(parts: list[str], more: list[str]) -> None:
    """Append the split parts ``more`` of the next stretch to ``parts``: both begin and
    end with a (maybe empty) gap, and the adjacent ones are one."""
    parts[-1] += more[0]
    parts += more[1:]


def hyphen_pieces(text: str) -> list[tuple[int, int]]:
    """The maximal runs of non-white-space characters of ``text`` that hold a letter
    followed by "-" and a digit, in order: only there can the "S-100" branch of the
    token pattern match (its match holds such a place and no white space).

    No token crosses a piece's edge (white space or an end of the text is on its
    outer side), and the pattern looks at no character outside the token it matches
    but the one after ``'s`` (white space, past the piece, ends a word as the end of
    the scanned range does): scanning each piece and each stretch between them on its
    own gives the tokens of one scan of ``text``.
    """
    pieces: list[tuple[int, int]] = []
    n = len(text)
    for at in map(re.Match.start, _HYPHEN_DIGIT_RE.finditer(text)):
        if not at or not _LETTER_RE.match(text, at - 1) or (pieces and at < pieces[-1][1]):
            continue
        a = b = at
        while a and not text[a - 1].isspace():
            a -= 1
        while b < n and not text[b].isspace():
            b += 1
        pieces.append((a, b))
    return pieces


@lru_cache(maxsize=2048)
def tokenize(text: str) -> tuple[Token, ...]:
    """Word and punctuation tokens of ``text`` (hyphens and apostrophes dropped)."""
    return tuple(map(Token._make, zip(*columns(text), strict=True)))


@lru_cache(maxsize=1 << 15)
def key_of(phrase: str) -> tuple[str, ...]:
    """Folded tokens of a vocabulary phrase (the ``folded`` column of :func:`_columns`,
    without building the token tuples); cached (loading reads each phrase ~4 times)."""
    return tuple(map(_FOLDS.__getitem__, raw_key_of(phrase)))


@lru_cache(maxsize=1 << 15)
def raw_key_of(phrase: str) -> tuple[str, ...]:
    """Raw tokens of a vocabulary phrase (the ``raw`` column of :func:`_columns`)."""
    return tuple(w.replace("-", "") for w in _TOKEN_RE.findall(phrase))


def joined_variant(key: tuple[str, ...]) -> tuple[str, ...]:
    """``key`` with a word followed by a number joined ("s 100" -> "s100")."""
    out: list[str] = []
    for part in key:
        if out and part.isdigit() and out[-1].isalpha() and len(out[-1]) <= 6:
            out[-1] += part
        else:
            out.append(part)
    return tuple(out)
