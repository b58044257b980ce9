"""Diagnosis mentions from ``vocab/diagnoses.csv``: :func:`find_diagnoses` (pure).

Matching, in order, without overlaps:

* abbreviations defined in the text ("inflammatory myofibroblastic tumor (IMT)",
  found by scispaCy's detector) make every later "IMT" that diagnosis; they are
  matched first and override the vocabulary's standard abbreviations; the name is the
  vocabulary name ending right before "(SF)" when it covers the detected long form (the
  detector takes the shortest fitting one: "Osteoid osteoma (OO)" -> "osteoma");
* vocabulary synonyms (case-insensitive, plural and British spellings folded) and
  standard abbreviations (case-sensitive, only when no two entries share them);
* a metastasis entry (behaviour /6, "metastatic hemangiopericytoma") or "metastatic X"
  is coded as the malignant primary (/3) of the same morphology when the vocabulary
  has one, as registries code metastases ("malignant hemangiopericytoma" 9150/3);
* "X with (C7 spine) metastasis" is one mention of X, coded as X (the primary);
* a match whose one or two preceding words complete a longer vocabulary name in another
  word order is that name ("thyroid follicular carcinoma" = "follicular thyroid
  carcinoma");
* generic words alone ("tumour", "mass", "lesion", "neoplasm", also when misspelt)
  are never diagnoses;
* misspellings ("Neuro fibroma", "Dermatofibrosarcoma Protuberance") match with a
  bounded Damerau-Levenshtein distance (see :func:`vocabulary.fuzzy_limit`), never on
  a window that is itself a vocabulary word or in ``fuzzy_exclude``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache

from extractor.fields.diagnosis_roles import DxConfig, config
from extractor.fields.vocabulary import (
    PhraseIndex,
    VocabEntry,
    VocabularyError,
    all_keys,
    columns,
    key_of,
    phrase_index,
)

_METASTATIC_RE = re.compile(r"\b(?:metastatic|metastas[ie]s\s+(?:of|from))\s+$", re.IGNORECASE)
_FUNCTION_WORDS = frozenset(
    {"of", "the", "a", "an", "and", "or", "with", "in", "on", "to", "for", "from", "by", "as"}
)
#: "X with (multiple vertebral) metastases": the metastasis of X is one mention
_WITH_METASTASIS_RE = re.compile(r"\s+with\s+(?:[\w-]+\s+){0,4}?metastas[ie]s\b", re.IGNORECASE)


@dataclass(frozen=True)
class DxMatch:
    start: int
    end: int
    entry: VocabEntry
    how: str  # synonym / exact / fuzzy / defined abbreviation / metastatic


def default_index() -> PhraseIndex | None:
    try:
        return phrase_index("diagnoses.csv")
    except VocabularyError:
        return None


def default_stop_keys() -> frozenset[str]:
    try:
        return all_keys()
    except VocabularyError:
        return frozenset()


# ---------------------------------------------------------------- matching


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < e and s < b for s, e in spans)


def defined_abbreviations(text: str, defined: dict[str, str], index: PhraseIndex) -> list[DxMatch]:
    """Occurrences of abbreviations the text defines for a vocabulary diagnosis."""
    out: list[DxMatch] = []
    for short, long_form in defined.items():
        entry = _defined_entry(text, short, long_form, index)
        if entry is None or not short.strip():
            continue
        for start, end in standalone(text, short):
            if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
                continue  # the definition itself; its long form is matched
            out.append(DxMatch(start, end, entry, "defined abbreviation"))
    return out


def standalone(text: str, word: str) -> list[tuple[int, int]]:
    r"""Spans of the matches of ``(?<![\w-])WORDs?(?![\w-])`` (``word`` escaped) in
    ``text``, left to right, found with ``str.find``: compiling that pattern
    for each defined abbreviation cost ~50 us. A character is ``\w`` when it is
    alphanumeric or "_" (the ``re`` module's definition); the optional "s" is taken
    when the character after it allows, as the greedy ``s?`` is."""
    out: list[tuple[int, int]] = []
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if at == 0 or not _joins_word(text[at - 1]):
            if text[end : end + 1] == "s" and not _joins_word(text[end + 1 : end + 2]):
                end += 1
            elif _joins_word(text[end : end + 1]):
                end = -1
            if end >= 0:
                out.append((at, end))
                at = text.find(word, end)
                continue
        at = text.find(word, at + 1)
    return out


def _joins_word(char: str) -> bool:
    r"""``char`` (one character, or "" past an end) is ``[\w-]``."""
    return char.isalnum() or char in ("_", "-") if char else False


def _defined_entry(text: str, short: str, long_form: str, index: PhraseIndex) -> VocabEntry | None:
    """The entry of a defined abbreviation: the vocabulary name that ends right before
    "(SF)" when it covers the detected long form (the detector takes the shortest long
    form whose letters fit: "Osteoid osteoma (OO)" -> "osteoma"), else the long form's."""
    at = text.find(f"({short})")
    before = text[max(0, at - 120) : at].rstrip() if at > 0 else ""
    ending = (
        [m for m in index.find(before) if m.end == len(before)]
        if index.may_end_match(before)
        else []
    )
    if ending and len(before) - ending[-1].start >= len(long_form.strip()):
        return ending[-1].entry
    return index.lookup(long_form)


def _metastatic_variant(
    text: str, match: DxMatch, by_code: dict[str, VocabEntry], next_start: int | None = None
) -> DxMatch:
    code = match.entry.get("icdo3")
    if code and code.endswith("/6") and by_code.get(code[:4] + "/3"):
        return replace(match, entry=by_code[code[:4] + "/3"], how="metastatic")
    with_metastasis = _WITH_METASTASIS_RE.match(text, match.end) if code else None
    if (
        with_metastasis
        and code.endswith("/3")
        and (next_start is None or with_metastasis.end() <= next_start)
    ):
        return replace(match, end=with_metastasis.end(), how="metastatic")
    if (
        not code
        or code.endswith("/6")
        or not _METASTATIC_RE.search(text[max(0, match.start - 30) : match.start])
    ):
        return match
    if code.endswith("/3"):  # already malignant: keep its own (organ-specific) name
        return replace(match, how="metastatic")
    variant = by_code.get(code[:4] + "/3") or by_code.get(code[:4] + "/6")
    return replace(match, entry=variant, how="metastatic") if variant else match


def _is_generic(text: str, match: DxMatch, cfg: DxConfig) -> bool:
    """Generic words, generic entries ("metastasis") and names of services or
    proteins ("Sarcoma service", "anaplastic lymphoma kinase")."""
    for phrase in (text[match.start : match.end], match.entry.canonical):
        if " ".join(key_of(phrase)) in cfg.generic:
            return True
    return bool(cfg.not_disease_after.match(text, match.end))


def _is_definition(text: str, match: DxMatch, found: list[DxMatch]) -> bool:
    """The short form of "long form (SF)": its long form is the mention."""
    if text[match.start - 1 : match.start] != "(" or text[match.end : match.end + 1] != ")":
        return False
    return any(0 <= match.start - 1 - m.end <= 1 for m in found if m is not match)


def _fuzzy_stop_keys(stop_keys: frozenset[str], cfg: DxConfig) -> frozenset[str]:
    """Windows never matched approximately: keys of any vocabulary, plus the rule
    file's exclusions and generic words (cached: the union costs ~0.2 ms)."""
    return _union(stop_keys, cfg.fuzzy_exclude, cfg.generic)


@lru_cache(maxsize=8)
def _union(*sets: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*sets)


def find_diagnoses(
    text: str,
    index: PhraseIndex,
    defined: dict[str, str] | None = None,
    cfg: DxConfig | None = None,
    stop_keys: frozenset[str] = frozenset(),
) -> list[DxMatch]:
    """Diagnosis mentions in ``text``, in order, without overlaps."""
    cfg = cfg or config()
    found = defined_abbreviations(text, defined or {}, index)
    taken = [(m.start, m.end) for m in found]
    for m in index.find(text):
        if not _overlaps(m.start, m.end, taken):
            found.append(DxMatch(m.start, m.end, m.entry, m.how))
    found = [m for m in found if not _is_generic(text, m, cfg)]
    taken = [(m.start, m.end) for m in found]
    for m in index.find_fuzzy(text, taken, _fuzzy_stop_keys(stop_keys, cfg)):
        fuzzy = DxMatch(m.start, m.end, m.entry, "fuzzy")
        if not _is_generic(text, fuzzy, cfg):  # fuzzy "spine metastasis" (the others passed)
            found.append(fuzzy)
    found = [m for m in found if not _is_definition(text, m, found)]
    found = _reordered(text, sorted(found, key=lambda m: m.start), index)
    by_code = _by_code(index)
    nexts = [m.start for m in found[1:]] + [None]
    return [_metastatic_variant(text, m, by_code, nexts[i]) for i, m in enumerate(found)]


@lru_cache(maxsize=4)
def _by_code(index: PhraseIndex) -> dict[str, VocabEntry]:
    """ICD-O-3 code -> the first entry of that code (its main name); once per index."""
    by_code: dict[str, VocabEntry] = {}
    for e in index.entries:
        if e.get("icdo3"):
            by_code.setdefault(e.get("icdo3"), e)
    return by_code


@lru_cache(maxsize=4)
def _word_bags(index: PhraseIndex) -> dict[tuple[str, ...], VocabEntry]:
    """Sorted folded words of each multi-word vocabulary key -> its entry."""
    bags: dict[tuple[str, ...], VocabEntry] = {}
    for key, entry in index.keys.items():
        if len(key) > 1:
            bags.setdefault(tuple(sorted(key)), entry)
    return bags


def _reordered(text: str, found: list[DxMatch], index: PhraseIndex) -> list[DxMatch]:
    """A match whose one or two preceding words complete a longer vocabulary name in
    another word order ("thyroid follicular carcinoma" = "follicular thyroid carcinoma")
    is that name; sorted ``found`` in, sorted out."""
    starts, ends, _raw, folded = columns(text)
    bags = _word_bags(index)
    out: list[DxMatch] = []
    for m in found:
        i, j = bisect_left(starts, m.start), bisect_left(ends, m.end)
        for n in (2, 1):
            k = i - n
            if k < 0 or (out and out[-1].end > starts[k]) or j >= len(ends):
                continue
            words = folded[k : j + 1]
            gaps = [text[ends[t] : starts[t + 1]] for t in range(k, i)]
            entry = bags.get(tuple(sorted(words)))
            if (
                entry is not None
                and all(w.isalpha() and w not in _FUNCTION_WORDS for w in folded[k:i])
                and all(g in (" ", "-") for g in gaps)
            ):
                how = m.how if entry.canonical == m.entry.canonical else "word order"
                m = DxMatch(starts[k], m.end, entry, how)
                break
        out.append(m)
    return out
