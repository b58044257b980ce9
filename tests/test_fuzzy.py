"""The fuzzy vocabulary pass (``PhraseIndex.find_fuzzy``, ``extractor.fields.fuzzy``)
against a brute-force reference; the histogram bound its filter relies on."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz.distance import OSA

from extractor.fields import fuzzy
from extractor.fields.vocabulary import (
    PhraseIndex,
    _free,
    columns,
    damerau_levenshtein,
    phrase_index,
    tokenize,
)


def _reference_best(index: PhraseIndex, window: str) -> tuple[int, str] | None:
    """Closest fuzzy key by brute force over every key (no buckets, no filter); on
    ties the first key in (length, file) order."""
    best: tuple[int, str] | None = None
    for key, entry, limit in sorted(index._fuzzy_keys, key=lambda k: len(k[0])):
        if key[:2] != window[:2] or abs(len(key) - len(window)) > 2:
            continue
        d = damerau_levenshtein(window, key, limit)
        if 0 < d <= limit and (best is None or d < best[0]):
            best = (d, entry.canonical)
    return best


def _reference_fuzzy(index: PhraseIndex, text: str) -> list[tuple[int, int, str]]:
    """find_fuzzy without any pruning: every window, left to right."""
    tokens = tokenize(text)
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        best = None
        if tokens[i].folded.isalpha():
            for n in range(1, index.max_tokens + 2):
                if i + n > len(tokens) or not tokens[i + n - 1].raw.isalpha():
                    break
                found = _reference_best(index, " ".join(t.folded for t in tokens[i : i + n]))
                if found is not None and (best is None or found[0] < best[0]):
                    best = (found[0], n, found[1])
        if best is None:
            i += 1
            continue
        out.append((tokens[i].start, tokens[i + best[1] - 1].end, best[2]))
        i += best[1]
    return out


FUZZY_TEXTS = [
    "Histology confirmed a schwanoma of the cauda equina.",
    "A giant cell tumour of tendon sheeth was excised from the finger.",
    "Differential diagnosis included hemangiopericytoma and neurofibromatosys.",
    "The lesion was a myxoid liposarcom with round cell areas; no rhabdomyosarcoma.",
    "Final diagnosis: extraskeletal myxoid chondrosarcoma, not a chordoma.",
    "An intradural extramedullary menigioma at T4 in a 60-year-old woman.",
    "a b c cell lymphoma was suspected",
]


@pytest.mark.parametrize("text", FUZZY_TEXTS)
def test_fuzzy_matching_equals_brute_force(text: str) -> None:
    index = phrase_index("diagnoses.csv")
    found = [(m.start, m.end, m.canonical) for m in index.find_fuzzy(text, [])]
    assert found == _reference_fuzzy(index, text)


def _misspelt(key: str, seed: int) -> str:
    """``key`` with one or two random edits (substitution, deletion, insertion of a
    letter or a space, transposition)."""
    rng = random.Random(seed)
    for _ in range(1 + seed % 2):
        if len(key) < 4:
            break
        p = rng.randrange(2, len(key) - 1)
        c = rng.choice("aeinorsty ")
        key = rng.choice(
            [
                key[:p] + c + key[p + 1 :],
                key[:p] + key[p + 1 :],
                key[:p] + c + key[p:],
                key[:p] + key[p + 1] + key[p] + key[p + 2 :],
            ]
        )
    return key


@pytest.mark.parametrize("k", range(0, 4200, 150))
def test_misspelt_vocabulary_keys_match_as_brute_force(k: int) -> None:
    """Misspellings of keys across the vocabulary, in a sentence: the same matches as
    comparing every window with every key."""
    index = phrase_index("diagnoses.csv")
    key = index._fuzzy_keys[k][0]
    text = f"The biopsy showed {_misspelt(key, k)} and {_misspelt(key, k + 1).title()} here."
    found = [(m.start, m.end, m.canonical) for m in index.find_fuzzy(text, [])]
    assert found == _reference_fuzzy(index, text)


def test_fuzzy_matching_finds_misspellings() -> None:
    index = phrase_index("diagnoses.csv")
    text = FUZZY_TEXTS[0]
    found = index.find_fuzzy(text, [])
    assert [(text[m.start : m.end], m.canonical, m.distance) for m in found] == [
        ("schwanoma", "schwannoma", 1)
    ]


def test_histogram_filter_leaves_few_pairs_for_one_cpdist_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The (window, key) pairs of a text that pass the length and prefix buckets (801
    here) are cut by the histogram filter to the few that can be within the limit (46),
    compared in one cpdist call; the result is the brute-force one."""
    calls: list[int] = []
    real = fuzzy.cpdist

    def counting(queries: list[str], choices: list[str], **kwargs: object):  # noqa: ANN202
        calls.append(len(queries))
        return real(queries, choices, **kwargs)

    monkeypatch.setattr(fuzzy, "cpdist", counting)
    index = phrase_index("diagnoses.csv")
    text = " ".join(FUZZY_TEXTS)
    found = [(m.start, m.end, m.canonical) for m in index.find_fuzzy(text, [])]
    assert found == _reference_fuzzy(index, text)
    cols = columns(text)
    usable = np.array([w.isalpha() for w in cols.raw])
    _joined, _windows, buckets, _hist = index.fuzzy_index()._windows(cols.folded, usable)
    in_buckets = int(index.fuzzy_index().counts[buckets].sum())
    assert len(calls) == 1 and in_buckets > 10 * calls[0] > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("schwannoma", "schwanoma"),
        ("neurofibroma", "nuerofibroma"),
        ("neuro fibroma", "neurofibroma"),
        ("giant cell tumor", "giantcell tumour"),
        ("liposarcoma", "lipocarcoma"),
        ("ab cd", "a bcd"),
        ("café au lait", "cafe au lait"),
        ("madelung ’ s disease", "madelungs disease"),
        ("", "abc"),
    ],
)
def test_histogram_l1_is_at_most_twice_the_distance(a: str, b: str) -> None:
    """The filter's bound: L1(histograms) <= 2 * OSA distance."""
    ha, hb = fuzzy.histograms([a, b])
    assert np.abs(ha - hb).sum() <= 2 * OSA.distance(a, b)


@pytest.mark.parametrize("seed", range(5))
def test_histogram_bound_on_random_edits(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "abcdehilmnorst yé/"
    for _ in range(400):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 20)))
        b = _misspelt(a + "xyz", seed)[: rng.randrange(1, 25)]
        ha, hb = fuzzy.histograms([a, b])
        assert np.abs(ha - hb).sum() <= 2 * OSA.distance(a, b), (a, b)


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """The per-token test that :func:`_free` computes per span (bisect over sorted spans)."""
    from bisect import bisect_right

    i = bisect_right(spans, (start, float("inf"))) - 1
    if i >= 0 and spans[i][1] > start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


@pytest.mark.parametrize(
    "spans",
    [[], [(0, 5)], [(4, 9), (20, 21)], [(0, 40), (5, 6)], [(3, 3), (10, 30), (12, 14)]],
)
def test_free_tokens_are_the_uncovered_ones(spans: list[tuple[int, int]]) -> None:
    cols = columns("A giant cell tumour of tendon sheeth, excised.")
    expected = [not _covered(spans, s, e) for s, e in zip(cols.starts, cols.ends, strict=True)]
    assert _free(cols, spans).tolist() == expected


def test_bucket_table_holds_every_bucket_number() -> None:
    """The table of bucket numbers uses a small integer type (it is read at random
    places); every bucket is reachable from it and each key sits in its own buckets."""
    index = phrase_index("diagnoses.csv").fuzzy_index()
    assert index.table.dtype == np.int16
    assert sorted(set(index.table[index.table >= 0].tolist())) == list(range(len(index.counts)))
    assert int(index.counts.sum()) == len(index.flat)
    small = fuzzy.FuzzyIndex([("neurofibroma", 1, "nf"), ("neuroma", 0, "n")], max_tokens=1)
    bucket = small.table[small._code(0, len("neurofibroma"), 1)]
    assert bucket >= 0 and small.flat[small.offsets[bucket]] == small.keys.index("neurofibroma")


@pytest.mark.parametrize(
    ("folded", "usable", "expected"),
    [
        # "a" is within two edits of "a b", but a one-letter token starts no window alone
        (["a", "c"], [True, False], []),
        (["a", "c"], [True, True], [(0, 2, 1, "e")]),  # the longer window is formed
        (["b", "a", "d"], [True, True, True], [(1, 2, 1, "e")]),
    ],
)
def test_one_letter_token_starts_longer_windows_only(
    folded: list[str], usable: list[bool], expected: list[tuple[int, int, int, str]]
) -> None:
    """The table holds no bucket for a one-letter window (the rule is applied once, at
    build, not per window)."""
    index = fuzzy.FuzzyIndex([("a b", 2, "e")], max_tokens=2)
    assert index.table[index._code(0, 1, 1)] == -1
    assert index.matches(folded, np.array(usable), frozenset()) == expected


def _reference_windows(index: fuzzy.FuzzyIndex, folded: list[str], usable: list[bool]):  # noqa: ANN202
    """(first token, tokens, offset, length) of every window with a bucket, trying every
    number of tokens up to ``n_max`` (no per-prefix reach)."""
    prefixes = {
        chr(c // fuzzy._CP) + chr(c % fuzzy._CP): p for p, c in enumerate(index.prefix_codes)
    }
    offsets = [sum(len(w) + 1 for w in folded[:k]) for k in range(len(folded))]
    out = []
    for i, word in enumerate(folded):
        pid = prefixes.get((word + " ")[:2])
        for n in range(1, index.n_max + 1):
            if pid is None or i + n > len(folded) or not all(usable[i : i + n]):
                break
            length = min(len(" ".join(folded[i : i + n])), index.max_len + 1)
            if index.table[index._code(pid, length, n)] >= 0 and (n > 1 or len(word) > 1):
                out.append((i, n, offsets[i], length))
    return out


@pytest.mark.parametrize(
    "text",
    [
        "neurofibroma of the neuro fibroma giant cell tumour",
        "a schwannoma, b schwanoma; dermatofibrosarcoma protuberance x",
        # windows at and past a prefix's reach: "zz" has no key, "ne" keys are short
        "nerve sheath tumor malignant peripheral nerve sheath tumour zz ne",
        "",
    ],
)
def test_windows_stop_at_each_prefix_reach(text: str) -> None:
    """Windows are formed only up to the longest key reach of their prefix (characters
    and tokens): the same windows as trying every length up to the longest key."""
    index = phrase_index("diagnoses.csv").fuzzy_index()
    cols = columns(text)
    if not cols.folded:
        return
    usable = [w.isalpha() for w in cols.raw]
    _joined, windows, buckets, _hist = index._windows(cols.folded, np.array(usable))
    expected = _reference_windows(index, list(cols.folded), usable)
    assert [tuple(w) for w in windows.T.tolist()] == expected
    assert len(buckets) == len(expected)


def test_windows_reach_the_most_tokens_of_a_prefix() -> None:
    """A key split by as many extra spaces as its limit allows gives a window with the
    most tokens its prefix reaches; it is formed."""
    index = phrase_index("diagnoses.csv").fuzzy_index()
    pid = np.searchsorted(
        index.prefix_codes, [ord(k[0]) * fuzzy._CP + ord(k[1]) for k in index.keys]
    )
    tokens = [k.count(" ") + 1 + limit for k, limit in zip(index.keys, index.limit_of, strict=True)]
    most: dict[int, int] = {}  # per prefix, the most tokens a window can have
    for p, n in zip(pid.tolist(), tokens, strict=True):
        most[p] = max(most.get(p, 0), min(n, index.n_max))
    at_reach = [
        k
        for k in range(len(index.keys))
        if tokens[k] == most[pid[k]] and " " not in index.keys[k][1 : 3 + index.limit_of[k]]
    ]
    k = max(at_reach, key=lambda k: (tokens[k], index.keys[k]))
    key, limit, n = index.keys[k], index.limit_of[k], tokens[k]
    split = key[:2] + "".join(" " + c for c in key[2 : 2 + limit]) + key[2 + limit :]
    cols = columns(f"x {split} y")
    assert len(cols.folded) == n + 2 and n > 3
    _joined, windows, _buckets, _hist = index._windows(cols.folded, np.ones(n + 2, bool))
    assert (1, n) in set(zip(windows[0].tolist(), windows[1].tolist(), strict=True))


@pytest.mark.parametrize(
    ("a", "b", "needed"),
    [
        ("giant cell tumor", "giantcell tumor", 1),  # one space less: one edit
        ("neuro fibroma", "neurofibromata", 2),  # a word less, a letter more: two or more
        ("ab cd", "abc d", 0),  # same length and words: no bound (one transposition)
        ("lipoma", "lipo mas", 2),  # a word and two characters more: two
        ("a b c", "abcxyz", 3),  # two words less, a character more
    ],
)
def test_edits_needed_for_length_and_words(a: str, b: str, needed: int) -> None:
    """The bucket bound: changes of length and word count in opposite directions need
    separate edits; the bound is reached and never above the OSA distance."""
    dl, dn = len(b) - len(a), b.count(" ") - a.count(" ")
    assert int(fuzzy.edits_needed(dl, dn)) == needed <= OSA.distance(a, b)


@pytest.mark.parametrize("seed", range(5))
def test_edits_needed_on_random_edits(seed: int) -> None:
    """Single-spaced phrases, their misspellings and other phrases: the bound holds."""
    rng = random.Random(seed)

    def phrase() -> str:
        words = rng.randint(1, 4)
        return " ".join("".join(rng.choices("abe", k=rng.randint(1, 4))) for _ in range(words))

    for k in range(800):
        a = phrase()
        b = " ".join(_misspelt(a, rng.randrange(1000)).split()) if k % 2 else phrase()
        dl, dn = len(b) - len(a), b.count(" ") - a.count(" ")
        assert int(fuzzy.edits_needed(dl, dn)) <= OSA.distance(a, b), (a, b)


@pytest.mark.parametrize("seed", range(5))
def test_free_tokens_on_random_spans(seed: int) -> None:
    """Random sorted spans, overlapping, nested, empty or equal-starting ones too."""
    rng = random.Random(seed)
    cols = columns("A giant cell tumour of tendon sheeth, excised (GCTTS) in 2019-05.")
    for _ in range(300):
        starts = [rng.randrange(70) for _ in range(rng.randint(0, 5))]
        spans = sorted((a, a + rng.randint(0, 12)) for a in starts)
        expected = [not _covered(spans, s, e) for s, e in zip(cols.starts, cols.ends, strict=True)]
        assert _free(cols, spans).tolist() == expected, spans
