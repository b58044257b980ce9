"""Loading regex rule files shipped as package data, validated on load.

A rule file is a JSON object ``{"description": ..., "rules": [ {rule}, ... ]}``; each
rule has at least ``id``, ``pattern`` (a Python regex) and ``example`` (a sentence the
pattern must match, checked by the tests). An optional ``anchor`` is a lower-case literal
contained in every match of a pattern that cannot cross a line break;
:meth:`Rule.finditer` then runs the pattern only on the lines containing it (a speed-up
for patterns that are slow on the whole text; checked on load against the example).
An optional ``gate`` is a small regex (compiled with the rule's flags) found in the text
wherever the pattern matches (it starts inside the match, or where the match ends when it
is text the pattern requires by a lookahead: "45M" matches up to "M"; it may end in a
lookahead):
:meth:`Rule.finditer` runs the pattern only on texts where the gate is found (one fast
scan instead of trying the pattern at every position; the same matches, since a text
without the gate contains no match; checked on load against the example).
First, when the places of the pattern's placed literals in the text leave few positions
where a match can start (none when the text has none of them), :meth:`Rule.finditer`
tries the pattern only there (:mod:`extractor.regex_windows`; no gate, anchor or scan is
needed then; on a short text, or when the required literals are not all placed ones,
the test below comes first). Otherwise it looks for the
pattern's required literals
(:func:`extractor.regex_literals.required_literals`, read from the pattern on load) in
the lower-case text: a text containing none of them has no match, and a few substring
tests cost less than one regex scan. A pattern whose matches start a number
(``(?<![\w.])\d...``: :func:`extractor.regex_scan.starts_a_number`) is then tried in a
long text only at its :func:`~extractor.regex_scan.number_starts`, found once for the
number rules of every field (fewer tries than its gate would cost: the gate is left
out). Otherwise it runs through
:func:`extractor.regex_scan.finditer` (the same matches, found by a first-character scan).
Unknown keys, duplicate ids and invalid regexes fail loudly, naming the file and the rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from extractor import regex_scan, regex_windows
from extractor.regex_literals import Literals, literals_of_tree, may_contain, searchable
from extractor.regex_windows import Placed, placed_in_tree

REQUIRED_KEYS = frozenset({"id", "pattern", "example"})
COMMON_KEYS = frozenset(
    {"id", "pattern", "example", "note", "flags", "counter_examples", "anchor", "gate"}
)
_FLAGS = {"IGNORECASE": re.IGNORECASE, "MULTILINE": re.MULTILINE}
#: a text shorter than this (a sentence) is tested for the required literals first: most
#: rules have none there, and the test costs less than counting the placed literals; in
#: a longer text (a report) most rules have some, and counting them is the test
SHORT_TEXT = 500


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    regex: re.Pattern[str]
    example: str
    counter_examples: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    anchor: str | None = None
    gate: re.Pattern[str] | None = None
    literals: Literals | None = None
    #: try the pattern only where its placed literals allow a match
    #: (:mod:`extractor.regex_windows`, read on load with the literals) or search through
    #: the first-character scanner (:mod:`extractor.regex_scan`, built on the first
    #: search, not at load: it compiles the pattern a second time)
    scanned: bool = True
    placed: Placed | None = None
    #: every match starts a number (:func:`extractor.regex_scan.starts_a_number`): in a
    #: long text, tried only at :func:`extractor.regex_scan.number_starts`
    numeric: bool = False
    #: the required literals are not all placed ones (the placed are common words: "is",
    #: "was"; "first" .. "twelfth"): tested first in a long text too, before the places
    #: are counted
    literals_first: bool = False

    @cached_property
    def scanner(self) -> re.Pattern[str] | None:
        """:func:`extractor.regex_scan.scanner` of the pattern, kept on the rule (the
        scanner cache is keyed by the pattern, whose hash reads its whole code)."""
        return regex_scan.scanner(self.regex) if self.scanned else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches of the pattern in ``text``; with a ``gate``, none unless the gate is
        found; with an ``anchor``, only the lines containing it are searched (same
        matches: see the module docstring)."""
        short = len(text) < SHORT_TEXT
        first = short or self.literals_first
        if first and not may_contain(self.literals, text):
            return
        placed = self.placed if self.scanned else None
        starts = None if placed is None else regex_windows.match_starts(placed, text)
        if starts is not None:  # a few places where a match can start: try only those
            yield from regex_windows.finditer(self.regex, text, starts)
            return
        if not first and not may_contain(self.literals, text):
            return
        if self.numeric and self.scanned and not short:  # found once for every rule
            numbers = regex_scan.number_starts(text)  # fewer tries than a gate's scan
            if len(numbers) <= regex_windows.start_budget(len(text)):
                yield from regex_windows.finditer(self.regex, text, numbers)
                return
        if self.gate is not None and self.gate.search(text) is None:
            return
        scan = self.scanner
        if not self.anchor:
            yield from regex_scan.finditer(self.regex, scan, text)
            return
        for start, end in anchored_lines(text, self.anchor):
            yield from regex_scan.finditer(self.regex, scan, text, start, end)


def anchored_lines(text: str, anchor: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``text`` whose lower-case form contains ``anchor``."""
    lower = searchable(text) or text.lower()
    if len(lower) != len(text):  # lower() changed the length: offsets would not agree
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    pos = lower.find(anchor)
    while pos >= 0:
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        spans.append((start, end))
        pos = lower.find(anchor, end)
    return spans


def _anchor(where: str, raw: dict[str, Any], regex: re.Pattern[str]) -> str | None:
    anchor = raw.get("anchor")
    if anchor is None:
        return None
    if not isinstance(anchor, str) or not anchor or anchor != anchor.lower():
        raise RuleFileError(f"{where}: anchor must be a non-empty lower-case string")
    if any(anchor not in m.group(0).lower() for m in regex.finditer(raw["example"])):
        raise RuleFileError(f"{where}: anchor {anchor!r} is not in every match of the example")
    return anchor


def _gate(where: str, raw: dict[str, Any], regex: re.Pattern[str]) -> re.Pattern[str] | None:
    gate = raw.get("gate")
    if gate is None:
        return None
    if not isinstance(gate, str) or not gate:
        raise RuleFileError(f"{where}: gate must be a non-empty regex")
    try:
        compiled = re.compile(gate, regex.flags)
    except re.error as exc:
        raise RuleFileError(f"{where}: invalid gate: {exc}") from exc
    example = raw["example"]
    for m in regex.finditer(example):
        # the gate starts inside the match or at its end (text of the pattern's lookahead)
        found = compiled.search(example, m.start())
        if found is None or found.start() > m.end():
            raise RuleFileError(f"{where}: gate {gate!r} is not in every match of the example")
    return compiled


def _compile(where: str, raw: dict[str, Any]) -> re.Pattern[str]:
    flags = 0
    for name in raw.get("flags", []):
        if name not in _FLAGS:
            raise RuleFileError(f"{where}: unknown flag {name!r}; allowed: {sorted(_FLAGS)}")
        flags |= _FLAGS[name]
    try:
        return re.compile(raw["pattern"], flags)
    except re.error as exc:
        raise RuleFileError(f"{where}: invalid pattern: {exc}") from exc


def _adds_to(literals: Literals | None, placed: Placed | None) -> bool:
    """True when a text may hold every placed literal and none of the required ones."""
    if literals is None or placed is None:
        return False
    return not literals <= {literal for literal, _, _ in placed.places}


def parse_rules(name: str, data: Any, extra_keys: frozenset[str] = frozenset()) -> list[Rule]:
    """Validate and compile the rules of file ``name`` (already JSON-decoded)."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError(f"{name}: expected an object with a 'rules' list")
    allowed = COMMON_KEYS | extra_keys
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["rules"]):
        rid = raw.get("id", f"#{i}") if isinstance(raw, dict) else f"#{i}"
        where = f"{name}: rule {rid}"
        if not isinstance(raw, dict):
            raise RuleFileError(f"{where}: a rule must be an object")
        missing = REQUIRED_KEYS - raw.keys()
        if missing:
            raise RuleFileError(f"{where}: missing keys {sorted(missing)}")
        unknown = raw.keys() - allowed
        if unknown:
            raise RuleFileError(
                f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}"
            )
        if rid in seen:
            raise RuleFileError(f"{where}: duplicate id")
        seen.add(rid)
        options = {k: v for k, v in raw.items() if k in extra_keys}
        regex = _compile(where, raw)
        tree = sre_parse.parse(regex.pattern, regex.flags)  # read once for both
        literals, placed = literals_of_tree(tree), placed_in_tree(tree, regex.flags)
        rules.append(
            Rule(
                rid,
                regex,
                raw["example"],
                tuple(raw.get("counter_examples", ())),
                options,
                _anchor(where, raw, regex),
                _gate(where, raw, regex),
                literals,
                placed=placed,
                numeric=regex_scan.starts_a_number(tree, regex.flags),
                literals_first=_adds_to(literals, placed),
            )
        )
    return rules


def read_json_resource(package: str, filename: str) -> tuple[str, Any]:
    """(display name, decoded JSON) of a data file shipped in ``package``."""
    name = f"{package.replace('.', '/')}/{filename}"
    try:
        text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
        return name, json.loads(text)
    except FileNotFoundError as exc:
        raise RuleFileError(f"{name}: rule file not found") from exc
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc


@cache
def load_rules(package: str, filename: str, extra_keys: frozenset[str] = frozenset()) -> list[Rule]:
    """Load ``filename`` from ``package`` (importlib.resources) and validate it."""
    return parse_rules(*read_json_resource(package, filename), extra_keys)
