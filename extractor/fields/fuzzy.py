"""The fuzzy vocabulary pass over the tokens of one text (``PhraseIndex.find_fuzzy``).

The windows tried at a token depend only on the tokens, not on the matches found before,
so the pass runs in three steps:

1. every window of every token that could be within the edit limit of a key is
   collected with its candidate keys, shortest window first. A candidate key starts with
   the same two characters, its length is within its edit limit of the window's
   (``PhraseIndex._candidate_keys``) and so is its number of words: an edit adds or
   removes at most one space (:func:`build_table`). A window without candidates is not
   built;
2. all (window, candidate key) pairs of the text are compared in ONE
   ``rapidfuzz.process.cpdist`` call (pairwise OSA distances, cut off at two edits).
   The earlier pass made one ``process.extract`` call per window, whose overhead was
   most of its cost: 116,783 windows on the 199 development reports (587 per report,
   12 of which match, each window compared with 7.9 keys on average);
3. left to right, the window with the smallest distance at each token (the shortest on
   ties, its closest key within that key's own limit, the first key on ties) is a match
   and the search goes on after it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

#: candidate keys of a window and, for each, (edit limit, entry)
Candidates = tuple[list[str], list[tuple[int, Any]]]
#: window length -> for each number of tokens (the index), its candidate keys or None;
#: for the windows starting with one prefix
LengthTable = dict[int, list[Candidates | None]]


def build_table(
    keys: Iterable[tuple[str, int, Any]], max_tokens: int
) -> tuple[int, LengthTable] | None:
    """The longest window length with candidates and the :data:`LengthTable` of one
    prefix, from its (key, edit limit, entry), shortest keys first, file order within a
    length (the order of ``PhraseIndex._candidate_keys``): a key is a candidate for the
    windows whose length and number of tokens are both within its limit of its own."""
    by_length: LengthTable = {}
    for key, limit, entry in keys:
        words = key.count(" ") + 1
        counts = range(max(1, words - limit), min(max_tokens + 1, words + limit) + 1)
        for length in range(len(key) - limit, len(key) + limit + 1):
            row = by_length.get(length)
            if row is None:
                row = by_length[length] = [None] * (max_tokens + 2)
            for n in counts:
                kept = row[n]
                if kept is None:
                    kept = row[n] = ([], [])
                kept[0].append(key)
                kept[1].append((limit, entry))
    return (max(by_length), by_length) if by_length else None


def fuzzy_matches(
    folded: Sequence[str],
    usable: Sequence[bool],
    table: Callable[[str], tuple[int, LengthTable] | None],
    max_tokens: int,
    stop_keys: frozenset[str],
) -> list[tuple[int, int, int, Any]]:
    """(first token, number of tokens, distance, entry) of the fuzzy matches.

    ``usable[j]``: token j is free (not inside an exact match) and all letters;
    ``table(prefix)``: :func:`build_table` for the windows starting with ``prefix``.
    """
    n_tokens = len(folded)
    lengths = [len(word) for word in folded]
    # per window: (first token, number of tokens); its pairs start at starts[w]
    windows: list[tuple[int, int]] = []
    starts: list[int] = []
    metas: list[list[tuple[int, Any]]] = []
    queries: list[str] = []
    choices: list[str] = []
    for i in range(n_tokens):
        if not usable[i]:
            continue
        first = folded[i]
        # a key has at least two letters: a one-letter token only starts a window of
        # two or more tokens, and every such window starts with the same two characters
        found_table = table(first[:2] if len(first) > 1 else first + " ")
        if found_table is None:
            continue
        longest, by_length = found_table
        length = -1
        for n in range(1, max_tokens + 2):
            j = i + n - 1
            if j >= n_tokens or not usable[j]:
                break
            length += lengths[j] + 1
            if length > longest:
                break
            row = by_length.get(length)
            found = None if row is None else row[n]
            if found is None or (n == 1 and len(first) == 1):
                continue
            window = " ".join(folded[i : i + n])
            if window in stop_keys:
                continue
            keys, meta = found
            windows.append((i, n))
            starts.append(len(queries))
            metas.append(meta)
            queries += [window] * len(keys)
            choices += keys
    if not queries:
        return []
    return _greedy(n_tokens, windows, _closest(queries, choices, starts, metas))


def _closest(
    queries: list[str],
    choices: list[str],
    starts: list[int],
    metas: list[list[tuple[int, Any]]],
) -> dict[int, tuple[int, Any]]:
    """Window number -> (distance, entry) of its closest key within that key's limit
    (the first candidate on ties), for the windows that have one; never distance 0
    (the window is that key)."""
    distances = cpdist(queries, choices, scorer=OSA.distance, score_cutoff=2)
    best: dict[int, tuple[int, int, Any]] = {}
    for pair in (distances <= 2).nonzero()[0].tolist():
        w = bisect_right(starts, pair) - 1
        k = pair - starts[w]
        d = int(distances[pair])
        limit, entry = metas[w][k]
        current = best.get(w)
        if 0 < d <= limit and (current is None or (d, k) < current[:2]):
            best[w] = (d, k, entry)
    return {w: (d, entry) for w, (d, _k, entry) in best.items()}


def _greedy(
    n_tokens: int, windows: list[tuple[int, int]], closest: dict[int, tuple[int, Any]]
) -> list[tuple[int, int, int, Any]]:
    """Left to right without overlaps: at each token, the window with the smallest
    distance (the shortest on ties); after a match the search goes on after it."""
    at: dict[int, tuple[int, int, Any]] = {}  # first token -> (distance, n, entry)
    for w in sorted(closest):  # windows of a token are numbered shortest first
        i, n = windows[w]
        d, entry = closest[w]
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
