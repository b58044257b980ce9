"""Markers of one sentence and their coordinated lists (pure; offsets into the sentence).

:func:`find_markers` finds the markers of ``vocab/markers.csv`` plus any ``CDnn`` the
vocabulary does not know. :func:`group_markers` groups coordinated markers ("A, B and
C"; a parenthetical such as "CD34 (marker of vascular endothelial cells)" is skipped
in the gap, see :func:`is_list_gap`). :func:`slot_markers` finds misspelled markers
in the slots of a coordinated list ("S100, mclean-A and HMB-45"), and only there, so
ordinary words stay words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.fields.stain_cues import PAREN_RE, CueIndex, MarkerSpan, has_cue, overlapped
from extractor.fields.vocabulary import (
    PhraseIndex,
    VocabMatch,
    VocabularyError,
    damerau_levenshtein,
    joined_variant,
    key_of,
    phrase_index,
)

_CD_RE = re.compile(r"\bCD-?(\d{1,3}[a-z]?)\b")
#: a sign, a slash and a bare CD number followed by its own sign ("CD3+/8+")
_ELIDED_CD_RE = re.compile(r"[+\-−]/(\d{1,3}[a-z]?)(?=[+\-−])")
GAP_WORD_RE = re.compile(r"[A-Za-z]+|[^\sA-Za-z]")
_LIST_WORDS = frozenset("and or nor as well plus the both either neither also".split())
_LIST_PUNCT = frozenset(",/+-&")
_BREAK_WORDS = frozenset(
    "but whereas while although though however except not no was were is are with "
    "without showed revealed".split()
)


def default_index() -> PhraseIndex | None:
    try:
        return phrase_index("markers.csv")
    except VocabularyError:
        return None


def find_markers(
    text: str, index: PhraseIndex | None, vocab: list[VocabMatch] | None = None
) -> list[MarkerSpan]:
    """Vocabulary markers, plus ``CDnn`` names the vocabulary does not know; ``vocab``,
    when given, is ``index.find(text)`` already computed (cut from the document's)."""
    if vocab is None:
        vocab = index.find(text) if index else []
    known = [MarkerSpan(m.start, m.end, m.canonical) for m in vocab]
    found = list(known)  # vocabulary matches are sorted and do not overlap
    for m in _CD_RE.finditer(text):
        if overlapped(known, m.start(), m.end()) is None:
            found.append(MarkerSpan(m.start(), m.end(), f"CD{m.group(1)}"))
    found.extend(elided_cds(text, found))
    return sorted(found, key=lambda f: f.start)


def elided_cds(text: str, markers: list[MarkerSpan]) -> list[MarkerSpan]:
    """CD numbers written without "CD" after a signed CD marker: "CD3+/8+" names CD3
    and CD8, "CD4+/8-/56+" CD4, CD8 and CD56 (a sign must follow each number, so the
    ratio "CD4/8" names nothing more)."""
    out = []
    for marker in markers:
        if not marker.canonical.upper().startswith("CD"):
            continue
        pos = marker.end
        while (m := _ELIDED_CD_RE.match(text, pos)) is not None:
            out.append(MarkerSpan(m.start(1), m.end(1), f"CD{m.group(1)}"))
            pos = m.end(1)
    return out


def may_have_markers(text: str, vocab: list[VocabMatch]) -> bool:
    """False only when :func:`find_markers` of ``text`` is empty: no vocabulary match
    and no "CD" (which :data:`_CD_RE` requires; elided CDs need a found marker)."""
    return bool(vocab) or "CD" in text


# ---------------------------------------------------------------- grouping


def gap_words(gap: str) -> list[str]:
    return GAP_WORD_RE.findall(PAREN_RE.sub(" ", gap))


def is_list_gap(gap: str) -> bool:
    """True when ``gap`` only joins two coordinated markers (", ", " and ", "(...)")."""
    if len(gap) > 120:
        return False
    fillers = 0
    for word in gap_words(gap):
        low = word.lower()
        if low in _LIST_WORDS or low in _LIST_PUNCT:
            continue
        if not word.isalpha() or low in _BREAK_WORDS:
            return False
        fillers += 1
    return fillers <= 2


def group_markers(text: str, markers: list[MarkerSpan], cues: CueIndex) -> list[list[MarkerSpan]]:
    """Coordinated markers, in order."""
    groups: list[list[MarkerSpan]] = []
    for marker in markers:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end : marker.start]
            if is_list_gap(gap) and not has_cue(cues, prev.end, marker.start):
                groups[-1].append(marker)
                continue
        groups.append([marker])
    return groups


# ---------------------------------------------------------------- misspelled markers

#: one slot of a coordinated list: a word or two between list separators
_SLOT_SPLIT_RE = re.compile(r"\s*(?:,|;|/|\band\b|\bor\b)\s*", re.IGNORECASE)
_SLOT_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[- ][A-Za-z0-9]+)?")
#: the slot after the last marker of a list ("... S100 and mclean-A.")
_TAIL_SLOT_RE = re.compile(
    r"\s*,?\s*(?:and|or)\s+([^\s.,;:()]+(?: [^\s.,;:()]+)?)\s*(?=[.;:(]|$)", re.IGNORECASE
)
#: the slot between a forward cue and the first marker ("positive for mclean-A, S100")
_HEAD_SLOT_RE = re.compile(
    r"\s*(?:the\s+)?([^\s.,;:()]+(?: [^\s.,;:()]+)?)\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)",
    re.IGNORECASE,
)


def _slot_limit(key: str) -> int:
    """Edits allowed between a list slot and a marker key (letters only counted)."""
    letters = sum(ch.isalpha() for ch in key)
    return 0 if letters < 4 else 1 if letters < 6 else 2


@lru_cache(maxsize=4)
def _keys_by_letter(index: PhraseIndex) -> dict[str, list[tuple[str, str]]]:
    """Marker keys (space-joined folded words) by first letter, with their canonical."""
    out: dict[str, list[tuple[str, str]]] = {}
    for key, entry in index.keys.items():
        joined = " ".join(key)
        out.setdefault(joined[:1], []).append((joined, entry.canonical))
    return out


def nearest_marker(word: str, index: PhraseIndex) -> str | None:
    """Canonical marker within :func:`_slot_limit` edits of ``word`` (same first letter,
    one best candidate), else None; an exact key is not a misspelling."""
    words = key_of(word)
    key = " ".join(words)
    if not key or words in index.keys or joined_variant(words) in index.keys:
        return None
    best: tuple[int, str] | None = None
    tie = False
    for other, canonical in _keys_by_letter(index).get(key[:1], ()):
        limit = _slot_limit(other)
        if not limit:
            continue
        d = damerau_levenshtein(key, other, limit)
        if d > limit:
            continue
        if best is None or d < best[0]:
            best, tie = (d, canonical), False
        elif d == best[0] and canonical != best[1]:
            tie = True
    return None if best is None or tie else best[1]


def slot_markers(
    text: str, markers: list[MarkerSpan], cues: CueIndex, index: PhraseIndex
) -> list[MarkerSpan]:
    """Misspelled markers ("mclean-A" for Melan-A) in the slots of a coordinated list:
    a word or two between two list-joined markers, or after the last one ("A, B and
    C."). Only these positions are searched, so ordinary words stay words."""
    found: list[MarkerSpan] = []
    seen: set[tuple[int, int]] = set()
    slots: list[tuple[int, int]] = []
    for prev, nxt in zip(markers, markers[1:], strict=False):
        gap = text[prev.end : nxt.start]
        if is_list_gap(gap) and not has_cue(cues, prev.end, nxt.start):
            slots.append((prev.end, nxt.start))
    for marker in markers:
        tail = _TAIL_SLOT_RE.match(text, marker.end)
        if tail is not None:
            slots.append((tail.start(1), tail.end(1)))
        cue = cues.last_before(marker.start)
        head = _HEAD_SLOT_RE.fullmatch(text, cue.end, marker.start) if cue else None
        if cue is not None and cue.direction == "forward" and head is not None:
            slots.append((head.start(1), head.end(1)))
    for lo, hi in sorted(set(slots)):
        pos = lo
        for piece in _SLOT_SPLIT_RE.split(text[lo:hi]):
            start = text.find(piece, pos, hi) if piece else -1
            if start < 0:
                continue
            pos = start + len(piece)
            word = piece.strip()
            if not _SLOT_RE.fullmatch(word) or word.lower() in _LIST_WORDS:
                continue
            offset = start + piece.index(word)
            span = (offset, offset + len(word))
            if span in seen or overlapped(markers, *span) or has_cue(cues, *span):
                continue
            canonical = nearest_marker(word, index)
            if canonical is not None:
                seen.add(span)
                found.append(MarkerSpan(*span, canonical))
    return sorted(found, key=lambda f: f.start)
