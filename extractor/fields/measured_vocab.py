"""What a measurement can measure: the object vocabulary, its classes, the linker's
settings, and the object phrases of a text (pure; used by :mod:`extractor.fields.measured`).

Objects are phrases of ``vocab/measured_objects.csv`` (classes lesion, specimen,
pathology, body, device, cardiovascular, imaging, distance, incision, anatomy, finding,
laboratory), any diagnosis of ``vocab/diagnoses.csv`` except comorbidities (class lesion)
and any site of ``vocab/sites.csv`` (class anatomy; lymph node regions are class
pathology); the longest phrase wins (:func:`object_phrases`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from extractor.fields.vocabulary import (
    FileSpec,
    PhraseIndex,
    VocabEntry,
    VocabularyError,
    columns,
    joined_variant,
    key_of,
    open_edge,
    parse_vocabulary,
    phrase_index,
    raw_key_of,
    read_vocabulary_text,
)
from extractor.rules import RuleFileError, read_json_resource

RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "size_rules.json"
OBJECTS_FILE = "measured_objects.csv"

#: classes of measured objects (``vocab/measured_objects.csv``)
LESION_CLASSES = frozenset({"lesion", "specimen"})
#: pathological findings that are not masses (an effusion, a defect, a tear, an enlarged
#: lymph node): their measurements are kept as size mentions of the patient's findings,
#: marked ``measures_class = "pathology"``, and never fill a lesion's size
PATHOLOGY_CLASSES = frozenset({"pathology"})
KEPT_CLASSES = LESION_CLASSES | PATHOLOGY_CLASSES
NON_LESION_CLASSES = frozenset(
    {
        "body",
        "device",
        "cardiovascular",
        "imaging",
        "distance",
        "incision",
        "anatomy",
        "finding",
        "laboratory",
    }
)
#: where a lesion is, when the object of a preposition or participle (rule 4): "a tumour
#: in the lymph node, measuring 3 cm" measures the tumour
LOCATIVE_CLASSES = frozenset({"anatomy", "cardiovascular", "pathology"})
STRUCTURAL_CLASSES = frozenset({"dimension", "reference"})
OBJECT_CLASSES = KEPT_CLASSES | NON_LESION_CLASSES
PRONOUNS = frozenset({"it", "they", "this", "these", "those"})
OBJECTS_SPEC = FileSpec(
    ("term", "class", "synonyms", "note"),
    "term",
    ("synonyms",),
    validators={"class": re.compile("|".join(sorted(OBJECT_CLASSES | STRUCTURAL_CLASSES)))},
)
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Z0-9(\[])|\n\s*\n|(?<=[.!?:])\n")
MAX_SENTENCE = 600
#: characters before a position scanned first for its sentence start (most sentences are
#: shorter; see :func:`sentence_span`)
NEAR_START = 160
#: the marks that end a sentence (:func:`sentence_span`), each a token of its own for
#: the vocabulary matchers
_MARKS = ".!?:"
_MARK_SET = frozenset(_MARKS)
_SHORT_FORM_RE = re.compile(r"\s?\(([A-Z][A-Za-z]{0,5}[A-Z])\)")


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class LinkConfig:
    not_length_after: re.Pattern[str]
    spatial_after: re.Pattern[str]
    locative_words: frozenset[str]
    run_stops: frozenset[str]
    pp_reach: int
    run_reach: int


@cache
def link_config() -> LinkConfig:
    """The ``link`` settings of ``size_rules.json`` (validated: a bad one names the file)."""
    name, raw = read_json_resource(RULES_PACKAGE, RULES_FILE)
    link_raw = raw.get("link") if isinstance(raw, dict) else None
    keys = ("not_length_after", "spatial_after", "locative_words", "run_stops")
    if not isinstance(link_raw, dict) or any(k not in link_raw for k in keys):
        raise RuleFileError(f"{name}: 'link' must be an object with keys {list(keys)}")
    try:
        return LinkConfig(
            re.compile(link_raw["not_length_after"], re.IGNORECASE),
            re.compile(link_raw["spatial_after"], re.IGNORECASE),
            frozenset(w.lower() for w in link_raw["locative_words"]),
            frozenset(w.lower() for w in link_raw["run_stops"]),
            int(link_raw.get("pp_reach", 5)),
            int(link_raw.get("run_reach", 5)),
        )
    except re.error as exc:
        raise RuleFileError(f"{name}: link: invalid pattern: {exc}") from exc


def parse_measured_objects(name: str, text: str) -> list[VocabEntry]:
    """Validate ``measured_objects.csv``: a bad row raises :class:`VocabularyError`
    naming the file and the line (unknown class, empty term, duplicate synonym)."""
    entries = parse_vocabulary(name, text, OBJECTS_SPEC)
    for entry in entries:
        if not entry.get("class"):
            raise VocabularyError(f"{name} line {entry.line}: empty class for {entry.canonical!r}")
    return entries


@cache
def object_index() -> PhraseIndex:
    return PhraseIndex(parse_measured_objects(OBJECTS_FILE, read_vocabulary_text(OBJECTS_FILE)))


@cache
def _lesion_diagnosis() -> tuple[PhraseIndex | None, Any]:
    """The diagnosis matcher and a test for the entries that are lesions (not comorbidities)."""
    from extractor.fields.diagnosis_roles import config, is_comorbidity

    try:
        index = phrase_index("diagnoses.csv")
    except VocabularyError:
        return None, None
    cfg = config()
    return index, lambda entry: not is_comorbidity(entry, cfg)


@cache
def _site_index() -> PhraseIndex | None:
    try:
        return phrase_index("sites.csv")
    except VocabularyError:
        return None


@lru_cache(maxsize=4096)
def object_phrases(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, class, text) of the object phrases in ``text``, longest first on
    overlaps (ties: measured_objects.csv, then diagnoses, then sites)."""
    found: list[tuple[int, int, int, str]] = []
    for m in object_index().find(text):
        found.append((m.start, m.end, 0, m.entry.get("class") or ""))
    dx_index, is_lesion = _lesion_diagnosis()
    if dx_index is not None:
        for m in dx_index.find(text):
            if is_lesion(m.entry):
                found.append((m.start, m.end, 1, "lesion"))
    sites = _site_index()
    if sites is not None:
        for m in sites.find(text):
            region = m.entry.get("region")
            found.append((m.start, m.end, 2, "pathology" if region == "lymph_node" else "anatomy"))
    kept: list[tuple[int, int, int, str]] = []
    for item in sorted(found, key=lambda f: (-(f[1] - f[0]), f[2], f[0])):
        if all(item[1] <= k[0] or k[1] <= item[0] for k in kept):
            kept.append(item)
    return tuple((s, e, c, text[s:e]) for s, e, _p, c in sorted(kept))


@cache
def _mark_pairs() -> frozenset[tuple[str, str]]:
    """(mark, next token) of every object-phrase key with a sentence-ending mark ("xp11 .
    2" of "Xp11.2 translocation renal cell carcinoma"): only such a key can match across
    the end of a sentence (:func:`separable`)."""
    dx_index, _is_lesion = _lesion_diagnosis()
    out: set[tuple[str, str]] = set()
    for index in (object_index(), dx_index, _site_index()):
        for entry in index.entries if index is not None else ():
            for phrase in (*entry.synonyms, *entry.exact):
                if _MARK_SET.isdisjoint(phrase):  # most phrases: one test in C
                    continue
                key = key_of(phrase)
                for words in (key, joined_variant(key), raw_key_of(phrase)):
                    out.update(
                        (a, b) for a, b in zip(words, words[1:], strict=False) if a in _MARK_SET
                    )
    return frozenset(out)


def separable(text: str, start: int, end: int) -> bool:
    """True when the object phrases of ``text[p:end]`` from ``start`` on are those of
    ``text[start:end]`` (shifted) for every ``p < start``: white space touches
    ``start`` (no token crosses it), the last token before it is a mark of
    :data:`_MARKS`, and no key has that mark followed by the first token after
    ``start``. No match then crosses ``start``, so the left-to-right matching of the
    longer text reaches the first token after it outside any match, as the shorter one
    does."""
    head = text[:start].rstrip()
    if not head or head[-1] not in _MARKS or not open_edge(text, start, len(text)):
        return False
    cols = columns(text[start:end])
    if not cols.raw:
        return True
    pairs = _mark_pairs()
    mark = head[-1]
    return (mark, cols.raw[0]) not in pairs and (mark, cols.folded[0]) not in pairs


def sentence_span(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence of ``text`` containing ``pos``: sentences end at '.', '!',
    '?' followed by a space and a capital, digit or bracket, and at a blank line (a
    single line break inside a sentence is hard wrapping); at most
    :data:`MAX_SENTENCE` characters either side.

    The start is the last sentence end at or before ``pos`` found scanning from
    ``pos - MAX_SENTENCE``; the scan first tries the last :data:`NEAR_START`
    characters only (:func:`_last_end`), and scans the rest only when they hold none."""
    lo = max(0, pos - MAX_SENTENCE)
    stop = min(len(text), pos + 2)
    near = max(lo, pos - NEAR_START)
    start = _last_end(text, near, stop, pos) if near > lo else None
    if start is None:
        start = _last_end(text, lo, stop, pos)
    end_match = _SENTENCE_END_RE.search(text, pos, min(len(text), pos + MAX_SENTENCE))
    end = end_match.end() if end_match else min(len(text), pos + MAX_SENTENCE)
    return start if start is not None else lo, end


def _last_end(text: str, begin: int, stop: int, pos: int) -> int | None:
    """The last end at or before ``pos`` of the sentence ends found scanning
    ``text[begin:stop]`` (lookbehinds read before ``begin``), or None.

    Scanning from a later ``begin`` finds the same last end whenever it finds one: the
    single-character ends are found wherever the scan starts unless an earlier match
    covers them, and only a blank-line match (white space) covers more than one
    character; a scan starting inside one finds either its end (its greedy run of
    white space ends where it does) or nothing in it, and after it both scans are the
    same."""
    found = None
    for m in _SENTENCE_END_RE.finditer(text, begin, stop):
        if m.end() <= pos:
            found = m.end()
    return found


def short_forms(text: str) -> dict[str, list[int]]:
    """Each short form written in brackets in ``text`` ("(PA)") -> where its brackets
    start, in order (a short form defines an object only when an object phrase ends
    right before it: :func:`defined_class`)."""
    out: dict[str, list[int]] = {}
    for m in _SHORT_FORM_RE.finditer(text):
        out.setdefault(m.group(1), []).append(m.start())
    return out


def defined_class(text: str, starts: list[int]) -> str | None:
    """The class of the object phrase ending right before the first of the short-form
    brackets at ``starts`` that follows one ("pseudoaneurysm (PA)": lesion), else None.
    The linker asks only for the short forms written in the sentences it reads (each
    costs an object-phrase lookup of the 80 characters before it)."""
    for start in starts:
        before = text[max(0, start - 80) : start].rstrip()
        phrases = object_phrases(before)
        if phrases and phrases[-1][1] == len(before) and phrases[-1][2]:
            return phrases[-1][2]
    return None
