"""Which rule matches are real headings: pure functions over the normalized text.

A match of a heading rule opens a section only where scraped case reports put
headings: at the start of a line (after an optional number "2." / "II." or a
bullet), with an upper-case first letter, and written in one of the rule's *forms*:

- ``alone``: the heading fills its line, optionally ending in ":" or "."
  ("Case Report", "2. Case presentation", "Fig. 1.");
- ``colon``: the heading is followed by ":" and text ("HPE findings: Microscopic ...");
- ``run_in``: the heading runs into the text ("Figure 1 HPE image showing ...");
- ``caps_run_in``: the same, only when the heading is in CAPITALS ("RESULTS The ...");
- ``period``: the heading is followed by "." and a sentence ("Background. Rare ...");
- ``dash``: the heading is followed by a spaced dash and a sentence ("Case report - A
  10-year-old boy ..."; normalization has made en and em dashes "-").

A structured-abstract label (a rule with an abstract-part label) may also stand
*inline*: after the end of a sentence in the middle of a line, written as ``colon``,
``period``, ``dash`` or ``caps_run_in`` ("... is rare. CASE REPORT We present ...", "... were
found. Conclusion: ..."). Such a heading is marked ``inline``; whether it opens a
section depends on the abstract around it (:func:`extractor.sections.tiling.resolve_labels`).

Several headings may share a line when each but the last stands alone ("Cited by
Publication types", left by a soft line break). A heading word inside a sentence
("the discussion of ...", "Discussion of these cases shows ...") is never a heading.
Every check looks at a bounded window around the match, so the cost is linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.sections.ruleset import HeadingRule

MAX_PREFIX = 16
MAX_CHAIN = 4
_PREFIX_RE = re.compile(
    r"[ \t]{0,4}(?P<num>(?:\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,5})[.)][ \t]{1,3})?"
    r"(?P<bullet>[-\u2022\u00b7\u25aa\u25cf\u25e6*][ \t]{0,3})?"
)
_ALONE_TAIL_RE = re.compile(r"[ \t]{0,3}[:.]?[ \t]{0,3}(?=\n|\Z)")
_COLON_TAIL_RE = re.compile(r"[ \t]{0,2}:[ \t]{0,3}(?=\S)")
_CAPS_TAIL_RE = re.compile(r"[ \t]{0,2}[.:-]?[ \t]{0,3}(?<=[ \t.:-])(?=[A-Z0-9])")
_PERIOD_TAIL_RE = re.compile(r"\.[ \t]{1,3}(?=[A-Z0-9])")
_DASH_TAIL_RE = re.compile(r"[ \t]{1,2}-[ \t]{1,3}(?=[A-Z0-9])")
_GAP_RE = re.compile(r"[ \t]{1,3}")
#: the end of a sentence right before an inline heading ("rare. ", "[3]. ", "(T6). ")
_SENTENCE_END_RE = re.compile(r"[.!?][)\]\"']?[ \t]{1,3}")
MAX_SENTENCE_END = 6
INLINE_FORMS = frozenset({"colon", "period", "dash", "caps_run_in"})


@dataclass(frozen=True)
class HeadingMatch:
    """A rule match in character offsets: ``text[start:end]`` is the matched heading."""

    rule: HeadingRule
    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    """An accepted heading; ``start`` includes a leading number ("2. Discussion")."""

    rule: HeadingRule
    start: int
    end: int
    text: str
    form: str
    match_start: int
    #: written after a sentence in the middle of a line (a structured-abstract label)
    inline: bool = False


def line_prefix_start(text: str, pos: int) -> int | None:
    """Start of the heading whose words begin at ``pos``, or None if not at a line start.

    A leading number belongs to the heading; leading spaces and bullets do not.
    """
    lo = max(0, pos - MAX_PREFIX)
    newline = text.rfind("\n", lo, pos)
    if newline < 0 and lo > 0:
        return None
    line_start = newline + 1
    prefix = _PREFIX_RE.fullmatch(text, line_start, pos)
    if prefix is None:
        return None
    if prefix.group("num") and not prefix.group("bullet"):
        return prefix.start("num")
    return pos


def _starts_upper(text: str, start: int, end: int) -> bool:
    for char in text[start:end]:
        if char.isalpha():
            return char.isupper()
    return False


def _is_caps(word: str) -> bool:
    return any(c.isalpha() for c in word) and word.upper() == word


def trim_glued(text: str, match: HeadingMatch) -> HeadingMatch:
    """Cut a match that runs on past its literal without a space.

    Publisher pages glue headings together ("Ethical ResponsibilitiesProtection of
    persons", "Download PDFPDF"); the heading is the literal part.
    """
    cut = match.start + len(match.rule.literal)
    if cut >= match.end or not text[cut].isalnum():
        return match
    if text[match.start : cut].lower() != match.rule.literal.lower():
        return match
    return HeadingMatch(match.rule, match.start, cut)


def heading_form(text: str, match: HeadingMatch) -> tuple[str, int] | None:
    """The form in which ``match`` is written and the end of its heading text."""
    forms = match.rule.forms
    refuse = match.rule.not_followed_by
    if refuse is not None and refuse.match(text, match.end):
        return None
    alone = _ALONE_TAIL_RE.match(text, match.end)
    if alone:
        if "alone" not in forms:
            return None
        return "alone", match.end + len(alone.group(0).rstrip(" \t"))
    colon = _COLON_TAIL_RE.match(text, match.end)
    if colon and "colon" in forms:
        return "colon", text.index(":", match.end) + 1
    if colon:
        return None
    period = _PERIOD_TAIL_RE.match(text, match.end)
    if period and "period" in forms:
        return "period", match.end + 1
    dash = _DASH_TAIL_RE.match(text, match.end)
    if dash and "dash" in forms:
        return "dash", match.end
    if "caps_run_in" in forms and _is_caps(text[match.start : match.end]):
        if _CAPS_TAIL_RE.match(text, match.end):
            return "caps_run_in", match.end
    if "run_in" in forms:
        return "run_in", match.end
    return None


def _follows(text: str, end: int, start: int) -> bool:
    return _GAP_RE.fullmatch(text, end, start) is not None


def _heading(text: str, match: HeadingMatch, start: int, form: str, end: int) -> Heading:
    return Heading(match.rule, start, end, text[start:end], form, match.start)


def _accept_chain(text: str, chain: list[HeadingMatch], first_start: int) -> list[Heading]:
    """Accept a run of matches sharing a line, or just its first match."""
    if not all(_starts_upper(text, m.start, m.end) for m in chain[:1]):
        return []
    if len(chain) > 1 and all(_starts_upper(text, m.start, m.end) for m in chain):
        last = heading_form(text, chain[-1])
        if last and last[0] == "alone" and all("alone" in m.rule.forms for m in chain[:-1]):
            starts = [first_start] + [m.start for m in chain[1:]]
            ends = [m.end for m in chain[:-1]] + [last[1]]
            return [
                _heading(text, m, s, "alone", e)
                for m, s, e in zip(chain, starts, ends, strict=True)
            ]
    form = heading_form(text, chain[0])
    if form is None:
        return []
    return [_heading(text, chain[0], first_start, form[0], form[1])]


def after_sentence_end(text: str, pos: int) -> bool:
    """True when ``pos`` follows the end of a sentence on the same line ("rare. |")."""
    lo = max(0, pos - MAX_SENTENCE_END)
    return any(_SENTENCE_END_RE.fullmatch(text, i, pos) for i in range(lo, pos))


def accept_inline(text: str, match: HeadingMatch) -> Heading | None:
    """An abstract-part label written after a sentence in the middle of a line."""
    if match.rule.abstract_label is None or not _starts_upper(text, match.start, match.end):
        return None
    if not after_sentence_end(text, match.start):
        return None
    form = heading_form(text, match)
    if form is None or form[0] not in INLINE_FORMS:
        return None
    return Heading(
        match.rule, match.start, form[1], text[match.start : form[1]], form[0], match.start, True
    )


def accept_headings(text: str, matches: list[HeadingMatch]) -> list[Heading]:
    """Keep the matches written as headings; ``matches`` must not overlap."""
    ordered = sorted(matches, key=lambda m: (m.start, m.end))
    accepted: list[Heading] = []
    i = 0
    while i < len(ordered):
        first_start = line_prefix_start(text, ordered[i].start)
        if first_start is None:
            inline = accept_inline(text, ordered[i])
            if inline is not None:
                accepted.append(inline)
            i += 1
            continue
        j = i + 1
        while (
            j < len(ordered)
            and j - i < MAX_CHAIN
            and _follows(text, ordered[j - 1].end, ordered[j].start)
        ):
            j += 1
        found = _accept_chain(text, ordered[i:j], first_start)
        accepted.extend(found)
        i += max(1, len(found))
    return accepted
