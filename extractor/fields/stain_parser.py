"""Stain results of one sentence: :func:`parse_stains` (pure; offsets into the sentence).

The parser takes the markers of :mod:`extractor.fields.stain_markers` (vocabulary,
``CDnn``, misspelled markers in list slots) and the cues of
:mod:`extractor.fields.stain_cues`, groups coordinated markers and gives each group a
result, first rule that applies:

1. a sign attached to one marker ("CD34+", "S-100(-)", "... (HER-2) (+)"), or a
   result joined to it by a hyphen ("S100-negative", rule ``stain.attached_result``)
   -> that marker only;
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
or a parenthesis after the marker ("CD34 (focal)"). A finding spans the marker's words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Any

from extractor.fields.stain_cues import (
    NO_RESULT,
    PAREN_RE,
    CueIndex,
    MarkerSpan,
    StainCue,
    find_contrasts,
    find_cues,
    has_cue,
    negated_subject,
    sign_after,
    stain_rules,
)
from extractor.fields.stain_markers import (
    GAP_WORD_RE,
    default_index,
    find_markers,
    gap_words,
    group_markers,
    slot_markers,
)
from extractor.fields.vocabulary import PhraseIndex, VocabMatch
from extractor.rules import Rule

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


#: "positive for the endothelial marker CD31": a descriptor between a cue and its marker
_DESCRIPTOR_RE = re.compile(
    r"\s*(?:(?:the|a|an)\s+)?(?:[A-Za-z-]+\s+){0,2}markers?\s*$", re.IGNORECASE
)


def _is_modifier_gap(gap: str, limit: int = 30) -> bool:
    words = gap_words(gap)
    if len(gap) <= limit and all(w.lower() in _MODIFIER_WORDS for w in words):
        return True
    return len(gap) <= limit + 20 and _DESCRIPTOR_RE.fullmatch(gap) is not None


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
#: a result joined to the marker by a hyphen ("S100-negative", "S-100 protein-negative"):
#: the marker's own, whatever cue the list around it has
_ATTACHED_RESULT_RE = re.compile(r"(?: protein)?-(positive|negative)\b", re.IGNORECASE)


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
    gap = PAREN_RE.sub(" ", text[end : cue.start])
    words = [w for w in GAP_WORD_RE.findall(gap) if w not in "+-:="]  # "CD34: positive"
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
    m = PAREN_RE.match(text, marker.end + (text[marker.end : marker.end + 1] == " "))
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


def parse_stains(
    text: str, index: PhraseIndex | None = None, vocab: list[VocabMatch] | None = None
) -> list[StainFinding]:
    """Stain results in one sentence ``text`` (offsets into it); ``vocab``: the
    vocabulary matches of ``text`` when already known (see :func:`find_markers`)."""
    index = index if index is not None else default_index()
    rules = stain_rules()
    markers = find_markers(text, index, vocab)
    if not markers:  # every finding is a marker's
        return []
    cues = CueIndex(find_cues(text, rules, markers))
    markers = [m for m in markers if not has_cue(cues, m.start, m.end)]
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
    attached = _ATTACHED_RESULT_RE.match(text, marker.end)
    own = attached.group(1).lower() if attached else None
    if sign is None and own is not None and (cue is None or cue.result != own):
        sign = own, "stain.attached_result"
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
