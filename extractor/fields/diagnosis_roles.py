"""Diagnosis rules, and the role and basis of each mention (pure).

:func:`config` loads ``rules/diagnosis_rules.json``: the role and basis cue rules
(documented there), the matcher's word lists (generic words, ``fuzzy_exclude``,
``not_disease_after``), the comorbidity categories and names used here, the summary's
``nonspecific_finals`` and ``non_lesion_categories``, and the ids of the rules with
``"certain": true`` (the component exempts their mentions from ConText uncertainty).

Role and basis (:func:`classify_sentence`) come from the cue rules: a cue applies to
the nearest mention on its side and the mentions coordinated with it ("A, B or C").
Without a cue (:func:`resolve_role`): in patient sections and the title, "final" (the
section heading "Differential diagnosis" -> differential); in the unstructured
abstract, "other". Literature sections -> "other"; other articles and non-content
sections (but the title block) yield no mention. Diseases of a non-tumour category
(``comorbidity_categories``) that would be final or history are the patient's
comorbidities.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from extractor.fields.vocabulary import VocabEntry, key_of
from extractor.regex_literals import LiteralGate, gate_of
from extractor.rules import Rule, load_rules
from extractor.schema import SectionKind
from extractor.sections import SectionSpan

RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "diagnosis_rules.json"
RULE_KEYS = frozenset(
    {
        "kind",
        "role",
        "basis",
        "direction",
        "window",
        "priority",
        "default_basis",
        "certain",
        "supersedes",
    }
)
_COORD_RE = re.compile(
    r"[\s,/?&-]{0,6}(?:(?:and|or|and/or|versus|vs\.?|like|such as|including|nor)[\s,/?-]{0,4})?"
)
_DIFFERENTIAL_HEADING_RE = re.compile(r"differential", re.IGNORECASE)
DEFAULT_RULE = "dx.default"


@dataclass(frozen=True)
class DxRole:
    role: str | None  # None: no cue applies (the section decides)
    basis: str | None
    rule: str


@dataclass(frozen=True)
class DxConfig:
    role_rules: tuple[Rule, ...]
    basis_rules: tuple[Rule, ...]
    generic: frozenset[str]
    fuzzy_exclude: frozenset[str]
    comorbidity_categories: frozenset[str]
    comorbidity_names: frozenset[str]
    not_disease_after: re.Pattern[str]
    nonspecific_finals: frozenset[str] = frozenset()
    non_lesion_categories: frozenset[str] = frozenset()
    #: rules whose diagnosis is stated, not hedged ("a biopsy suggested X"): ConText's
    #: uncertainty cue does not turn it into a differential
    certain_rules: frozenset[str] = frozenset()
    #: rules that confirm a diagnosis ("confirming X", "X was confirmed"): such a final
    #: diagnosis supersedes one stated without confirmation (an initial diagnosis)
    superseding_rules: frozenset[str] = frozenset()


# ---------------------------------------------------------------- configuration


@lru_cache(maxsize=1)
def config() -> DxConfig:
    rules = load_rules(RULES_PACKAGE, RULES_FILE, RULE_KEYS)
    raw = json.loads(resources.files(RULES_PACKAGE).joinpath(RULES_FILE).read_text("utf-8"))
    return DxConfig(
        role_rules=tuple(r for r in rules if r.options.get("kind") == "role"),
        basis_rules=tuple(r for r in rules if r.options.get("kind") == "basis"),
        generic=frozenset(" ".join(key_of(w)) for w in raw.get("generic_words", [])),
        fuzzy_exclude=frozenset(" ".join(key_of(w)) for w in raw.get("fuzzy_exclude", [])),
        comorbidity_categories=frozenset(c.lower() for c in raw.get("comorbidity_categories", [])),
        comorbidity_names=frozenset(" ".join(key_of(n)) for n in raw.get("comorbidity_names", [])),
        not_disease_after=re.compile(raw.get("not_disease_after", "(?!)"), re.IGNORECASE),
        nonspecific_finals=frozenset(
            " ".join(key_of(n)) for n in raw.get("nonspecific_finals", [])
        ),
        non_lesion_categories=frozenset(c.lower() for c in raw.get("non_lesion_categories", [])),
        certain_rules=frozenset(r.id for r in rules if r.options.get("certain")),
        superseding_rules=frozenset(r.id for r in rules if r.options.get("supersedes")),
    )


# ---------------------------------------------------------------- roles


def coordination_chains(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Chain number of each span: spans joined by "/", ",", "or", "and" share one."""
    chains: list[int] = []
    for i, (start, _end) in enumerate(spans):
        if i and _COORD_RE.fullmatch(text[spans[i - 1][1] : start]):
            chains.append(chains[-1])
        else:
            chains.append(i)
    return chains


def _cue_targets(
    text: str, rule: Rule, m: re.Match[str], spans: list[tuple[int, int]], chains: list[int]
) -> list[tuple[int, int]]:
    """(mention index, distance) pairs a cue match applies to: the nearest mention on
    the cue's side and the mentions coordinated with it."""
    window = int(rule.options.get("window", 60))
    if rule.options.get("direction") == "after":
        j = bisect_right([e for _s, e in spans], m.start()) - 1
        if j < 0:
            return []
        gap = m.start() - spans[j][1]
        if gap > window or ";" in text[spans[j][1] : m.start()]:
            return []
        return [(i, gap) for i in _chain_members(chains, j, -1)]
    j = bisect_left([s for s, _e in spans], m.end())
    if j >= len(spans):
        return []
    gap = spans[j][0] - m.end()
    if gap > window or ";" in text[m.end() : spans[j][0]]:
        return []
    return [(i, gap) for i in _chain_members(chains, j, 1)]


def _chain_members(chains: list[int], j: int, step: int) -> list[int]:
    out = [j]
    i = j + step
    while 0 <= i < len(chains) and chains[i] == chains[j]:
        out.append(i)
        i += step
    return out


#: id of a rule tuple -> (the tuple, its gate); the tuple is kept, so its id stays its own
_GATES: dict[int, tuple[tuple[Rule, ...], LiteralGate]] = {}


def rules_gate(rules: tuple[Rule, ...]) -> LiteralGate:
    """:func:`gate_of` the patterns of ``rules``, looked up by the tuple's identity:
    building and hashing the tuple of the 28 role patterns on every sentence cost ~15 us
    (the same gate: ``gate_of`` caches by the patterns)."""
    hit = _GATES.get(id(rules))
    if hit is None or hit[0] is not rules:
        hit = _GATES[id(rules)] = (rules, gate_of(tuple(r.regex for r in rules)))
    return hit[1]


def _basis_cues(
    text: str, spans: list[tuple[int, int]], rules: tuple[Rule, ...]
) -> list[tuple[int, int, str]]:
    """Basis cues of a sentence outside the diagnosis spans, in order."""
    possible = rules_gate(rules).possible(text)
    cues = [
        (m.start(), m.end(), r.options["basis"])
        for r, maybe in zip(rules, possible, strict=True)
        if maybe
        for m in r.regex.finditer(text)
    ]
    return sorted(c for c in cues if not covered(spans, c[0], c[1]))


def _basis_near(
    cues: list[tuple[int, int, str]], start: int, end: int, after_too: bool = True
) -> str | None:
    """The nearest basis cue before the span, else (``after_too``) the first after it."""
    i = bisect_right([c[1] for c in cues], start) - 1
    if i >= 0:
        return cues[i][2]
    after = [c for c in cues if c[0] >= end]
    return after[0][2] if after and after_too else None


#: an "after" cue with a window up to this is first looked for only where it may apply
PROBE_WINDOW = 8


def _may_cue_after(text: str, rule: Rule, spans: list[tuple[int, int]]) -> bool:
    """False only when no match of ``rule`` can apply to a span, so its scan of the
    sentence is skipped. A match of an "after" cue applies only when it starts at most
    ``window`` characters after a span's end (:func:`_cue_targets`), and a match of
    ``finditer`` that starts at ``p`` is a ``match`` of the pattern at ``p`` (the same
    attempt, seeing the same text before ``p``); so when the pattern matches at none of
    those few positions, none applies. Other rules, and wider windows (more positions
    to try than the scan saves), are always scanned."""
    if rule.options.get("direction") != "after":
        return True
    window = int(rule.options.get("window", 60))
    if window > PROBE_WINDOW:
        return True
    match, n = rule.regex.match, len(text)
    return any(
        match(text, p) is not None for _s, e in spans for p in range(e, min(e + window, n) + 1)
    )


def covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """[start, end) overlaps one of the sorted, non-overlapping ``spans``."""
    i = bisect_right(spans, (start, float("inf"))) - 1
    if i >= 0 and spans[i][1] > start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


def classify_sentence(
    text: str, spans: list[tuple[int, int]], cfg: DxConfig | None = None
) -> list[DxRole]:
    """Role and basis of each diagnosis span of one sentence, from the cue rules."""
    cfg = cfg or config()
    chains = coordination_chains(text, spans)
    best: dict[int, tuple[int, int, Rule]] = {}
    possible = rules_gate(cfg.role_rules).possible(text)
    for rule, maybe in zip(cfg.role_rules, possible, strict=True):
        if not maybe or not _may_cue_after(text, rule, spans):
            continue  # none of its required literals / no cue can follow a span
        for m in rule.regex.finditer(text):
            if covered(spans, m.start(), m.end()):
                continue
            for i, gap in _cue_targets(text, rule, m, spans, chains):
                key = (int(rule.options.get("priority", 0)), -gap)
                if i not in best or key > best[i][:2]:
                    best[i] = (*key, rule)
    basis = _basis_cues(text, spans, cfg.basis_rules)
    return [_role_of(spans, i, best.get(i), basis) for i in range(len(spans))]


def _role_of(
    spans: list[tuple[int, int]],
    i: int,
    hit: tuple[int, int, Rule] | None,
    basis_cues: list[tuple[int, int, str]],
) -> DxRole:
    start, end = spans[i]
    if hit is None:
        return DxRole(None, _basis_near(basis_cues, start, end, False), DEFAULT_RULE)
    rule = hit[2]
    basis = rule.options.get("basis") or _basis_near(basis_cues, start, end)
    return DxRole(rule.options["role"], basis or rule.options.get("default_basis"), rule.id)


def is_comorbidity(entry: VocabEntry, cfg: DxConfig) -> bool:
    """A disease listed as a comorbidity (``comorbidity_names``/``comorbidity_categories``)."""
    if (entry.get("category") or "").lower() in cfg.comorbidity_categories:
        return True
    return " ".join(key_of(entry.canonical)) in cfg.comorbidity_names


def drops_every_mention(section: SectionSpan | None) -> bool:
    """Other articles and non-content sections (but the title block, where a mention is
    outside any section) yield no mention, whatever its cues."""
    return (
        section is not None
        and section.label != "front_matter"
        and section.kind in (SectionKind.OTHER_ARTICLES, SectionKind.NON_CONTENT)
    )


def resolve_role(
    role: DxRole,
    entry: VocabEntry,
    section: SectionSpan | None,
    cfg: DxConfig,
    about_patient: bool = False,
) -> DxRole | None:
    """The section's say: literature -> other; no cue -> section default; None = drop."""
    if drops_every_mention(section):
        return None
    label = section.label if section else "front_matter"
    kind = section.kind if section else SectionKind.NON_CONTENT
    if kind == SectionKind.LITERATURE and label != "abstract" and not about_patient:
        return DxRole("other", None, "dx.literature_section")
    if kind == SectionKind.LITERATURE and label != "abstract" and role.role is None:
        return DxRole("other", None, "dx.literature_section")
    if role.role is None:
        if label == "abstract":
            return DxRole("other", None, "dx.abstract_default")
        if section is not None and _DIFFERENTIAL_HEADING_RE.search(section.heading):
            return DxRole("differential", role.basis, "dx.differential_heading")
        role = replace(role, role="final")
    if role.role in ("final", "history") and is_comorbidity(entry, cfg):
        return DxRole("comorbidity", role.basis, role.rule)
    return role
