"""Package vocabularies (markers, diagnoses, sites, laterality words) and their matchers.

The files, their entries and validation are :mod:`~extractor.fields.vocabulary_files`;
tokens and folding are :mod:`~extractor.fields.vocabulary_tokens` (both re-exported
here). Matching is a token trie (no spaCy needed, so the parsers stay pure):

* case-insensitive keys (canonical + ``synonyms``) compare *folded* tokens: lower
  case, British spellings (tumour, haem-, oedema) to American, plural endings removed
  ("lipomas", "metastases", "vertebrae");
* case-sensitive keys (``case_sensitive_synonyms``, ``abbreviations``) compare the raw
  tokens exactly ("ALK", "SMA");
* the longest match wins, left to right, without overlaps;
* optional approximate matching (:meth:`PhraseIndex.find_fuzzy`, the pass itself in
  :mod:`~extractor.fields.fuzzy`) for misspellings with a bounded Damerau-Levenshtein
  distance.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress, count
from typing import Any

import numpy as np

from extractor.fields import fuzzy
from extractor.fields.vocabulary_files import (
    SPECS,
    FileSpec,
    VocabEntry,
    VocabularyError,
    load_vocabulary,
    parse_vocabulary,
    parse_vocabulary_file,
    read_vocabulary_text,
)
from extractor.fields.vocabulary_tokens import (
    Columns,
    Token,
    _columns,
    columns,
    fold,
    joined_variant,
    key_of,
    open_edge,
    prime_columns,
    raw_key_of,
    tokenize,
)

__all__ = [
    "SPECS",
    "Columns",
    "FileSpec",
    "PhraseIndex",
    "Token",
    "VocabEntry",
    "VocabMatch",
    "VocabularyError",
    "_columns",
    "all_keys",
    "by_canonical",
    "canonical_diagnosis",
    "canonical_marker",
    "canonical_site",
    "columns",
    "damerau_levenshtein",
    "fold",
    "fuzzy_limit",
    "joined_variant",
    "key_of",
    "laterality_words",
    "load_vocabulary",
    "open_edge",
    "parse_vocabulary",
    "parse_vocabulary_file",
    "phrase_index",
    "prime_columns",
    "raw_key_of",
    "read_vocabulary_text",
    "tokenize",
]


@dataclass(frozen=True)
class VocabMatch:
    start: int  # character offsets into the matched text
    end: int
    entry: VocabEntry
    how: str  # "synonym", "exact" or "fuzzy"
    distance: int = 0

    @property
    def canonical(self) -> str:
        return self.entry.canonical


class _Trie:
    def __init__(self) -> None:
        self.root: dict[str, Any] = {}

    def add(self, key: tuple[str, ...], entry: VocabEntry | None) -> None:
        node = self.root
        for part in key:
            node = node.setdefault(part, {})
        node["\0"] = entry


_NONE: tuple[int, VocabEntry | None] = (0, None)


def _longest(root: dict[str, Any], words: Sequence[str], i: int) -> tuple[int, VocabEntry | None]:
    """(number of tokens, entry) of the longest key of the trie ``root`` starting at
    ``words[i]``."""
    node, best, best_n = root, None, 0
    for n in range(i, len(words)):
        node = node.get(words[n])
        if node is None:
            break
        if "\0" in node:
            best, best_n = node["\0"], n - i + 1
    return best_n, best


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``; ``limit + 1`` once above it.

    Only the diagonal band |i - j| <= limit is computed: O(len(a) * limit).
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    big = limit + 1
    prev2: list[int] = []
    prev = [j if j <= limit else big for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [big] * (len(b) + 1)
        cur[0] = i if i <= limit else big
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = min(value, big)
        if min(cur) > limit:
            return big
        prev2, prev = prev, cur
    return min(prev[-1], big)


def fuzzy_limit(key: str) -> int:
    """Edits allowed for a vocabulary key: multi-word keys from 8 characters, single
    words from 10; two edits from 14 characters."""
    if len(key) >= 14:
        return 2
    if len(key) >= (8 if " " in key else 10):
        return 1
    return 0


class PhraseIndex:
    """Token-trie matcher over vocabulary entries."""

    def __init__(self, entries: Iterable[VocabEntry], use_exact: bool = True) -> None:
        self.entries = list(entries)
        self._folded = _Trie()
        self._raw = _Trie()
        self._fuzzy_keys: list[tuple[str, VocabEntry, int]] = []
        self._fuzzy_index: fuzzy.FuzzyIndex | None = None
        self.max_tokens = 1
        self.keys: dict[tuple[str, ...], VocabEntry] = {}
        exact_owner: dict[tuple[str, ...], VocabEntry | None] = {}
        for entry in self.entries:
            for phrase in entry.synonyms:
                key = key_of(phrase)
                for variant in {key, joined_variant(key)}:
                    self._folded.add(variant, entry)
                    self.keys.setdefault(variant, entry)
                self.max_tokens = max(self.max_tokens, len(key))
                self._add_fuzzy(" ".join(key), entry)
            for phrase in entry.exact if use_exact else ():
                key = raw_key_of(phrase)
                owner = exact_owner.get(key, entry)
                exact_owner[key] = entry if owner.canonical == entry.canonical else None
        for key, owner in exact_owner.items():
            if owner is not None:
                self._raw.add(key, owner)
                self.max_tokens = max(self.max_tokens, len(key))
        self.ambiguous = sorted(" ".join(k) for k, v in exact_owner.items() if v is None)
        #: the last folded word of each key and the last raw word of each exact key: a
        #: match ends with a token of one of these forms (:meth:`may_end_match`)
        self.last_folded = frozenset(key[-1] for key in self.keys if key)
        self.last_raw = frozenset(key[-1] for key, v in exact_owner.items() if key and v)

    def may_end_match(self, text: str) -> bool:
        """False only when no match of :meth:`find` on ``text`` ends at its end: the
        last token is then the last word of no key. Only the run after the last white
        space is tokenized (no token holds white space, so its tokens are the last
        ones of ``text``): a defined abbreviation's 120 characters before it cost a
        tokenization and a trie scan where mostly no name ends."""
        run = text.rsplit(None, 1)  # [..., the last run of non-white-space]
        tail = columns(run[-1]) if run else None
        return bool(tail and tail.raw) and (
            tail.folded[-1] in self.last_folded or tail.raw[-1] in self.last_raw
        )

    def lookup(self, name: str) -> VocabEntry | None:
        """The entry whose synonym is exactly ``name`` (case-insensitive), else None."""
        found = self.find(name)
        tokens = tokenize(name)
        if (
            len(found) == 1
            and tokens
            and (found[0].start, found[0].end)
            == (
                tokens[0].start,
                tokens[-1].end,
            )
        ):
            return found[0].entry
        return self.keys.get(joined_variant(key_of(name)))

    def _add_fuzzy(self, key: str, entry: VocabEntry) -> None:
        limit = fuzzy_limit(key)
        if limit:
            self._fuzzy_keys.append((key, entry, limit))

    def find(self, text: str) -> list[VocabMatch]:
        """Longest non-overlapping exact matches, left to right."""
        starts, ends, raw, folded = columns(text)
        folded_root, raw_root = self._folded.root, self._raw.root
        out: list[VocabMatch] = []
        i = 0  # the first token not inside a match
        # only tokens that start a key are tried (a membership test mapped over the
        # tokens; the raw ones only when a raw token starts a key: most texts have none)
        starting: Iterable[int] = compress(count(), map(folded_root.__contains__, folded))
        if raw_root and not raw_root.keys().isdisjoint(raw):
            starting = sorted({*starting, *compress(count(), map(raw_root.__contains__, raw))})
        for k in starting:
            if k < i:
                continue
            i = k
            # a trie is walked only from a token that starts one of its keys
            n1, e1 = _longest(folded_root, folded, i) if folded[i] in folded_root else _NONE
            n2, e2 = _longest(raw_root, raw, i) if raw[i] in raw_root else _NONE
            n, entry, how = (n2, e2, "exact") if n2 > n1 else (n1, e1, "synonym")
            if entry is None:
                continue
            out.append(VocabMatch(starts[i], ends[i + n - 1], entry, how))
            i += n
        return out

    def find_in_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> list[list[VocabMatch]]:
        """:meth:`find` of each ``text[a:b]`` (offsets into it), cut from one :meth:`find`
        of ``text``.

        A span is cut when white space touches both its edges (its tokens are then those
        of ``text`` inside it: :func:`prime_columns`) and no match of ``text`` crosses an
        edge. Then the matching, left to right, reaches the span's first token outside any
        match in both runs, tries the same tokens, and every trie walk in the span ends
        inside it in the ``text`` run (a walk past the end would give a match crossing it:
        the longer of the two walks is taken), so it gives the same matches. Other spans
        are matched on their own.
        """
        whole = self.find(text)
        starts = [m.start for m in whole]
        ends = [m.end for m in whole]
        n = len(text)
        out: list[list[VocabMatch]] = []
        for a, b in spans:
            i, j = bisect_left(starts, a), bisect_left(starts, b)
            if (
                not (open_edge(text, a, n) and open_edge(text, b, n))
                or (i and ends[i - 1] > a)
                or (j > i and ends[j - 1] > b)
            ):
                out.append(self.find(text[a:b]))
            elif i == j:
                out.append([])  # most spans: no match (no comprehension to run)
            else:
                out.append([VocabMatch(m.start - a, m.end - a, m.entry, m.how) for m in whole[i:j]])
        return out

    def find_fuzzy(
        self, text: str, taken: list[tuple[int, int]], stop_keys: frozenset[str] = frozenset()
    ) -> list[VocabMatch]:
        """Approximate matches on tokens not covered by ``taken`` spans.

        The window must start with the same two letters as the key, must not be a key
        of any vocabulary itself (``stop_keys``), and stays within the edit limit of
        :func:`fuzzy_limit` (see :mod:`~extractor.fields.fuzzy`).
        """
        cols = columns(text)
        if not cols.starts:
            return []
        usable = _free(cols, sorted(taken)) & np.fromiter(
            map(str.isalpha, cols.raw), bool, len(cols.raw)
        )
        return [
            VocabMatch(cols.starts[i], cols.ends[i + n - 1], entry, "fuzzy", d)
            for i, n, d, entry in self.fuzzy_index().matches(cols.folded, usable, stop_keys)
        ]

    def fuzzy_index(self) -> fuzzy.FuzzyIndex:
        """The :class:`fuzzy.FuzzyIndex` of the fuzzy keys, built on first use."""
        if self._fuzzy_index is None:
            self._fuzzy_index = fuzzy.FuzzyIndex(
                [(key, limit, entry) for key, entry, limit in self._fuzzy_keys], self.max_tokens
            )
        return self._fuzzy_index


def _free(cols: Columns, spans: list[tuple[int, int]]) -> np.ndarray:
    """Per token of ``cols``: not covered by the sorted ``spans``, i.e. neither the last
    span starting at or before the token nor the next span overlaps it (the earlier
    per-token bisect test). Computed per span, not per token (a document has ~460 tokens
    and ~10 spans): span k is the last one for the tokens starting in [a_k, a_k+1) and
    covers those starting before its end; the next span of a token overlaps it when the
    token holds that span's start past its own first character, so a token holding any
    span's start there is covered (the next span starts at or before that one)."""
    starts, ends = cols.starts, cols.ends
    free = bytearray(b"\1") * len(starts)
    for k, (a, b) in enumerate(spans):
        stop = min(b, spans[k + 1][0]) if k + 1 < len(spans) else b
        i, j = bisect_left(starts, a), bisect_left(starts, stop)
        if i < j:
            free[i:j] = bytes(j - i)
        if i and ends[i - 1] > a:  # the token before holds ``a``
            free[i - 1] = 0
    return np.frombuffer(free, bool)


# ---------------------------------------------------------------- cached indexes


@cache
def phrase_index(name: str) -> PhraseIndex:
    """The cached matcher of package vocabulary ``name``."""
    return PhraseIndex(load_vocabulary(name))


@cache
def all_keys() -> frozenset[str]:
    """Folded keys of every synonym in every vocabulary (stop list for fuzzy matching)."""
    keys: set[str] = set()
    for name in ("markers.csv", "diagnoses.csv", "sites.csv"):
        for entry in load_vocabulary(name):
            keys.update(" ".join(key_of(p)) for p in entry.synonyms)
    return frozenset(keys)


def by_canonical(name: str) -> dict[str, VocabEntry]:
    return {e.canonical: e for e in load_vocabulary(name)}


@cache
def laterality_words() -> dict[str, str]:
    """Folded laterality word (e.g. "rt", "left sided") -> laterality value."""
    return {
        " ".join(key_of(e.canonical)): e.attrs["laterality"]
        for e in load_vocabulary("laterality.csv")
    }


def _lookup(name: str, phrase: str) -> str | None:
    try:
        entry = phrase_index(name).lookup(phrase)
    except VocabularyError:
        return None
    return entry.canonical if entry else None


def canonical_marker(text: str) -> str | None:
    """Canonical marker name of ``text`` ("S-100" -> the markers.csv canonical), or None."""
    return _lookup("markers.csv", text)


def canonical_diagnosis(text: str) -> str | None:
    return _lookup("diagnoses.csv", text)


def canonical_site(text: str) -> str | None:
    return _lookup("sites.csv", text)
