"""Package vocabularies (markers, diagnoses, sites, laterality words) and their matchers.

The CSV files live in ``extractor/fields/vocab/`` (package data, read through
importlib.resources). Lists inside a cell are ``|``-separated; leading ``#`` lines are
a header note and are skipped. Every file is validated on load: a bad row raises
:class:`VocabularyError` naming the file and the line; the same synonym under two
canonical entries is an error (ambiguous abbreviations are allowed but never matched).

Matching is a token trie (no spaCy needed, so the parsers stay pure):

* text is split into word tokens (letters/digits; hyphens and apostrophes dropped, so
  "S-100" == "S 100", "Ewing's" == "Ewing");
* case-insensitive keys (canonical + ``synonyms``) compare *folded* tokens: lower
  case, British spellings (tumour, haem-, oedema) to American, plural endings removed
  ("lipomas", "metastases", "vertebrae");
* case-sensitive keys (``case_sensitive_synonyms``, ``abbreviations``) compare the raw
  tokens exactly ("ALK", "SMA");
* the longest match wins, left to right, without overlaps;
* optional approximate matching (:meth:`PhraseIndex.find_fuzzy`) for misspellings with a
  bounded Damerau-Levenshtein distance.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, get_args

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from extractor.fields import fuzzy
from extractor.schema import Laterality

VOCAB_PACKAGE = "extractor.fields.vocab"
LIST_SEP = "|"


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used; the message names the file and line."""


# ---------------------------------------------------------------- tokens


class Token(NamedTuple):
    start: int
    end: int
    raw: str
    folded: str


_TOKEN_RE = re.compile(r"[^\W\d_]{1,6}-\d{1,4}[^\W_]{0,3}|[^\W_]+(?:'s\b)?|[^\w\s'\-]")
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


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Case- and spelling-insensitive form of one word ("Tumours" -> "tumor"); cached."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    for british, american in _SPELLING:
        if british in w:
            w = w.replace(british, american)
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


#: sentence text -> its columns cut from the document's (see :func:`prime_columns`)
_PRIMED: dict[str, Columns] = {}
_PRIMED_DOC: list[str] = [""]


def columns(text: str) -> Columns:
    """Token offsets, raw and folded forms of ``text`` (see :func:`tokenize`); the
    sentences of the current document come from its one tokenization
    (:func:`prime_columns`), other texts are tokenized here and cached."""
    primed = _PRIMED.get(text)
    return primed if primed is not None else _columns(text)


def prime_columns(full: str, spans: Iterable[tuple[int, int]]) -> int:
    """Tokenize ``full`` once and cut the columns of each ``full[a:b]`` from it, so the
    diagnosis, site and marker matchers never tokenize a sentence again; the number of
    spans cut (a document already primed is skipped).

    A span is cut only when white space touches each of its edges (a character on either
    side of the edge is white space, or the edge is an end of the text): no token
    contains white space, so no token crosses an edge, and a token's extent depends only
    on its own characters and the one after it (``'s\b``), which is white space or inside
    the span: the cut columns equal :func:`_columns` of the span's text.
    """
    if full is _PRIMED_DOC[0]:
        return 0
    _PRIMED.clear()
    _PRIMED_DOC[0] = full
    starts, ends, raw, folded = _columns(full)
    n = len(full)
    cut = 0
    for a, b in spans:
        if not (_open_edge(full, a, n) and _open_edge(full, b, n)):
            continue
        i, j = bisect_left(starts, a), bisect_left(starts, b)
        _PRIMED[full[a:b]] = Columns(
            tuple(x - a for x in starts[i:j]) if a else starts[i:j],
            tuple(x - a for x in ends[i:j]) if a else ends[i:j],
            raw[i:j],
            folded[i:j],
        )
        cut += 1
    return cut


def _open_edge(text: str, p: int, n: int) -> bool:
    """No token of ``text`` (length ``n``) can cross offset ``p``."""
    return p <= 0 or p >= n or text[p - 1].isspace() or text[p].isspace()


@lru_cache(maxsize=2048)
def _columns(text: str) -> Columns:
    """:func:`columns` computed: one pass of the token pattern over ``text``."""
    spans = [m.span() for m in _TOKEN_RE.finditer(text)]
    raw = tuple(w.replace("-", "") for w in _TOKEN_RE.findall(text))
    # "S-100" == "S100", "Ki-67" == "Ki67"
    return Columns(
        tuple(s for s, _e in spans), tuple(e for _s, e in spans), raw, tuple(map(fold, raw))
    )


@lru_cache(maxsize=2048)
def tokenize(text: str) -> tuple[Token, ...]:
    """Word and punctuation tokens of ``text`` (hyphens and apostrophes dropped)."""
    return tuple(map(Token._make, zip(*columns(text), strict=True)))


@lru_cache(maxsize=1 << 15)
def key_of(phrase: str) -> tuple[str, ...]:
    """Folded tokens of a vocabulary phrase (the ``folded`` column of :func:`_columns`,
    without building the token tuples); cached (loading reads each phrase ~4 times)."""
    return tuple(map(fold, raw_key_of(phrase)))


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


# ---------------------------------------------------------------- entries


@dataclass(frozen=True)
class VocabEntry:
    canonical: str
    synonyms: tuple[str, ...]  # matched case-insensitively (includes the canonical)
    exact: tuple[str, ...]  # matched case-sensitively
    attrs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    line: int = 0

    def get(self, key: str) -> str | None:
        return self.attrs.get(key) or None


@dataclass(frozen=True)
class FileSpec:
    """Columns of one vocabulary file and how they are used."""

    columns: tuple[str, ...]
    key: str  # the canonical / word column
    synonym_columns: tuple[str, ...] = ()
    exact_columns: tuple[str, ...] = ()
    #: exact keys that may repeat across entries (then they are ambiguous, not matched)
    ambiguous_ok: bool = False
    validators: dict[str, re.Pattern[str]] = field(default_factory=dict)


_ICDO3_MORPHOLOGY = re.compile(r"\d{4}/[0-36-9]")
_ICDO3_TOPOGRAPHY = re.compile(r"C\d{2}\.\d")
_LATERALITY = re.compile("|".join(get_args(Laterality)))

SPECS: dict[str, FileSpec] = {
    "markers.csv": FileSpec(
        ("canonical", "synonyms", "case_sensitive_synonyms", "kind", "note"),
        "canonical",
        ("synonyms",),
        ("case_sensitive_synonyms",),
    ),
    "diagnoses.csv": FileSpec(
        ("canonical", "synonyms", "abbreviations", "icdo3", "category", "note"),
        "canonical",
        ("synonyms",),
        ("abbreviations",),
        ambiguous_ok=True,
        validators={"icdo3": _ICDO3_MORPHOLOGY},
    ),
    "sites.csv": FileSpec(
        ("canonical", "synonyms", "icdo3_topography", "region", "note"),
        "canonical",
        ("synonyms",),
        validators={"icdo3_topography": _ICDO3_TOPOGRAPHY},
    ),
    "laterality.csv": FileSpec(
        ("word", "laterality", "note"),
        "word",
        validators={"laterality": _LATERALITY},
    ),
}


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(LIST_SEP) if p.strip()]


def _data_lines(text: str) -> tuple[list[str], int]:
    """Lines after the leading ``#`` note, and how many lines were skipped."""
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and (lines[skip].startswith("#") or not lines[skip].strip()):
        skip += 1
    return lines[skip:], skip


def _check_header(name: str, header: list[str], spec: FileSpec, line: int) -> None:
    unknown = [c for c in header if c not in spec.columns]
    missing = [c for c in spec.columns if c not in header]
    if unknown or missing:
        raise VocabularyError(
            f"{name} line {line}: header has unknown columns {unknown} / missing {missing}; "
            f"allowed columns: {list(spec.columns)}"
        )


def _entry(name: str, line: int, row: dict[str, str], spec: FileSpec) -> VocabEntry:
    where = f"{name} line {line}"
    canonical = (row.get(spec.key) or "").strip()
    if not canonical:
        raise VocabularyError(f"{where}: empty {spec.key!r}")
    attrs = {c: (row.get(c) or "").strip() for c in spec.columns}
    for column, pattern in spec.validators.items():
        value = attrs[column]
        if value and not pattern.fullmatch(value):
            raise VocabularyError(f"{where}: invalid {column} {value!r} for {canonical!r}")
    exact = [s for c in spec.exact_columns for s in _split(row.get(c))]
    synonyms = [s for c in spec.synonym_columns for s in _split(row.get(c))]
    if canonical not in exact:
        synonyms.insert(0, canonical)
    for phrase in synonyms + exact:
        if not key_of(phrase):
            raise VocabularyError(f"{where}: synonym {phrase!r} has no word characters")
    return VocabEntry(
        canonical, tuple(dict.fromkeys(synonyms)), tuple(dict.fromkeys(exact)), attrs, line
    )


def parse_vocabulary(name: str, text: str, spec: FileSpec | None = None) -> list[VocabEntry]:
    """Parse and validate vocabulary file ``name`` whose content is ``text``."""
    spec = spec or SPECS[name]
    lines, skipped = _data_lines(text)
    if not lines:
        raise VocabularyError(f"{name}: no header line")
    reader = csv.reader(lines)
    header = [h.strip() for h in next(reader)]
    _check_header(name, header, spec, skipped + 1)
    entries: list[VocabEntry] = []
    for cells in reader:
        line = skipped + reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise VocabularyError(
                f"{name} line {line}: expected {len(header)} fields, got {len(cells)}"
            )
        entries.append(_entry(name, line, dict(zip(header, cells, strict=True)), spec))
    _check_duplicates(name, entries, spec)
    return entries


def _check_duplicates(name: str, entries: list[VocabEntry], spec: FileSpec) -> None:
    seen: dict[tuple[str, ...], VocabEntry] = {}
    seen_canonical: dict[str, VocabEntry] = {}
    for entry in entries:
        other = seen_canonical.get(entry.canonical.lower())
        if other is not None:
            raise VocabularyError(
                f"{name} line {entry.line}: duplicate entry {entry.canonical!r} "
                f"(also line {other.line})"
            )
        seen_canonical[entry.canonical.lower()] = entry
        for phrase in entry.synonyms + (() if spec.ambiguous_ok else entry.exact):
            key = key_of(phrase)
            other = seen.get(key)
            if other is not None and other.canonical != entry.canonical:
                raise VocabularyError(
                    f"{name} line {entry.line}: synonym {phrase!r} of {entry.canonical!r} "
                    f"is also a synonym of {other.canonical!r} (line {other.line})"
                )
            seen[key] = entry


# ---------------------------------------------------------------- matching


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

    def longest(self, words: Sequence[str], i: int) -> tuple[int, VocabEntry | None]:
        """(number of tokens, entry) of the longest key starting at ``words[i]``."""
        node, best, best_n = self.root, None, 0
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


_MISSING = object()


def fuzzy_limit(key: str) -> int:
    """Edits allowed for a vocabulary key: multi-word keys from 8 characters, single
    words from 10; two edits from 14 characters."""
    if len(key) >= 14:
        return 2
    if len(key) >= (8 if " " in key else 10):
        return 1
    return 0


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) overlaps one of the sorted, non-overlapping ``spans``."""
    i = bisect_right(spans, (start, float("inf"))) - 1
    if i >= 0 and spans[i][1] > start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


class PhraseIndex:
    """Token-trie matcher over vocabulary entries."""

    def __init__(self, entries: Iterable[VocabEntry], use_exact: bool = True) -> None:
        self.entries = list(entries)
        self._folded = _Trie()
        self._raw = _Trie()
        self._fuzzy_keys: list[tuple[str, VocabEntry, int]] = []
        self._fuzzy: dict[tuple[str, int], list[tuple[str, VocabEntry, int]]] = {}
        #: (first two letters, window length) -> keys within two of that length, in order
        self._candidates: dict[tuple[str, int], tuple[list[str], list[tuple[int, VocabEntry]]]] = {}
        #: first two letters of fuzzy keys -> window lengths within two of a key's
        self._fuzzy_lengths: dict[str, set[int]] = {}
        self._fuzzy_longest: dict[str, int] = {}
        self._fuzzy_cache: dict[str, tuple[int, VocabEntry] | None] = {}
        self._tables: dict[str, tuple[int, fuzzy.LengthTable] | None] = {}
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
        self._build_fuzzy()

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

    def _build_fuzzy(self) -> None:
        """Buckets of fuzzy keys by (first two letters, length)."""
        for key, entry, limit in self._fuzzy_keys:
            self._fuzzy.setdefault((key[:2], len(key)), []).append((key, entry, limit))
            near = self._fuzzy_lengths.setdefault(key[:2], set())
            near.update(range(len(key) - 2, len(key) + 3))
            self._fuzzy_longest[key[:2]] = max(near)

    def find(self, text: str) -> list[VocabMatch]:
        """Longest non-overlapping exact matches, left to right."""
        starts, ends, raw, folded = columns(text)
        folded_root, raw_root = self._folded.root, self._raw.root
        out: list[VocabMatch] = []
        i = 0  # the first token not inside a match
        # only tokens that start a key are tried (one comprehension over the tokens)
        for k in [
            k
            for k, (f, r) in enumerate(zip(folded, raw, strict=True))
            if f in folded_root or r in raw_root
        ]:
            if k < i:
                continue
            i = k
            n1, e1 = self._folded.longest(folded, i)
            n2, e2 = self._raw.longest(raw, i)
            n, entry, how = (n2, e2, "exact") if n2 > n1 else (n1, e1, "synonym")
            if entry is None:
                continue
            out.append(VocabMatch(starts[i], ends[i + n - 1], entry, how))
            i += n
        return out

    def find_fuzzy(
        self, text: str, taken: list[tuple[int, int]], stop_keys: frozenset[str] = frozenset()
    ) -> list[VocabMatch]:
        """Approximate matches on tokens not covered by ``taken`` spans.

        The window must start with the same two letters as the key, must not be a key
        of any vocabulary itself (``stop_keys``), and stays within the edit limit of
        :func:`fuzzy_limit`.
        """
        cols = columns(text)
        covered = sorted(taken)
        usable = [
            word.isalpha() and not _covered(covered, s, e)
            for s, e, word in zip(cols.starts, cols.ends, cols.raw, strict=True)
        ]
        return [
            VocabMatch(cols.starts[i], cols.ends[i + n - 1], entry, "fuzzy", d)
            for i, n, d, entry in fuzzy.fuzzy_matches(
                cols.folded, usable, self._length_table, self.max_tokens, stop_keys
            )
        ]

    def _length_table(self, prefix: str) -> tuple[int, fuzzy.LengthTable] | None:
        """:func:`fuzzy.build_table` of the windows starting with ``prefix``, built on
        first use of the prefix."""
        found = self._tables.get(prefix, _MISSING)
        if found is _MISSING:
            lengths = sorted(self._fuzzy_lengths.get(prefix, ()))
            keys = [
                (key, limit, entry)
                for length in lengths
                for key, entry, limit in self._fuzzy.get((prefix, length), ())
            ]
            found = self._tables[prefix] = fuzzy.build_table(keys, self.max_tokens)
        return found

    def best_fuzzy(self, window: str) -> tuple[int, VocabEntry] | None:
        """(edit distance, entry) of the closest key within its edit limit; cached.

        The keys compared start with the same two letters as ``window`` and their length
        is within two of its length; they are compared in one call of rapidfuzz's
        ``process.extract`` with the optimal-string-alignment distance (the same
        distance as :func:`damerau_levenshtein`), cut off at two edits.
        """
        cached = self._fuzzy_cache.get(window, _MISSING)
        if cached is not _MISSING:
            return cached
        return self._remember(window, self._nearest(window))

    def _candidate_keys(
        self, prefix: str, length: int
    ) -> tuple[list[str], list[tuple[int, VocabEntry]]]:
        """Keys (and their limit and entry) that a window of ``length`` characters
        starting with ``prefix`` is compared with: lengths ascending, file order, only
        keys whose length is within their own edit limit of ``length``."""
        found = self._candidates.get((prefix, length))
        if found is None:
            keys: list[str] = []
            meta: list[tuple[int, VocabEntry]] = []
            for n in range(length - 2, length + 3):
                for key, entry, limit in self._fuzzy.get((prefix, n), ()):
                    if abs(n - length) <= limit:  # else the distance is above the limit
                        keys.append(key)
                        meta.append((limit, entry))
            found = self._candidates[(prefix, length)] = (keys, meta)
        return found

    def _nearest(self, window: str) -> tuple[int, VocabEntry] | None:
        """:meth:`best_fuzzy` without the cache: the key with the smallest distance
        within its own limit (the first such key on ties), never the window itself."""
        keys, meta = self._candidate_keys(window[:2], len(window))
        if not keys:
            return None
        best: tuple[int, int, VocabEntry] | None = None
        for _key, d, i in extract(window, keys, scorer=OSA.distance, score_cutoff=2, limit=None):
            limit, entry = meta[i]
            if 0 < d <= limit and (best is None or (d, i) < best[:2]):
                best = (d, i, entry)
        return None if best is None else (best[0], best[2])

    def _remember(
        self, window: str, best: tuple[int, VocabEntry] | None
    ) -> tuple[int, VocabEntry] | None:
        if len(self._fuzzy_cache) < 200_000:
            self._fuzzy_cache[window] = best
        return best


# ---------------------------------------------------------------- loading


def read_vocabulary_text(name: str) -> str:
    try:
        return resources.files(VOCAB_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise VocabularyError(f"{name}: vocabulary file not found in {VOCAB_PACKAGE}") from exc


def parse_vocabulary_file(path: Path, spec: FileSpec | None = None) -> list[VocabEntry]:
    """Parse a vocabulary file from disk (its file name selects the column spec)."""
    return parse_vocabulary(path.name, path.read_text(encoding="utf-8"), spec)


@cache
def load_vocabulary(name: str) -> tuple[VocabEntry, ...]:
    """Validated entries of package vocabulary ``name`` (e.g. "markers.csv"), cached."""
    return tuple(parse_vocabulary(name, read_vocabulary_text(name)))


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
