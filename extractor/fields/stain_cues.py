"""Stain rules and the cues they find in one sentence (pure; offsets into the sentence).

The rules of ``rules/stain_rules.json`` (:func:`stain_rules`, checked at load time)
have a ``direction`` and a ``result``:

* ``forward`` cues decide the markers after them ("negative for A and B"), ``backward``
  cues the markers before them ("A and B were negative"); ``adjacent_only`` ones only
  a group right next to them; ``nominal`` forward ones ("expression of") yield to a
  backward cue after the group (see :mod:`extractor.fields.stain_parser`);
* ``sign`` rules are signs attached to one marker ("CD34+", "S-100(-)", also after one
  parenthesis: "HER2 (c-erbB-2) (+)"), see :func:`sign_after`;
* ``contrast`` cues ("but not in") give a positive group a second finding with their
  result;
* ``subject`` rules mark markers that are the subject of a negated clause ("No other
  hormones (GH, TSH) were expressed"), see :func:`negated_subject`;
* result ``none`` names a stain without giving its result ("CD34 was not performed").

:func:`find_cues` keeps non-overlapping forward and backward cues, earliest then
longest; a cue overlapping a marker is searched again after the marker.
:class:`CueIndex` answers "the cue before / after this position" by bisection.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from extractor.regex_literals import searchable
from extractor.rules import Rule, RuleFileError, load_rules

#: directions of the rules that are not result cues (:func:`find_cues` skips them)
_NOT_CUES = ("sign", "contrast", "subject")
RULE_KEYS = frozenset({"direction", "result", "adjacent_only", "nominal"})
_DIRECTIONS = frozenset({"forward", "backward", "sign", "contrast", "subject"})
_RESULTS = frozenset({"positive", "negative", "none"})
NO_RESULT = "none"
PAREN_RE = re.compile(r"\([^()]{0,80}\)")
_PAREN_SIGN_RE = re.compile(r" ?\( ?(?:\+{1,3}|-) ?\)")  # graded: (+), (++), (+++)


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


# ---------------------------------------------------------------- rules and cues


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


def overlapped(markers: list[MarkerSpan], start: int, end: int) -> MarkerSpan | None:
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
    for rule in cue_gate(rules).possible(text):
        for m in rule.finditer(text):  # literal test, first-character scan
            marker = overlapped(markers, m.start(), m.end())
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


class CueGate:
    """The result-cue rules of a rule list, and which of them may match a sentence: one
    substring test per distinct required literal of all of them (``Rule.literals``, read
    on load), instead of a call of ``Rule.finditer`` and its literal test per rule (a
    stain sentence holds the literals of about one cue rule in five)."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = [r for r in rules if r.options["direction"] not in _NOT_CUES]
        literals = (r.literals for r in self.rules if r.literals is not None)
        self.distinct = tuple(sorted(set().union(*literals)))

    def possible(self, text: str) -> list[Rule]:
        """The cue rules, in order, less those that cannot match ``text`` (none of
        their literals in its :func:`~extractor.regex_literals.searchable` form)."""
        lower = searchable(text)
        if lower is None:
            return self.rules
        present = {lit for lit in self.distinct if lit in lower}
        return [r for r in self.rules if r.literals is None or not r.literals.isdisjoint(present)]


#: the gate of the last rule list asked for, with the list (compared by identity, and
#: kept alive so that its identity is not reused): one entry, built before the batch
#: runner forks and read-only afterwards
_GATE: list[tuple[list[Rule], CueGate]] = []


def cue_gate(rules: list[Rule]) -> CueGate:
    """The :class:`CueGate` of ``rules`` (:func:`stain_rules` in the pipeline)."""
    if not _GATE or _GATE[0][0] is not rules:
        _GATE[:] = [(rules, CueGate(rules))]
    return _GATE[0][1]


def find_contrasts(text: str, rules: list[Rule]) -> list[StainCue]:
    """Contrast cues ("but not in"), in text order."""
    found = [
        _cue(rule, m)
        for rule in rules
        if rule.options["direction"] == "contrast"
        for m in rule.finditer(text)
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
    tails = [text[marker.end : marker.end + 8]]
    paren = PAREN_RE.match(text, marker.end + (text[marker.end : marker.end + 1] == " "))
    skipped = paren.end() if paren else marker.end + 1 if text.startswith(")", marker.end) else -1
    if skipped >= 0 and _PAREN_SIGN_RE.match(text, skipped):  # only "(+)" after a parenthesis
        tails.append(text[skipped : skipped + 8])
    for tail in tails:
        for rule in rules:
            if rule.options["direction"] == "sign" and rule.regex.match(tail):
                return rule.options["result"], rule.id
    return None


# ---------------------------------------------------------------- lookups


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


def has_cue(cues: CueIndex, start: int, end: int) -> bool:
    cue = cues.first_after_end(start)
    return cue is not None and cue.start < end
