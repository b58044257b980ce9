"""Text normalization with an exact offset map back to the original text.

Scraped case reports carry PDF and web noise: thin and non-breaking spaces, the
multiplication sign, en/em dashes, soft hyphens, lines broken mid-sentence, words
hyphenated across lines ("non-\\n\\ncontributory"), runs of blank lines. Downstream
components see the clean text; :meth:`NormalizedText.to_original` maps any span of it
back to the original, so that ``original[start:end]`` is always the evidence.

Every normalized character remembers the original slice it came from: an unchanged
character maps to itself, a replacement (a whitespace run collapsed to one space)
maps to the whole slice it replaced, and deleted characters (soft hyphens, the
hyphen and line break of a split word) have no normalized character at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np

from extractor.rules import load_rules

_HSPACE = "\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_HSPACE_NOT_SPACE = _HSPACE.replace(" ", "")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_TIMES = "\u00d7\u2715\u2716\u2a2f"
_DELETE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"'}


def page_furniture_pattern() -> str:
    """One alternation of the page-furniture rules (each with its own flags)."""
    parts = []
    for rule in load_rules("extractor.text_rules", "page_furniture_rules.json"):
        flags = "i" if rule.regex.flags & re.IGNORECASE else ""
        parts.append(f"(?{flags}:{rule.regex.pattern})" if flags else f"(?:{rule.regex.pattern})")
    return "(?:" + "|".join(parts) + ")"


_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}  # fmt: skip
#: a page-furniture line (``text_rules/page_furniture_rules.json``): the break around it
#: is decided by the lines around it, as if it were absent
_FURN = page_furniture_pattern()
_EOL = r"(?:\r\n|\r|\n)"

_TOKEN_RE = re.compile(
    rf"(?P<hyph>(?<=[^\W\d_])-[{_HSPACE}]*{_EOL}"
    rf"(?:[{_HSPACE}]*(?:{_FURN}[{_HSPACE}]*)?{_EOL})*"
    rf"[{_HSPACE}]*(?=[a-z]))"
    rf"|(?P<nl>[{_HSPACE}]*(?:{_EOL}[{_HSPACE}]*(?:{_FURN}[{_HSPACE}]*(?=[\r\n]))?)+)"
    # a single plain space needs no change: only runs and other spaces are matched
    rf"|(?P<sp>[{_HSPACE}]{{2,}}|[{_HSPACE_NOT_SPACE}])"
    rf"|(?P<times>[{_TIMES}])"
    rf"|(?P<dash>[{_DASHES}])"
    rf"|(?P<quote>[\u2018\u2019\u201a\u201c\u201d])"
    rf"|(?P<delete>[{_DELETE}]+)"
    rf"|(?P<lig>[{''.join(_LIGATURES)}])"
)
#: where a match of ``_TOKEN_RE`` can start: a character only its branches begin with,
#: a plain space followed by more horizontal space or a line break, or a hyphen followed
#: by a line break (a hyphen inside a line, "45-year-old", starts none). ``_TOKEN_RE``
#: tries seven branches at every character; this tries two, so the scan skips plain
#: text about ten times faster.
_START_RE = re.compile(
    rf"[{_HSPACE_NOT_SPACE}\r\n{_TIMES}{_DASHES}\u2018\u2019\u201a\u201c\u201d{_DELETE}"
    rf"{''.join(_LIGATURES)}]"
    rf"| [{_HSPACE}\r\n]"
    rf"|-(?=[{_HSPACE}]*[\r\n])"
)

_SENT_END_RE = re.compile(r"[.!?:;][\"')\]]*$")
_CITATION_LINE_RE = re.compile(r"^[(\[]\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*[)\]]$")
_BLANK_LINES_RE = re.compile(r"\s+")
_REFERENCE_ITEM_RE = re.compile(r"^[(\[]\d{1,3}[)\]]\s+[A-Z]")
_BULLET_RE = re.compile(r"^(?:[-\u2022\u25cf\u25aa*]|\d+\.\s|\(?[a-z]\)\s)")
_HEADING_PREFIX_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,5})[.)]\s+")
_JOINING_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with without was were is are "
    "which that than this these those its their his her like including such".split()
)


@dataclass(frozen=True)
class NormalizedText:
    """Clean text plus, for each of its characters, the original slice it came from."""

    original: str
    text: str
    starts: np.ndarray  # original start offset of each normalized char
    ends: np.ndarray  # original end offset of each normalized char

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span [start, end) to the original text."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside text of length {len(self.text)}")
        if start == end:
            pos = int(self.starts[start]) if start < len(self.text) else len(self.original)
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])

    def to_normalized(self, start: int, end: int) -> tuple[int, int]:
        """Map an original span to the smallest normalized span covering it."""
        if not 0 <= start <= end <= len(self.original):
            raise ValueError(f"span ({start}, {end}) outside text of length {len(self.original)}")
        n_start = int(np.searchsorted(self.ends, start, side="right"))
        n_end = int(np.searchsorted(self.starts, end, side="left"))
        return n_start, max(n_start, n_end)


def _line_before(text: str, pos: int) -> str:
    return text[text.rfind("\n", 0, pos) + 1 : pos].strip()


def _line_after(text: str, pos: int) -> str:
    nl = text.find("\n", pos)
    return text[pos : nl if nl >= 0 else len(text)].strip()


def is_soft_break(prev_line: str, next_line: str, line_after_next: str = "") -> bool:
    """Decide whether a line break inside running text is a PDF artefact.

    Soft breaks become a space; hard breaks (paragraphs, headings, list items) stay a
    newline so that the sectionizer and the sentence splitter still see them. A
    citation line ("(1)", "[2]") joins the text around it, except a reference-list
    number: one followed by a line starting with a capital ("References / [1] /
    N. Boulman, ..."), which keeps its breaks so the heading stays alone on its line;
    so does a numbered reference item ("REFERENCES / (1) McMaster ML, ...").

    A heading line on either side keeps the break whatever else holds; it is checked
    last, only for a break the rest would join (most breaks follow a sentence end and
    are kept without it: the heading test is the costly part).
    """
    if not prev_line or not next_line or not _joins(prev_line, next_line, line_after_next):
        return False
    return not (is_heading_line(prev_line) or is_heading_line(next_line))


def _joins(prev_line: str, next_line: str, line_after_next: str) -> bool:
    """:func:`is_soft_break` of two non-empty lines, neither of them a heading."""
    if _CITATION_LINE_RE.match(next_line):
        return not line_after_next[:1].isupper()
    if _CITATION_LINE_RE.match(prev_line):
        return not next_line[0].isupper()
    if _SENT_END_RE.search(prev_line) or _BULLET_RE.match(next_line):
        return False
    if _REFERENCE_ITEM_RE.match(next_line):
        return False
    if next_line[0].islower() or next_line[0] in "/(":
        return True
    if prev_line[-1] in ",&/(":
        return True
    last_word = prev_line.rsplit(None, 1)[-1].lower()
    return last_word in _JOINING_WORDS


def is_heading_line(line: str) -> bool:
    """A line that is only a section heading of the heading rules ("References", "Cited
    by", "2. Case presentation:"): it is never joined to the line before or after,
    whatever word ends the line before ("... excision of" / "References")."""
    core = _HEADING_PREFIX_RE.sub("", line).rstrip(" :.").lower()
    return core in heading_literals()


@cache
def heading_literals() -> frozenset[str]:
    """The lower-case literals of the section heading rules written as plain words."""
    from extractor.sections.ruleset import load_ruleset  # data only; no cycle at import

    return frozenset(r.literal.lower() for r in load_ruleset().rules if r.pattern is None)


def _line_after_next(text: str, pos: int) -> str:
    """The first non-blank line after the line starting at ``pos``."""
    newline = text.find("\n", pos)
    if newline < 0:
        return ""
    rest = _BLANK_LINES_RE.match(text, newline)
    return _line_after(text, rest.end() if rest else newline)


def _replacement(kind: str, match: re.Match[str], original: str) -> str:
    chunk = match.group(0)
    if kind == "hyph" or kind == "delete":
        return ""
    if kind == "nl":
        prev_line = _line_before(original, match.start())
        next_line = _line_after(original, match.end())
        after = (
            _line_after_next(original, match.end()) if _CITATION_LINE_RE.match(next_line) else ""
        )
        return " " if is_soft_break(prev_line, next_line, after) else "\n"
    if kind == "sp":
        return " "
    if kind == "times":  # "4.5 cm×5.1 cm": a space keeps the unit a word of its own
        return " x" if original[match.start() - 1 : match.start()].isalpha() else "x"
    if kind == "dash":
        return "-"
    if kind == "quote":
        return _QUOTES[chunk]
    if kind == "lig":
        return _LIGATURES[chunk]
    raise AssertionError(kind)


def token_matches(original: str) -> Iterator[re.Match[str]]:
    """The matches of ``_TOKEN_RE.finditer(original)``, found by trying the pattern
    only where :data:`_START_RE` says one can start (every branch of the pattern begins
    there, and a match is never empty)."""
    pos = 0
    while (start := _START_RE.search(original, pos)) is not None:
        match = _TOKEN_RE.match(original, start.start())
        if match is None:
            pos = start.start() + 1
            continue
        yield match
        pos = match.end()


def normalize(original: str) -> NormalizedText:
    """Normalize ``original``; the result maps every span back exactly."""
    pieces: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    pos = 0
    for match in token_matches(original):
        kind = match.lastgroup or ""
        a, b = match.span()
        repl = _replacement(kind, match, original)
        if repl == original[a:b]:
            continue
        if a > pos:
            pieces.append(original[pos:a])
            starts.append(np.arange(pos, a, dtype=np.int64))
            ends.append(np.arange(pos + 1, a + 1, dtype=np.int64))
        if repl:
            pieces.append(repl)
            starts.append(np.full(len(repl), a, dtype=np.int64))
            ends.append(np.full(len(repl), b, dtype=np.int64))
        pos = b
    if pos < len(original):
        pieces.append(original[pos:])
        starts.append(np.arange(pos, len(original), dtype=np.int64))
        ends.append(np.arange(pos + 1, len(original) + 1, dtype=np.int64))
    empty = np.zeros(0, dtype=np.int64)
    return NormalizedText(
        original=original,
        text="".join(pieces),
        starts=np.concatenate(starts) if starts else empty,
        ends=np.concatenate(ends) if ends else empty,
    )
