"""Immunohistochemical stains: marker, result, extent, intensity, percent.

Parser (pure, per sentence): :func:`parse_stains` finds the markers of
``vocab/markers.csv`` (plus any ``CDnn`` not in the vocabulary, and misspelled markers
in the slots of a coordinated list: "S100, mclean-A and HMB-45", see
:func:`slot_markers`) and the result cues of ``rules/stain_rules.json``, groups
coordinated markers ("A, B and C"; parentheticals such as "CD34 (marker of vascular
endothelial cells)" are skipped) and gives each group a result, first rule that applies:

1. a sign attached to one marker ("CD34+", "S-100(-)", "... (HER-2) (+)") -> that
   marker only;
2. a forward cue right before the group ("negative for A and B", "showed positive
   staining for A, B and C"); a *nominal* one ("expression of", "immunoreactivity
   for") yields to a backward cue after the group ("expression of INI1 was lost");
3. a backward cue right after it ("A and B were negative", "CD34-positive", "A and B
   showed a strong reactivity");
4. the nearest earlier forward cue of the sentence, across "," and ";" clauses, so
   "positive for A; focal positive for B; and negative for C" distributes each
   clause's result, and a clause without a cue inherits the previous one;
5. a backward cue later in the same clause ("staining for CD34, ..., was negative");
6. a percentage alone ("Ki-67 index of 5%") -> positive with that percent.

Cues with result "none" name a stain without giving its result ("CD34 was not
performed", "a positive control for CD34", "sections were stained with", "BRAF V600E
mutation"): the markers they decide get a finding only from a sign or a percentage
("Ki-67 was assessed at 5%"). A backward one yields to a result joined to it ("was
performed and was negative"); "BRAF V600E mutation was detected" stays without one.

Extent (diffuse/focal/patchy) and intensity (strong/moderate/weak) come from the
words around the deciding cue ("diffuse and positive for", "were focally positive")
or a parenthesis after the marker ("CD34 (focal)"). The mention span is the marker's
words; "negative" is the result, so candidates are exempt from ConText negation.

Summary rule: one entry per marker in order of first appearance in patient sections
(the first mention's result; a later percent fills a missing one). Mentions in a
sentence about stains in general (:data:`GENERAL_RE`: "Diagnosis is made by ...
looking for ...", "typically", "the differential diagnosis is X, which is S100
positive") keep the rule suffix ``|general`` and stay out of it. Stains in the
discussion stay mentions and never reach the summary (see :mod:`extractor.summary`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate
from extractor.fields.vocabulary import (
    PhraseIndex,
    VocabularyError,
    damerau_levenshtein,
    joined_variant,
    key_of,
    phrase_index,
)
from extractor.rules import Rule, RuleFileError, load_rules
from extractor.schema import FieldName, Mention, SectionKind
from extractor.sections import SectionSpan, section_at
from extractor.tokenizer import doc_text

RULE_KEYS = frozenset({"direction", "result", "adjacent_only", "nominal"})
_DIRECTIONS = frozenset({"forward", "backward", "sign", "contrast", "subject"})
_RESULTS = frozenset({"positive", "negative", "none"})
NO_RESULT = "none"
_CD_RE = re.compile(r"\bCD-?(\d{1,3}[a-z]?)\b")
_PAREN_RE = re.compile(r"\([^()]{0,80}\)")
_PAREN_SIGN_RE = re.compile(r" ?\( ?[+-] ?\)")
_GAP_WORD_RE = re.compile(r"[A-Za-z]+|[^\sA-Za-z]")
_LIST_WORDS = frozenset("and or nor as well plus the both either neither also".split())
_LIST_PUNCT = frozenset(",/+-&")
_BREAK_WORDS = frozenset(
    "but whereas while although though however except not no was were is are with "
    "without showed revealed".split()
)
_MODIFIER_WORDS = frozenset(
    "the both either all only also diffuse diffusely focal focally strong strongly weak "
    "weakly moderate moderately intense intensely patchy patchily and".split()
)
_EXTENT = {"diffuse": "diffuse", "focal": "focal", "patchy": "patchy", "patchily": "patchy"}
_INTENSITY = {
    "strong": "strong",
    "intense": "strong",
    "moderate": "moderate",
    "weak": "weak",
    "faint": "weak",
}
_MOD_RE = re.compile(
    r"\b(diffuse|focal|patchy|patchily|strong|intense|moderate|weak|faint)(?:ly)?\b",
    re.IGNORECASE,
)
_PERCENT_RE = re.compile(r"(\d{1,3}(?:\.\d{1,2})?) ?%")
_VALUE_AFTER_COLON_RE = re.compile(r": ?(\d{1,3}(?:\.\d{1,2})?) ?%")
_CLAUSE_STOP = ";.:"
_EXCLUDED_KINDS = (SectionKind.OTHER_ARTICLES, SectionKind.NON_CONTENT)
#: a sentence about stains in general ("Diagnosis is made by ... looking for ...")
GENERAL_RE = re.compile(
    r"\b(?:looking\s+for|is\s+made\s+by|(?:are|is)\s+(?:typically|usually|generally|often|"
    r"characteristically)|typically|usually|characteristically|have\s+been\s+reported|"
    r"differential\s+diagnos[ie]s\b[^.;]*?\b(?:which|that)\s+(?:is|are|express(?:es)?|stains?))\b",
    re.IGNORECASE,
)
GENERAL_SUFFIX = "|general"


@dataclass(frozen=True)
class MarkerSpan:
    start: int
    end: int
    canonical: str


@dataclass(frozen=True)
class StainCue:
    start: int
    end: int
    rule: str
    direction: str
    result: str
    adjacent_only: bool = False
    nominal: bool = False


@dataclass(frozen=True)
class StainFinding:
    start: int
    end: int
    marker: str
    result: str
    extent: str | None
    intensity: str | None
    percent: float | None
    rule: str

    def value(self) -> dict[str, Any]:
        return {
            "marker": self.marker,
            "result": self.result,
            "extent": self.extent,
            "intensity": self.intensity,
            "percent": self.percent,
        }


# ---------------------------------------------------------------- rules and markers


@lru_cache(maxsize=1)
def stain_rules() -> list[Rule]:
    rules = load_rules("extractor.fields.rules", "stain_rules.json", RULE_KEYS)
    for rule in rules:
        direction, result = rule.options.get("direction"), rule.options.get("result")
        if direction not in _DIRECTIONS or result not in _RESULTS:
            raise RuleFileError(
                f"stain_rules.json: rule {rule.id}: direction must be one of "
                f"{sorted(_DIRECTIONS)} and result one of {sorted(_RESULTS)}"
            )
        if direction == "sign" and result == NO_RESULT:
            raise RuleFileError(f"stain_rules.json: rule {rule.id}: a sign has a result")
    return rules


def default_index() -> PhraseIndex | None:
    try:
        return phrase_index("markers.csv")
    except VocabularyError:
        return None


def find_markers(text: str, index: PhraseIndex | None) -> list[MarkerSpan]:
    """Vocabulary markers, plus ``CDnn`` names the vocabulary does not know."""
    known = [MarkerSpan(m.start, m.end, m.canonical) for m in (index.find(text) if index else [])]
    found = list(known)  # vocabulary matches are sorted and do not overlap
    for m in _CD_RE.finditer(text):
        if _overlapped(known, m.start(), m.end()) is None:
            found.append(MarkerSpan(m.start(), m.end(), f"CD{m.group(1)}"))
    return sorted(found, key=lambda f: f.start)


def _cue(rule: Rule, m: re.Match[str]) -> StainCue:
    return StainCue(
        m.start(),
        m.end(),
        rule.id,
        rule.options["direction"],
        rule.options["result"],
        bool(rule.options.get("adjacent_only")),
        bool(rule.options.get("nominal")),
    )


def _overlapped(markers: list[MarkerSpan], start: int, end: int) -> MarkerSpan | None:
    """The last of the sorted ``markers`` overlapping [start, end), if any."""
    i = bisect_left(markers, end, key=lambda m: m.start) - 1
    while i >= 0 and markers[i].end > start:
        if markers[i].start < end:
            return markers[i]
        i -= 1
    return None


def find_cues(
    text: str, rules: list[Rule], markers: list[MarkerSpan] | None = None
) -> list[StainCue]:
    """Non-overlapping result cues (sign rules excluded): earliest, then longest.

    A cue overlapping one of ``markers`` ("Gram stains were negative": the cue
    "stains were negative") is searched again from the marker's end, so the marker
    keeps its words and the cue its result words; a cue left without words is dropped."""
    markers = markers or []
    raw: list[StainCue] = []
    for rule in rules:
        if rule.options["direction"] in ("sign", "contrast", "subject"):
            continue
        for m in rule.regex.finditer(text):
            marker = _overlapped(markers, m.start(), m.end())
            if marker is not None and marker.start <= m.start():
                again = rule.regex.search(text, marker.end, m.end())
                if again is None:
                    continue  # the cue's words are the marker's ("Gram stains")
                m = again
            raw.append(_cue(rule, m))
    raw.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[StainCue] = []
    for cue in raw:
        if not kept or cue.start >= kept[-1].end:
            kept.append(cue)
    return kept


def find_contrasts(text: str, rules: list[Rule]) -> list[StainCue]:
    """Contrast cues ("but not in"), in text order."""
    found = [
        _cue(rule, m)
        for rule in rules
        if rule.options["direction"] == "contrast"
        for m in rule.regex.finditer(text)
    ]
    return sorted(found, key=lambda c: c.start)


def negated_subject(text: str, group_start: int, rules: list[Rule]) -> Rule | None:
    """A ``subject`` rule matching the words from the clause start to the group: the
    markers are the subject of a negated clause ("No other hormones (GH, TSH) were
    expressed", "None of CD34 and S100 was positive")."""
    head = text[_sentence_clause_start(text, group_start) : group_start]
    for rule in rules:
        if rule.options["direction"] == "subject" and rule.regex.search(head):
            return rule
    return None


def _sentence_clause_start(text: str, pos: int) -> int:
    """Start of the clause for a subject: after the last ';' or ':' or sentence end
    (a parenthesis or comma inside the subject does not end it)."""
    return max(text.rfind(ch, 0, pos) for ch in ";:.") + 1


def sign_after(text: str, marker: MarkerSpan, rules: list[Rule]) -> tuple[str, str] | None:
    """(result, rule id) of a sign attached to the marker ("CD34+", "S-100(-)"), also
    after one parenthesis ("HER2 (c-erbB-2) (+)") or at the end of one ("... (HER-2) (+)")."""
    tails = [text[marker.end : marker.end + 6]]
    paren = _PAREN_RE.match(text, marker.end + (text[marker.end : marker.end + 1] == " "))
    skipped = paren.end() if paren else marker.end + 1 if text.startswith(")", marker.end) else -1
    if skipped >= 0 and _PAREN_SIGN_RE.match(text, skipped):  # only "(+)" after a parenthesis
        tails.append(text[skipped : skipped + 6])
    for tail in tails:
        for rule in rules:
            if rule.options["direction"] == "sign" and rule.regex.match(tail):
                return rule.options["result"], rule.id
    return None


# ---------------------------------------------------------------- grouping


def _gap_words(gap: str) -> list[str]:
    return _GAP_WORD_RE.findall(_PAREN_RE.sub(" ", gap))


def is_list_gap(gap: str) -> bool:
    """True when ``gap`` only joins two coordinated markers (", ", " and ", "(...)")."""
    if len(gap) > 120:
        return False
    fillers = 0
    for word in _gap_words(gap):
        low = word.lower()
        if low in _LIST_WORDS or low in _LIST_PUNCT:
            continue
        if not word.isalpha() or low in _BREAK_WORDS:
            return False
        fillers += 1
    return fillers <= 2


#: "positive for the endothelial marker CD31": a descriptor between a cue and its marker
_DESCRIPTOR_RE = re.compile(
    r"\s*(?:(?:the|a|an)\s+)?(?:[A-Za-z-]+\s+){0,2}markers?\s*$", re.IGNORECASE
)


def _is_modifier_gap(gap: str, limit: int = 30) -> bool:
    words = _gap_words(gap)
    if len(gap) <= limit and all(w.lower() in _MODIFIER_WORDS for w in words):
        return True
    return len(gap) <= limit + 20 and _DESCRIPTOR_RE.fullmatch(gap) is not None


@dataclass(frozen=True)
class CueIndex:
    """Sorted, non-overlapping cues with bisect keys (linear-time lookups per group)."""

    cues: list[StainCue]

    @cached_property
    def ends(self) -> list[int]:
        return [c.end for c in self.cues]

    @cached_property
    def starts(self) -> list[int]:
        return [c.start for c in self.cues]

    @cached_property
    def strong(self) -> list[StainCue]:
        return [c for c in self.cues if not c.adjacent_only]

    @cached_property
    def strong_ends(self) -> list[int]:
        return [c.end for c in self.strong]

    @cached_property
    def strong_starts(self) -> list[int]:
        return [c.start for c in self.strong]

    def last_before(self, pos: int, strong: bool = False) -> StainCue | None:
        cues, ends = (self.strong, self.strong_ends) if strong else (self.cues, self.ends)
        i = bisect_right(ends, pos) - 1
        return cues[i] if i >= 0 else None

    def first_after_end(self, pos: int) -> StainCue | None:
        """The first cue ending after ``pos``."""
        i = bisect_right(self.ends, pos)
        return self.cues[i] if i < len(self.cues) else None

    def first_after(self, pos: int, strong: bool = False) -> StainCue | None:
        cues, starts = (self.strong, self.strong_starts) if strong else (self.cues, self.starts)
        i = bisect_left(starts, pos)
        return cues[i] if i < len(cues) else None


def _has_cue(cues: CueIndex, start: int, end: int) -> bool:
    cue = cues.first_after_end(start)
    return cue is not None and cue.start < end


def group_markers(text: str, markers: list[MarkerSpan], cues: CueIndex) -> list[list[MarkerSpan]]:
    """Coordinated markers, in order."""
    groups: list[list[MarkerSpan]] = []
    for marker in markers:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end : marker.start]
            if is_list_gap(gap) and not _has_cue(cues, prev.end, marker.start):
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
        if is_list_gap(gap) and not _has_cue(cues, prev.end, nxt.start):
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
            if span in seen or _overlapped(markers, *span) or _has_cue(cues, *span):
                continue
            canonical = nearest_marker(word, index)
            if canonical is not None:
                seen.add(span)
                found.append(MarkerSpan(*span, canonical))
    return sorted(found, key=lambda f: f.start)


# ---------------------------------------------------------------- results


def _clause_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in _CLAUSE_STOP + ",") + 1


def _clause_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find(ch, pos) for ch in _CLAUSE_STOP) if i >= 0]
    return min(ends, default=len(text))


#: a result followed by its markers in parentheses: "positive immunostaining (CD1a and
#: S100)", "was negative (CD34, desmin)"
_OPEN_PAREN_RE = re.compile(r"\s*\(\s*")
_CLOSE_PAREN_RE = re.compile(r"\s*\)")
_RESULT_WORD_RE = re.compile(r"positiv|negativ|reactiv|express", re.IGNORECASE)


def _adjacent_forward(text: str, cues: CueIndex, start: int) -> StainCue | None:
    cue = cues.last_before(start)
    if cue and cue.direction == "forward" and _is_modifier_gap(text[cue.end : start]):
        return cue
    return None


def _paren_forward(text: str, cues: CueIndex, group: list[MarkerSpan]) -> StainCue | None:
    """A result right before a parenthesis that holds exactly the group."""
    cue = cues.last_before(group[0].start)
    if cue is None or cue.result == NO_RESULT:
        return None
    if not _RESULT_WORD_RE.search(text, cue.start, cue.end):  # "immunostaining (" alone
        return None
    if not _OPEN_PAREN_RE.fullmatch(text, cue.end, group[0].start):
        return None
    return cue if _CLOSE_PAREN_RE.match(text, group[-1].end) else None


def _adjacent_backward(text: str, cues: CueIndex, end: int) -> StainCue | None:
    cue = cues.first_after(end)
    if cue is None or cue.direction != "backward":
        return None
    gap = _PAREN_RE.sub(" ", text[end : cue.start])
    words = [w for w in _GAP_WORD_RE.findall(gap) if w not in "+-:="]  # "CD34: positive"
    if len(gap) <= 40 and len(words) <= 3 and all(w.isalpha() for w in words):
        return cue
    return None


def _earlier_forward(cues: CueIndex, start: int) -> StainCue | None:
    cue = cues.last_before(start, strong=True)
    return cue if cue and cue.direction == "forward" else None


def _later_backward(
    text: str, cues: CueIndex, end: int, limit: int | None = None
) -> StainCue | None:
    """The first strong cue after ``end`` when it is backward, in the same clause and
    (with ``limit``) starts before ``limit``."""
    cue = cues.first_after(end, strong=True)
    if cue and cue.end <= _clause_end(text, end) and cue.direction == "backward":
        return cue if limit is None or cue.start < limit else None
    return None


#: what joins a no-result cue to a later result ("was performed and was negative")
_JOIN_RE = re.compile(r"\s*,?\s*(?:and|which|that|but)(?:\s+(?:it|they))?\s*", re.IGNORECASE)
_CLAUSE_JOIN_RE = re.compile(r",\s*(?:and|while|whereas)\b", re.IGNORECASE)


def split_group(text: str, cues: CueIndex, group: list[MarkerSpan]) -> list[list[MarkerSpan]]:
    """Split "positive for A and B, and C and D were negative" at the ", and" where a
    group has a forward cue before it and a conflicting backward cue after it."""
    fwd = _adjacent_forward(text, cues, group[0].start)
    bwd = _adjacent_backward(text, cues, group[-1].end)
    if len(group) < 2 or fwd is None or bwd is None or fwd.result == bwd.result:
        return [group]
    for i in range(len(group) - 1, 0, -1):
        if _CLAUSE_JOIN_RE.search(text[group[i - 1].end : group[i].start]):
            return [group[:i], group[i:]]
    return [group]


def group_cue(
    text: str, cues: CueIndex, group: list[MarkerSpan], limit: int | None = None
) -> StainCue | None:
    """The cue deciding the result of a coordinated group (rules 2-5 of the module).

    A nominal forward cue ("expression of") yields to a backward cue after the group,
    before ``limit`` (the next marker): "expression of INI1 was lost". A backward
    "none" cue ("was performed") yields to a result joined to it by "and", "which"
    ("was performed and was negative")."""
    start, end = group[0].start, group[-1].end
    fwd = _adjacent_forward(text, cues, start) or _paren_forward(text, cues, group)
    if fwd is not None and fwd.nominal:
        after = _adjacent_backward(text, cues, end) or _later_backward(text, cues, end, limit)
        cue = after or fwd
    else:
        cue = (
            fwd
            or _adjacent_backward(text, cues, end)
            or _earlier_forward(cues, start)
            or _later_backward(text, cues, end)
        )
    if cue is not None and cue.result == NO_RESULT and cue.direction == "backward":
        later = _later_backward(text, cues, cue.end)
        if later is not None and _JOIN_RE.fullmatch(text, cue.end, later.start):
            cue = later
    return cue


def modifiers(window: str) -> tuple[str | None, str | None]:
    """(extent, intensity) named in ``window``."""
    extent = intensity = None
    for m in _MOD_RE.finditer(window):
        word = m.group(1).lower()
        extent = extent or _EXTENT.get(word)
        intensity = intensity or _INTENSITY.get(word)
    return extent, intensity


def cue_window(text: str, cue: StainCue, group: list[MarkerSpan]) -> str:
    """Text whose modifier words describe the group's staining."""
    if cue.direction == "forward":
        lo = max(_clause_start(text, cue.start), cue.start - 40)
        return text[lo : cue.end]
    hi = min(_clause_end(text, cue.end), cue.end + 30)
    return text[group[-1].end : hi]


def marker_modifiers(text: str, marker: MarkerSpan) -> tuple[str | None, str | None]:
    m = _PAREN_RE.match(text, marker.end + (text[marker.end : marker.end + 1] == " "))
    return modifiers(m.group(0)) if m else (None, None)


_LABEL_SEP_RE = re.compile(r" ?[:=] ?")


def percent_after(text: str, marker: MarkerSpan, limit: int) -> float | None:
    """The first percentage after the marker in its clause ("Ki-67: 5%" too, and "the
    Ki-67 index was: 40%"). A marker with its own percentage takes it as its result
    when the list's cue lies beyond the next marker ("ER 90%, PR 10% and HER2 was
    negative": ER and PR positive)."""
    sep = _LABEL_SEP_RE.match(text, marker.end)
    start = sep.end() if sep else marker.end
    end = min(limit, marker.end + 80, _clause_end(text, start))
    m = _PERCENT_RE.search(text[marker.end : end])
    if m is None and text.startswith(":", end):  # "index was: 40%"
        m = _VALUE_AFTER_COLON_RE.match(text, end)
    return float(m.group(1)) if m else None


def _restates(text: str, prev: MarkerSpan | None, marker: MarkerSpan) -> bool:
    """ "smooth muscle actin (SMA)": the parenthesised name repeats the previous marker."""
    if prev is None or prev.canonical != marker.canonical:
        return False
    return text[prev.end : marker.start].strip() == "("


def parse_stains(text: str, index: PhraseIndex | None = None) -> list[StainFinding]:
    """Stain results in one sentence ``text`` (offsets into it)."""
    index = index if index is not None else default_index()
    rules = stain_rules()
    markers = find_markers(text, index)
    if not markers:  # every finding is a marker's
        return []
    cues = CueIndex(find_cues(text, rules, markers))
    markers = [m for m in markers if not _has_cue(cues, m.start, m.end)]
    markers = [
        m for i, m in enumerate(markers) if not _restates(text, markers[i - 1] if i else None, m)
    ]
    if index is not None:
        markers = sorted(markers + slot_markers(text, markers, cues, index), key=lambda m: m.start)
    findings: list[StainFinding] = []
    contrasts = find_contrasts(text, rules)
    groups = group_markers(text, markers, cues)
    starts = [m.start for m in markers]
    for group in [part for g in groups for part in split_group(text, cues, g)]:
        nxt = bisect_right(starts, group[-1].start)
        limit_next = starts[nxt] if nxt < len(starts) else len(text)
        cue = group_cue(text, cues, group, limit_next)
        if cue is not None and cue.result == "positive" and cue.direction == "backward":
            subject = negated_subject(text, group[0].start, rules)
            if subject is not None:
                cue = replace(cue, result="negative", rule=subject.id)
        if cue is not None and cue.result == NO_RESULT:
            base: tuple[str | None, str | None] = (None, None)
        else:
            base = modifiers(cue_window(text, cue, group)) if cue else (None, None)
        first = len(findings)
        for marker in group:
            nxt = bisect_left(starts, marker.end)
            limit = starts[nxt] if nxt < len(starts) else len(text)
            percent = percent_after(text, marker, limit)
            own_value = percent is not None and cue is not None and cue.start >= limit
            finding = _finding(text, marker, None if own_value else cue, base, percent, rules)
            if finding is not None:
                findings.append(finding)
        own = findings[first:]
        findings.extend(contrast_findings(text, contrasts, group, cue, own, limit_next))
    return findings


def contrast_findings(
    text: str,
    contrasts: list[StainCue],
    group: list[MarkerSpan],
    cue: StainCue | None,
    findings: list[StainFinding],
    limit: int,
) -> list[StainFinding]:
    """Second findings of a positive group (``findings``: the group's) from a contrast
    cue after it, in its clause and before the next marker: "A and B were expressed in
    the carcinoma, but not in the epidermis" -> A and B also negative (the first
    finding stays first)."""
    if cue is None or cue.result != "positive" or not contrasts:
        return []
    after = max(group[-1].end, cue.end)
    i = bisect_left(contrasts, after, key=lambda c: c.start)
    contrast = contrasts[i] if i < len(contrasts) else None
    if contrast is None or contrast.end > min(limit, _clause_end(text, after)):
        return []
    own = {(m.start, m.end) for m in group}
    return [
        replace(
            f, result=contrast.result, extent=None, intensity=None, percent=None, rule=contrast.rule
        )
        for f in findings
        if (f.start, f.end) in own and f.rule == cue.rule
    ]


def _finding(
    text: str,
    marker: MarkerSpan,
    cue: StainCue | None,
    base: tuple[str | None, str | None],
    percent: float | None,
    rules: list[Rule],
) -> StainFinding | None:
    sign = sign_after(text, marker, rules)
    if sign is not None:
        result, rule = sign
    elif cue is not None and cue.result != NO_RESULT:
        result, rule = cue.result, cue.rule
    elif percent is not None:  # also after a no-result cue: "Ki-67 was assessed at 5%"
        result, rule = ("positive" if percent > 0 else "negative"), "stain.percent"
    else:
        return None
    own = marker_modifiers(text, marker)
    extent, intensity = (own[0] or base[0], own[1] or base[1]) if sign is None else own
    return StainFinding(
        marker.start, marker.end, marker.canonical, result, extent, intensity, percent, rule
    )


# ---------------------------------------------------------------- component


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    if doc.has_annotation("SENT_START"):
        return [(s.start_char, s.end_char) for s in doc.sents]
    return [(0, len(doc_text(doc)))]


def stain_section_allowed(sections: list[SectionSpan], pos: int) -> bool:
    """Stains are reported anywhere but in other articles and non-content (title kept)."""
    section = section_at(sections, pos)
    if section is None or section.label == "front_matter":
        return True
    return section.kind not in _EXCLUDED_KINDS


class StainField(BaseField):
    name = FieldName.STAIN

    def find(self, doc: Doc) -> list[Candidate]:
        index = default_index()
        sections = doc._.sections or []
        full = doc_text(doc)
        out: list[Candidate] = []
        for start, end in _sentences(doc):
            if not stain_section_allowed(sections, start):
                continue
            text = full[start:end]
            suffix = GENERAL_SUFFIX if GENERAL_RE.search(text) else ""
            for f in parse_stains(text, index):
                out.append(
                    Candidate(
                        self.name,
                        start + f.start,
                        start + f.end,
                        f.value(),
                        f.rule + suffix,
                        exempt=frozenset({"negated"}),
                    )
                )
        return out

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        own = [m.value for m in mentions if not m.rule.endswith(GENERAL_SUFFIX)]
        return {"stains": summarize_stains(own)}


def summarize_stains(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per marker, in order of first appearance."""
    chosen: dict[str, dict[str, Any]] = {}
    for v in values:
        entry = chosen.get(v["marker"])
        if entry is None:
            chosen[v["marker"]] = {k: v.get(k) for k in ("marker", "result", "extent", "percent")}
        elif entry["percent"] is None and v.get("percent") is not None:
            entry["percent"] = v["percent"]
    return list(chosen.values())


EXTRACTOR = StainField()
