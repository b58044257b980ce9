"""Diagnoses stated in words that no vocabulary lists ("was diagnosed as having Blau
syndrome", "a diagnosis of congenital complete heart block was made").

The vocabulary (``vocab/diagnoses.csv``) names the lesions this product is about; a case
report may establish a disease it does not list. When a report has no final diagnosis
from the vocabulary, an explicit diagnosis statement of the patient's text gives the
name as written, without a code, so the record says what the report concluded instead
of nothing (and the review flag ``unlisted_name`` asks a person to read it).

Rules are data (``rules/stated_diagnosis_rules.json``): each rule matches the words that
state a diagnosis and ends where the name starts; the name runs to the first stop
(``name_stop``: punctuation or a word that ends a noun phrase, "based", "and", "was",
...) within ``max_words`` words. A statement whose sentence has a blocker before the
name (``blockers``: "previously", "at the age of", "presumptive", "not", "his mother",
...) or a time right after it (``after_blockers``: "in 2010", "in early childhood", "3
years ago") is an earlier, presumed, denied or a relative's diagnosis and is skipped. A
name starts with a letter. :func:`find_stated` is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractor.fields.measured_vocab import sentence_span
from extractor.rules import Rule, RuleFileError, parse_rules, read_json_resource

RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "stated_diagnosis_rules.json"
#: the rule-id prefix of every stated-diagnosis mention
STATED_PREFIX = "dx.stated."
_WORD_RE = re.compile(r"[\w'’][\w'’\-]*")
_LEADING_ARTICLE_RE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class StatedRules:
    rules: tuple[Rule, ...]
    name_stop: re.Pattern[str]
    blockers: re.Pattern[str]
    after_blockers: re.Pattern[str]
    max_words: int


@dataclass(frozen=True)
class Stated:
    """A diagnosis name stated in ``text[start:end]`` by rule ``rule``."""

    start: int
    end: int
    name: str
    rule: str


@cache
def stated_rules() -> StatedRules:
    """The rule file, validated (a bad one names the file and the key)."""
    name, raw = read_json_resource(RULES_PACKAGE, RULES_FILE)
    rules = parse_rules(name, raw)
    try:
        return StatedRules(
            tuple(rules),
            re.compile(raw["name_stop"], re.IGNORECASE),
            re.compile(raw["blockers"], re.IGNORECASE),
            re.compile(raw["after_blockers"], re.IGNORECASE),
            int(raw["max_words"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise RuleFileError(
            f"{name}: name_stop, blockers, after_blockers and max_words: {exc}"
        ) from exc


def stated_name(text: str, start: int, cfg: StatedRules | None = None) -> tuple[int, int] | None:
    """The span of the name that starts at ``start``: words up to the first stop, at most
    ``max_words``; None when no word starts there or no stop ends it in reach."""
    cfg = cfg or stated_rules()
    if not text[start : start + 1].isalpha():
        return None  # "was diagnosed with 74 mmHg of ...": no name
    pos, end, words = start, None, 0
    while words < cfg.max_words:
        word = _WORD_RE.match(text, pos)
        if word is None:
            return None
        words, end = words + 1, word.end()
        if cfg.name_stop.match(text, end):
            return start, end
        gap = re.match(r"[ \t]+(?=[\w'’])|-(?=\w)", text[end : end + 10])
        if gap is None:
            return None
        pos = end + gap.end()
    return None


def find_stated(text: str, cfg: StatedRules | None = None) -> list[Stated]:
    """Every unblocked diagnosis statement of ``text`` with its name, in text order (one
    per name span: the first rule of the file that states it)."""
    cfg = cfg or stated_rules()
    out: list[Stated] = []
    for rule in cfg.rules:
        for m in rule.finditer(text):
            span = stated_name(text, m.end(), cfg)
            if span is None:
                continue
            lead = text[sentence_span(text, m.start())[0] : m.end()]
            if cfg.blockers.search(lead) or cfg.after_blockers.match(text, span[1]):
                continue
            name = _LEADING_ARTICLE_RE.sub("", text[span[0] : span[1]])
            out.append(Stated(span[0], span[1], name, rule.id))
    unique = {
        (s.start, s.end): s for s in sorted(out, key=lambda s: (s.start, s.end), reverse=True)
    }
    return sorted(unique.values(), key=lambda s: (s.start, s.end))
