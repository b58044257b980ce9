"""The fuzzy vocabulary pass over the tokens of one text (``PhraseIndex.find_fuzzy``).

A window (a run of free, all-letter tokens joined by single spaces) matches a key when
their optimal-string-alignment (OSA) distance is within the key's edit limit. The
windows tried at a token depend only on the tokens, not on the matches found before, so
the pass runs in three steps, the first two as array operations over the whole text
(numpy, no Python loop over tokens or windows):

1. candidate pairs: a key is a candidate for a window when both start with the same two
   characters, and the edits needed to change the key's length and number of words
   into the window's are within the key's limit (:func:`edits_needed`). The pairs
   come from one table lookup per window: (prefix, length, tokens) -> keys
   (:class:`FuzzyIndex`); windows longer (in characters or tokens) than every key of
   their prefix can reach are not formed. On the 199 development reports: 121,623
   windows, 749,866 pairs (918,879 without the word bound), of which 172 are within
   two edits;
2. a histogram filter drops the pairs that cannot be within the limit: an insertion or
   deletion changes the character histogram (L1 norm) by one, a substitution by at most
   two, a transposition not at all, so ``L1(window, key) <= 2 * distance``. Characters
   are counted in 16 bins (:data:`_GROUPS`: a frequent letter shares a bin with a rare
   one; merging characters into a bin never raises the L1 norm, so the bound holds).
   534 of the 749,866 pairs remain; those whose window is not a stop key are
   compared in ONE ``rapidfuzz.process.cpdist`` call per text (pairwise OSA distances,
   cut off at two edits). The earlier pass built the windows in a Python loop and
   compared all pairs: 2.0 -> 0.8 ms per report;
3. left to right, the window with the smallest distance at each token (the shortest on
   ties, its closest key within that key's own limit, the first key on ties) is a match
   and the search goes on after it.

Keys are compared in the order of the earlier per-prefix tables: within a (prefix,
length, tokens) bucket, shorter keys first, file order within a length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

#: histogram bins of the characters: a frequent letter shares a bin with a rare one;
#: space, then every other character (digits, punctuation, accented letters)
_GROUPS = ("ah", "oy", "ig", "ef", "rb", "lv", "mk", "nx", "tw", "sq", "cz", "uj", "d", "p", " ")
N_BINS = len(_GROUPS) + 1
_SPACE = _GROUPS.index(" ")
#: bin of each ASCII code point; index 128 (any code point from 128 on) is the last bin
_BIN_OF = np.array(
    [
        next((g for g, chars in enumerate(_GROUPS) if chr(c) in chars), N_BINS - 1)
        for c in range(129)
    ],
    dtype=np.int64,
)
_CP = 0x110000  # code points: a two-character prefix is c0 * _CP + c1


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array (one per Python character)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def bins_of(cps: np.ndarray) -> np.ndarray:
    """Histogram bin of each code point."""
    return _BIN_OF[np.minimum(cps, 128)]


def histograms(texts: Sequence[str]) -> np.ndarray:
    """Character counts of each text in the :data:`N_BINS` bins (one row per text)."""
    owner = np.repeat(np.arange(len(texts)), [len(t) for t in texts])
    cells = owner * N_BINS + bins_of(code_points("".join(texts)))
    return np.bincount(cells, minlength=len(texts) * N_BINS).reshape(len(texts), N_BINS)


def edits_needed(dl: Any, dn: Any) -> Any:
    """The fewest edits that change a string's length by ``dl`` and its number of
    space-separated words by ``dn`` (ints or arrays).

    One edit changes each by at most one, and never the two in opposite directions: an
    insertion adds a character (a letter never removes a word), a deletion removes one
    (never adds a word), a substitution or transposition keeps the length. So with
    opposite signs the length and the words need separate edits (a window one character
    longer than the key with one word less is two edits away: 18% of the pairs of the
    development reports need more than their key's limit).
    """
    return np.where(dl * dn < 0, abs(dl) + abs(dn), np.maximum(abs(dl), abs(dn)))


class FuzzyIndex:
    """Fuzzy keys bucketed by (two-character prefix, window length, window tokens)."""

    def __init__(self, keys: Sequence[tuple[str, int, Any]], max_tokens: int) -> None:
        """``keys``: (key, edit limit, entry) in file order; windows have at most
        ``max_tokens + 1`` tokens."""
        order = sorted(range(len(keys)), key=lambda k: (keys[k][0][:2], len(keys[k][0])))
        self.keys = [keys[k][0] for k in order]
        self.entries = [keys[k][2] for k in order]
        self.limit_of = [keys[k][1] for k in order]
        limits = np.array(self.limit_of, dtype=np.int64)
        self.twice_limit = (2 * limits).astype(np.int16)
        self.hist = histograms(self.keys).astype(np.int16)
        self.n_max = max_tokens + 1
        prefixes = sorted({key[:2] for key in self.keys})
        self.prefix_codes = np.array([ord(p[0]) * _CP + ord(p[1]) for p in prefixes], np.int64)
        lengths = np.array([len(key) for key in self.keys], dtype=np.int64)
        #: a window longer than every key's reach has length max_len + 1 (no bucket)
        self.max_len = int((lengths + limits).max(initial=0))
        pid = np.searchsorted(self.prefix_codes, [ord(k[0]) * _CP + ord(k[1]) for k in self.keys])
        words = np.array([key.count(" ") + 1 for key in self.keys], dtype=np.int64)
        self.table, self.offsets, self.counts, self.flat = self._buckets(
            len(prefixes), pid, lengths, words, limits
        )
        #: per prefix, the longest window (characters, tokens) that has a bucket: longer
        #: windows from a token with that prefix are not formed
        self.reach_len = np.zeros(len(prefixes), np.int64)
        np.maximum.at(self.reach_len, pid, lengths + limits)
        self.reach_n = np.zeros(len(prefixes), np.int64)
        np.maximum.at(self.reach_n, pid, np.minimum(words + limits, self.n_max))

    def _code(self, pid: Any, length: Any, n: Any) -> Any:
        """Bucket number of (prefix id, window length, tokens); ints or arrays."""
        return (pid * (self.max_len + 2) + length) * (self.n_max + 1) + n

    def _buckets(
        self,
        n_prefixes: int,
        pid: np.ndarray,
        lengths: np.ndarray,
        words: np.ndarray,
        limits: np.ndarray,
    ) -> tuple[np.ndarray, ...]:
        """Bucket number -> bucket (or -1); per bucket its offset and size in the flat
        array of key ids (in key order: shorter keys first, file order within a length).
        A key is in the buckets whose length and tokens are within its limit of its own
        (:func:`edits_needed`)."""
        reach = np.arange(-int(limits.max(initial=0)), int(limits.max(initial=0)) + 1)
        dl, dn, lim = reach[None, :, None], reach[None, None, :], limits[:, None, None]
        n = words[:, None, None] + dn
        ok = (edits_needed(dl, dn) <= lim) & (n >= 1) & (n <= self.n_max)
        code = self._code(pid[:, None, None], lengths[:, None, None] + dl, n)
        kid = np.broadcast_to(np.arange(len(self.keys))[:, None, None], ok.shape)[ok]
        code = np.broadcast_to(code, ok.shape)[ok]
        by_code = np.argsort(code, kind="stable")  # key order within a bucket
        codes, offsets, sizes = np.unique(code[by_code], return_index=True, return_counts=True)
        # the smallest type that holds the bucket numbers: the table is read at random
        # places, mostly from outside the CPU caches (other work runs between documents)
        kind = np.int16 if len(codes) < 1 << 15 else np.int32
        table = np.full(self._code(n_prefixes, 0, 0), -1, kind)
        table[codes] = np.arange(len(codes))
        # a one-letter token starts longer windows only: no bucket for one-letter windows
        table[self._code(np.arange(n_prefixes), 1, 1)] = -1
        return table, offsets.astype(np.int32), sizes.astype(np.int32), kid[by_code]

    def candidate_pairs(
        self, folded: Sequence[str], usable: np.ndarray
    ) -> tuple[str, np.ndarray, np.ndarray]:
        """The pairs of step 1 that pass the histogram filter of step 2: the joined
        text, per window (first token, tokens, character offset in the joined text,
        length) and per pair (window number, key id, the key's place in its bucket)."""
        joined, windows, bucket, tok_hist = self._windows(folded, usable)
        cnt = self.counts[bucket]
        ends = cnt.cumsum()  # pairs of window w: [ends[w] - cnt[w], ends[w])
        first = self.offsets[bucket]
        # each pair's position in ``flat``: consecutive within a window's bucket
        pos = np.arange(int(ends[-1]) if len(ends) else 0) + (first - ends + cnt).repeat(cnt)
        wi, wn = windows[0], windows[1]
        # row gathers by take: indexing a 2-D array with an index array is ~10x slower
        whist = (tok_hist.take(wi + wn, axis=0) - tok_hist.take(wi, axis=0)).astype(np.int16)
        whist[:, _SPACE] = wn - 1
        diff = whist.repeat(cnt, axis=0)  # the window's histogram on each of its pairs
        kid = self.flat[pos]
        diff -= self.hist.take(kid, axis=0)
        l1 = np.einsum("ij->i", np.abs(diff, out=diff))  # faster than sum(axis=1)
        keep = (l1 <= self.twice_limit[kid]).nonzero()[0]
        w = ends.searchsorted(keep, side="right")  # the window of each kept pair
        kept = pos[keep]
        return joined, windows, np.array([w, kid[keep], kept - first[w]])

    def _windows(
        self, folded: Sequence[str], usable: np.ndarray
    ) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
        """The joined text, the windows with candidate keys (rows: first token, tokens,
        character offset, length; in first-token then tokens order), their buckets,
        and the cumulative character histograms of the tokens."""
        t = len(folded)
        joined = " ".join(folded)
        cps = code_points(joined + "\0")
        # token edges from the joining spaces (a token holds no white space)
        edge = np.empty(t + 1, np.int64)
        space = cps[:-1] == 32
        edge[0], edge[1:-1], edge[-1] = -1, space.nonzero()[0], len(joined)
        start, end = edge[:-1] + 1, edge[1:]
        pcode = cps[start] * _CP + cps[start + 1]
        pid = np.minimum(self.prefix_codes.searchsorted(pcode), len(self.prefix_codes) - 1)
        i = (usable & (self.prefix_codes[pid] == pcode)).nonzero()[0]
        p = pid[i]
        # tokens in a window from i: within the run of usable tokens and its prefix's reach
        stops = np.concatenate(((~usable).nonzero()[0], [t]))  # the unusable tokens, the end
        run = stops[stops.searchsorted(i)] - i
        fit = end.searchsorted(start[i] + self.reach_len[p], side="right") - i
        m = np.minimum(np.minimum(run, fit), self.reach_n[p])
        # the windows (i, n) for n = 1..m of each i, in (first token, tokens) order
        first = i.repeat(m)
        n = np.arange(len(first)) - (m.cumsum() - m).repeat(m) + 1
        length = end[first + n - 1] - start[first]
        bucket = self.table[self._code(p.repeat(m), length, n)]
        ok = (bucket >= 0).nonzero()[0]
        first = first[ok]
        windows = np.array([first, n[ok], start[first], length[ok]])
        owner = space.cumsum()  # a token and the space before it (its bin is not read)
        counts = np.bincount(owner * N_BINS + bins_of(cps[:-1]), minlength=t * N_BINS)
        tok_hist = np.zeros((t + 1, N_BINS), np.int32)
        counts.reshape(t, N_BINS).cumsum(axis=0, out=tok_hist[1:])
        return joined, windows, bucket[ok], tok_hist

    def matches(
        self, folded: Sequence[str], usable: np.ndarray, stop_keys: frozenset[str]
    ) -> list[tuple[int, int, int, Any]]:
        """(first token, number of tokens, distance, entry) of the fuzzy matches.

        ``usable[j]``: token j is free (not inside an exact match) and all letters; a
        window in ``stop_keys`` is never matched.
        """
        if not folded or not len(self.flat):
            return []
        joined, windows, (w, kid, place) = self.candidate_pairs(folded, usable)
        rows = zip(*windows.take(w, axis=1).tolist(), kid.tolist(), place.tolist(), strict=True)
        pairs = [(i, n, joined[s : s + length], k, p) for i, n, s, length, k, p in rows]
        pairs = [pair for pair in pairs if pair[2] not in stop_keys]
        if not pairs:
            return []
        distances = cpdist(
            [p[2] for p in pairs],
            [self.keys[p[3]] for p in pairs],
            scorer=OSA.distance,
            score_cutoff=2,
        ).tolist()
        best: dict[tuple[int, int], tuple[int, int, Any]] = {}
        for (i, n, _window, k, p), d in zip(pairs, distances, strict=True):
            current = best.get((i, n))
            if 0 < d <= self.limit_of[k] and (current is None or (d, p) < current[:2]):
                best[(i, n)] = (d, p, self.entries[k])
        return _greedy({w: (d, entry) for w, (d, _p, entry) in best.items()})


def _greedy(closest: dict[tuple[int, int], tuple[int, Any]]) -> list[tuple[int, int, int, Any]]:
    """Left to right without overlaps: at each token, the window with the smallest
    distance (the shortest on ties); after a match the search goes on after it."""
    at: dict[int, tuple[int, int, Any]] = {}  # first token -> (distance, n, entry)
    for i, n in sorted(closest):
        d, entry = closest[(i, n)]
        if i not in at or d < at[i][0]:
            at[i] = (d, n, entry)
    out: list[tuple[int, int, int, Any]] = []
    end = 0  # the first token not inside a match
    for i in sorted(at):
        if i >= end:
            d, n, entry = at[i]
            out.append((i, n, d, entry))
            end = i + n
    return out
