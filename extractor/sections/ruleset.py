"""Section heading rules: loaded from ``rules/section_rules.json`` and validated on load.

A rule is medspaCy-shaped (``literal``, ``category``, optional ``pattern``) plus what a
case report needs: which written *forms* of the heading count (alone on its line,
inline with a colon, run into the text, followed by a full stop or a dash), the label
it takes inside an abstract (such a label may also stand inline after a sentence),
its *scope* (a normal section runs to the next heading; a caption or a web-chrome
line covers only its own line or paragraph), and whether it tops a list of index
terms. The file also lists *caption trailers*: lines such as "(0.13MB)." that still
belong to the caption before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from medspacy.section_detection import SectionRule

from extractor.rules import RuleFileError, read_json_resource
from extractor.schema import SECTION_KINDS
from extractor.tokenizer import check_token_pattern

RULES_PACKAGE = "extractor.sections.rules"
RULES_FILE = "section_rules.json"

#: alone: the heading is the whole line ("Case Report", "2. Discussion", "Fig. 1.")
#: colon: the heading is followed by ":" and text ("HPE findings: Microscopic ...")
#: run_in: the heading is followed by text without a colon ("Figure 1 HPE image ...")
#: caps_run_in: like run_in, but only when written in CAPITALS ("RESULTS The patient ...")
#: period: the heading is followed by "." and a sentence ("Background. Rare tumours ...")
#: dash: the heading is followed by a spaced dash and a sentence ("Case report - A boy ...")
FORMS = frozenset({"alone", "colon", "run_in", "caps_run_in", "period", "dash"})
DEFAULT_FORMS = frozenset({"alone", "colon", "caps_run_in"})
#: the default for a structured-abstract label (a rule with an abstract-part label)
ABSTRACT_DEFAULT_FORMS = DEFAULT_FORMS | {"period", "dash"}
#: the parts of a structured abstract
ABSTRACT_PARTS = frozenset({"abstract_background", "abstract_case", "abstract_conclusion"})
#: section: until the next heading; line: the heading's line; paragraph: the heading's
#: line plus the next line when the heading stands alone (a caption and its text)
SCOPES = frozenset({"section", "line", "paragraph"})
REQUIRED_KEYS = frozenset({"id", "literal", "category", "example"})
ALLOWED_KEYS = REQUIRED_KEYS | {
    "pattern",
    "not_followed_by",
    "forms",
    "in_abstract",
    "scope",
    "opens_block",
    "term_list",
    "note",
}
TRAILER_KEYS = frozenset({"id", "pattern", "example", "note"})
FILE_KEYS = frozenset({"description", "rules", "caption_trailers"})


@dataclass(frozen=True)
class HeadingRule:
    """One heading rule; ``regex`` is set for regex-pattern rules (IGNORECASE).

    ``not_followed_by`` (IGNORECASE) rejects a match when it matches right after it
    ("Figure 1 shows ..." is a sentence, not a caption).
    """

    id: str
    literal: str
    category: str
    example: str
    pattern: str | list[dict[str, Any]] | None = None
    forms: frozenset[str] = DEFAULT_FORMS
    in_abstract: str | None = None
    scope: str = "section"
    regex: re.Pattern[str] | None = None
    not_followed_by: re.Pattern[str] | None = None
    #: a web-chrome headline ("Download PDF") that is never merged into the chrome before it
    opens_block: bool = False
    #: a heading over a list of index terms ("MeSH terms"): a term that is also a heading
    #: word ("Diagnosis") is an entry of the list, not a heading
    term_list: bool = False

    @property
    def abstract_label(self) -> str | None:
        """The label this heading takes as a part of a structured abstract, if any.

        Only such labels may be written inline, after a sentence in the same paragraph
        ("... is rare. CASE REPORT We present ...").
        """
        return self.category if self.category in ABSTRACT_PARTS else self.in_abstract

    def to_section_rule(self) -> SectionRule:
        """The medspaCy rule; our rule id travels in its metadata."""
        return SectionRule(
            literal=self.literal,
            category=self.category,
            pattern=self.pattern,
            metadata={"rule_id": self.id},
        )


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[HeadingRule, ...]
    caption_trailers: tuple[tuple[str, re.Pattern[str], str], ...]

    def by_id(self) -> dict[str, HeadingRule]:
        return {rule.id: rule for rule in self.rules}


def _check_keys(where: str, raw: Any, required: frozenset[str], allowed: frozenset[str]) -> None:
    if not isinstance(raw, dict):
        raise RuleFileError(f"{where}: a rule must be an object")
    unknown = raw.keys() - allowed
    if unknown:
        raise RuleFileError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    missing = required - raw.keys()
    if missing:
        raise RuleFileError(f"{where}: missing keys {sorted(missing)}")


def _label(where: str, key: str, value: Any) -> str:
    if value not in SECTION_KINDS:
        raise RuleFileError(
            f"{where}: unknown {key} {value!r}; allowed labels: {sorted(SECTION_KINDS)}"
        )
    return value


def _compile(where: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise RuleFileError(f"{where}: invalid pattern: {exc}") from exc


def _forms(where: str, raw: dict[str, Any]) -> frozenset[str]:
    abstract_part = raw.get("in_abstract") is not None or raw["category"] in ABSTRACT_PARTS
    forms = frozenset(raw.get("forms", ABSTRACT_DEFAULT_FORMS if abstract_part else DEFAULT_FORMS))
    if not forms or forms - FORMS:
        raise RuleFileError(f"{where}: bad forms {sorted(forms)}; allowed: {sorted(FORMS)}")
    return forms


def parse_rule(where: str, raw: dict[str, Any]) -> HeadingRule:
    """Validate one raw rule (keys already checked) and build it."""
    pattern = raw.get("pattern")
    if pattern is not None and not isinstance(pattern, str | list):
        raise RuleFileError(f"{where}: pattern must be a regex string or a token-pattern list")
    try:
        check_token_pattern(pattern, where)
    except ValueError as err:
        raise RuleFileError(str(err)) from err
    scope = raw.get("scope", "section")
    if scope not in SCOPES:
        raise RuleFileError(f"{where}: unknown scope {scope!r}; allowed: {sorted(SCOPES)}")
    in_abstract = raw.get("in_abstract")
    not_followed_by = raw.get("not_followed_by")
    return HeadingRule(
        id=raw["id"],
        literal=raw["literal"],
        category=_label(where, "category", raw["category"]),
        example=raw["example"],
        pattern=pattern,
        forms=_forms(where, raw),
        in_abstract=None if in_abstract is None else _label(where, "in_abstract", in_abstract),
        scope=scope,
        regex=_compile(where, pattern) if isinstance(pattern, str) else None,
        not_followed_by=None if not_followed_by is None else _compile(where, not_followed_by),
        opens_block=bool(raw.get("opens_block", False)),
        term_list=bool(raw.get("term_list", False)),
    )


def _parse_trailers(name: str, raws: Any) -> tuple[tuple[str, re.Pattern[str], str], ...]:
    trailers = []
    for i, raw in enumerate(raws or []):
        where = f"{name}: caption trailer {raw.get('id', f'#{i}') if isinstance(raw, dict) else i}"
        _check_keys(where, raw, TRAILER_KEYS - {"note"}, TRAILER_KEYS)
        trailers.append((raw["id"], _compile(where, raw["pattern"]), raw["example"]))
    return tuple(trailers)


def parse_ruleset(name: str, data: Any) -> RuleSet:
    """Validate the decoded JSON of rule file ``name``; errors name the file and rule."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError(f"{name}: expected an object with a 'rules' list")
    if data.keys() - FILE_KEYS:
        raise RuleFileError(
            f"{name}: unknown top-level keys {sorted(data.keys() - FILE_KEYS)}; "
            f"allowed: {sorted(FILE_KEYS)}"
        )
    rules: list[HeadingRule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["rules"]):
        rid = raw.get("id", f"#{i}") if isinstance(raw, dict) else f"#{i}"
        where = f"{name}: rule {rid}"
        _check_keys(where, raw, REQUIRED_KEYS, ALLOWED_KEYS)
        if rid in seen:
            raise RuleFileError(f"{where}: duplicate id")
        seen.add(rid)
        rules.append(parse_rule(where, raw))
    return RuleSet(tuple(rules), _parse_trailers(name, data.get("caption_trailers")))


@cache
def load_ruleset(package: str = RULES_PACKAGE, filename: str = RULES_FILE) -> RuleSet:
    """Load and validate a section rule file shipped as package data."""
    return parse_ruleset(*read_json_resource(package, filename))
