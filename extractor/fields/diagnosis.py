"""Diagnoses: name and ICD-O-3 code from ``vocab/diagnoses.csv``, role and basis.

Matching (:func:`find_diagnoses`, pure):

* abbreviations defined in the text ("inflammatory myofibroblastic tumor (IMT)",
  found by scispaCy's detector) make every later "IMT" that diagnosis; they are
  matched first and override the vocabulary's standard abbreviations; the name is the
  vocabulary name ending right before "(SF)" when it covers the detected long form (the
  detector takes the shortest fitting one: "Osteoid osteoma (OO)" -> "osteoma");
* vocabulary synonyms (case-insensitive, plural and British spellings folded) and
  standard abbreviations (case-sensitive, only when no two entries share them);
* a metastasis entry (behaviour /6, "metastatic hemangiopericytoma") or "metastatic X"
  is coded as the malignant primary (/3) of the same morphology when the vocabulary
  has one, as registries code metastases ("malignant hemangiopericytoma" 9150/3);
* "X with (C7 spine) metastasis" is one mention of X, coded as X (the primary);
* a match whose one or two preceding words complete a longer vocabulary name in another
  word order is that name ("thyroid follicular carcinoma" = "follicular thyroid
  carcinoma");
* generic words alone ("tumour", "mass", "lesion", "neoplasm", also when misspelt)
  are never diagnoses;
* misspellings ("Neuro fibroma", "Dermatofibrosarcoma Protuberance") match with a
  bounded Damerau-Levenshtein distance (see :func:`vocabulary.fuzzy_limit`), never on
  a window that is itself a vocabulary word or in ``fuzzy_exclude``.

Role and basis (:func:`classify_sentence`, pure) come from the cue rules of
``rules/diagnosis_rules.json`` (documented there). Without a cue: in patient sections
and the title, "final" (the section heading "Differential diagnosis" -> differential);
in the unstructured abstract, "other". Literature sections -> "other"; other articles
and non-content sections (but the title block) yield no mention. Diseases of a
non-tumour category (``comorbidity_categories``) that would be final or history are
the patient's comorbidities.

After ConText (:meth:`DiagnosisField.finalize`), in the patient's sections: negated ->
differential (ruled out, the negated flag stays), but a negated mention without any role
cue is an absent finding ("no syrinx", "no vertebral collapse") -> other; uncertain or
hypothetical final -> differential; historical final -> history; family -> other.

A rule with ``"certain": true`` ("a biopsy suggested X") states a diagnosis: its
mentions are exempt from ConText's uncertainty flag.

Summary rule: ``final_diagnosis`` is the final mention ranked: a named entity before a
histological pattern word or WHO family heading (``nonspecific_finals``: "granuloma",
"pericytic (perivascular) tumour"), then a lesion before a condition that accompanies
one (vocabulary category in ``non_lesion_categories``: a vertebral fracture, syrinx,
hydrocephalus or tethered cord is not the resected lesion), then explicit cue over
default, then basis
(histopathology, cytology, none, intraoperative, radiology, clinical), then the later
mention (a pathology conclusion refines the first impression: "a pericytic tumour
consistent with glomus tumour"). A final mention naming the winner with more words is
reported instead, with the winner's basis (the most specific subtype: "synovial sarcoma"
-> "biphasic synovial sarcoma"). Differentials are the
unique differential names in order, without the final one.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from extractor.abbreviations import abbreviation_map
from extractor.fields.base import BaseField, Candidate
from extractor.fields.scope import PATIENT_REFERENCE_RE
from extractor.fields.vocabulary import (
    PhraseIndex,
    VocabEntry,
    VocabularyError,
    all_keys,
    columns,
    key_of,
    phrase_index,
)
from extractor.rules import Rule, load_rules
from extractor.schema import FieldName, Mention, SectionKind
from extractor.sections import SectionSpan, section_at
from extractor.tokenizer import doc_text

RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "diagnosis_rules.json"
RULE_KEYS = frozenset(
    {"kind", "role", "basis", "direction", "window", "priority", "default_basis", "certain"}
)
_COORD_RE = re.compile(
    r"[\s,/?&-]{0,6}(?:(?:and|or|and/or|versus|vs\.?|like|such as|including|nor)[\s,/?-]{0,4})?"
)
_METASTATIC_RE = re.compile(r"\b(?:metastatic|metastas[ie]s\s+(?:of|from))\s+$", re.IGNORECASE)
_FUNCTION_WORDS = frozenset(
    {"of", "the", "a", "an", "and", "or", "with", "in", "on", "to", "for", "from", "by", "as"}
)
#: "X with (multiple vertebral) metastases": the metastasis of X is one mention
_WITH_METASTASIS_RE = re.compile(r"\s+with\s+(?:[\w-]+\s+){0,4}?metastas[ie]s\b", re.IGNORECASE)
_DIFFERENTIAL_HEADING_RE = re.compile(r"differential", re.IGNORECASE)
FRONT_MATTER_SKIP_RE = re.compile(
    r"\b(?:Unit|Department|Dept|Hospital|University|Institute|Centre|Center|Service|"
    r"Correspondence|Clinic|School|Faculty|Division|Society|Journal)\b"
)
BASIS_RANK = {
    "histopathology": 0,
    "cytology": 1,
    None: 2,
    "intraoperative": 3,
    "radiology": 4,
    "clinical": 5,
}
DEFAULT_RULE = "dx.default"


@dataclass(frozen=True)
class DxMatch:
    start: int
    end: int
    entry: VocabEntry
    how: str  # synonym / exact / fuzzy / defined abbreviation / metastatic


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
    )


def default_index() -> PhraseIndex | None:
    try:
        return phrase_index("diagnoses.csv")
    except VocabularyError:
        return None


def default_stop_keys() -> frozenset[str]:
    try:
        return all_keys()
    except VocabularyError:
        return frozenset()


# ---------------------------------------------------------------- matching


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < e and s < b for s, e in spans)


def defined_abbreviations(text: str, defined: dict[str, str], index: PhraseIndex) -> list[DxMatch]:
    """Occurrences of abbreviations the text defines for a vocabulary diagnosis."""
    out: list[DxMatch] = []
    for short, long_form in defined.items():
        entry = _defined_entry(text, short, long_form, index)
        if entry is None or not short.strip():
            continue
        pattern = re.compile(rf"(?<![\w-]){re.escape(short)}s?(?![\w-])")
        for m in pattern.finditer(text):
            if text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")":
                continue  # the definition itself; its long form is matched
            out.append(DxMatch(m.start(), m.end(), entry, "defined abbreviation"))
    return out


def _defined_entry(text: str, short: str, long_form: str, index: PhraseIndex) -> VocabEntry | None:
    """The entry of a defined abbreviation: the vocabulary name that ends right before
    "(SF)" when it covers the detected long form (the detector takes the shortest long
    form whose letters fit: "Osteoid osteoma (OO)" -> "osteoma"), else the long form's."""
    at = text.find(f"({short})")
    before = text[max(0, at - 120) : at].rstrip() if at > 0 else ""
    ending = [m for m in index.find(before) if m.end == len(before)]
    if ending and len(before) - ending[-1].start >= len(long_form.strip()):
        return ending[-1].entry
    return index.lookup(long_form)


def _metastatic_variant(
    text: str, match: DxMatch, by_code: dict[str, VocabEntry], next_start: int | None = None
) -> DxMatch:
    code = match.entry.get("icdo3")
    if code and code.endswith("/6") and by_code.get(code[:4] + "/3"):
        return replace(match, entry=by_code[code[:4] + "/3"], how="metastatic")
    with_metastasis = _WITH_METASTASIS_RE.match(text, match.end) if code else None
    if (
        with_metastasis
        and code.endswith("/3")
        and (next_start is None or with_metastasis.end() <= next_start)
    ):
        return replace(match, end=with_metastasis.end(), how="metastatic")
    if (
        not code
        or code.endswith("/6")
        or not _METASTATIC_RE.search(text[max(0, match.start - 30) : match.start])
    ):
        return match
    if code.endswith("/3"):  # already malignant: keep its own (organ-specific) name
        return replace(match, how="metastatic")
    variant = by_code.get(code[:4] + "/3") or by_code.get(code[:4] + "/6")
    return replace(match, entry=variant, how="metastatic") if variant else match


def _is_generic(text: str, match: DxMatch, cfg: DxConfig) -> bool:
    """Generic words, generic entries ("metastasis") and names of services or
    proteins ("Sarcoma service", "anaplastic lymphoma kinase")."""
    for phrase in (text[match.start : match.end], match.entry.canonical):
        if " ".join(key_of(phrase)) in cfg.generic:
            return True
    return bool(cfg.not_disease_after.match(text, match.end))


def _is_definition(text: str, match: DxMatch, found: list[DxMatch]) -> bool:
    """The short form of "long form (SF)": its long form is the mention."""
    if text[match.start - 1 : match.start] != "(" or text[match.end : match.end + 1] != ")":
        return False
    return any(0 <= match.start - 1 - m.end <= 1 for m in found if m is not match)


def _fuzzy_stop_keys(stop_keys: frozenset[str], cfg: DxConfig) -> frozenset[str]:
    """Windows never matched approximately: keys of any vocabulary, plus the rule
    file's exclusions and generic words (cached: the union costs ~0.2 ms)."""
    return _union(stop_keys, cfg.fuzzy_exclude, cfg.generic)


@lru_cache(maxsize=8)
def _union(*sets: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*sets)


def find_diagnoses(
    text: str,
    index: PhraseIndex,
    defined: dict[str, str] | None = None,
    cfg: DxConfig | None = None,
    stop_keys: frozenset[str] = frozenset(),
) -> list[DxMatch]:
    """Diagnosis mentions in ``text``, in order, without overlaps."""
    cfg = cfg or config()
    found = defined_abbreviations(text, defined or {}, index)
    taken = [(m.start, m.end) for m in found]
    for m in index.find(text):
        if not _overlaps(m.start, m.end, taken):
            found.append(DxMatch(m.start, m.end, m.entry, m.how))
    found = [m for m in found if not _is_generic(text, m, cfg)]
    taken = [(m.start, m.end) for m in found]
    for m in index.find_fuzzy(text, taken, _fuzzy_stop_keys(stop_keys, cfg)):
        found.append(DxMatch(m.start, m.end, m.entry, "fuzzy"))
    found = [m for m in found if not _is_generic(text, m, cfg)]  # fuzzy "spine metastasis"
    found = [m for m in found if not _is_definition(text, m, found)]
    found = _reordered(text, sorted(found, key=lambda m: m.start), index)
    by_code: dict[str, VocabEntry] = {}
    for e in index.entries:  # the first entry of a code is its main name
        if e.get("icdo3"):
            by_code.setdefault(e.get("icdo3"), e)
    nexts = [m.start for m in found[1:]] + [None]
    return [_metastatic_variant(text, m, by_code, nexts[i]) for i, m in enumerate(found)]


@lru_cache(maxsize=4)
def _word_bags(index: PhraseIndex) -> dict[tuple[str, ...], VocabEntry]:
    """Sorted folded words of each multi-word vocabulary key -> its entry."""
    bags: dict[tuple[str, ...], VocabEntry] = {}
    for key, entry in index.keys.items():
        if len(key) > 1:
            bags.setdefault(tuple(sorted(key)), entry)
    return bags


def _reordered(text: str, found: list[DxMatch], index: PhraseIndex) -> list[DxMatch]:
    """A match whose one or two preceding words complete a longer vocabulary name in
    another word order ("thyroid follicular carcinoma" = "follicular thyroid carcinoma")
    is that name; sorted ``found`` in, sorted out."""
    starts, ends, _raw, folded = columns(text)
    bags = _word_bags(index)
    out: list[DxMatch] = []
    for m in found:
        i, j = bisect_left(starts, m.start), bisect_left(ends, m.end)
        for n in (2, 1):
            k = i - n
            if k < 0 or (out and out[-1].end > starts[k]) or j >= len(ends):
                continue
            words = folded[k : j + 1]
            gaps = [text[ends[t] : starts[t + 1]] for t in range(k, i)]
            entry = bags.get(tuple(sorted(words)))
            if (
                entry is not None
                and all(w.isalpha() and w not in _FUNCTION_WORDS for w in folded[k:i])
                and all(g in (" ", "-") for g in gaps)
            ):
                how = m.how if entry.canonical == m.entry.canonical else "word order"
                m = DxMatch(starts[k], m.end, entry, how)
                break
        out.append(m)
    return out


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


def _basis_cues(
    text: str, spans: list[tuple[int, int]], rules: tuple[Rule, ...]
) -> list[tuple[int, int, str]]:
    """Basis cues of a sentence outside the diagnosis spans, in order."""
    cues = [(m.start(), m.end(), r.options["basis"]) for r in rules for m in r.regex.finditer(text)]
    return sorted(c for c in cues if not _covered(spans, c[0], c[1]))


def _basis_near(
    cues: list[tuple[int, int, str]], start: int, end: int, after_too: bool = True
) -> str | None:
    """The nearest basis cue before the span, else (``after_too``) the first after it."""
    i = bisect_right([c[1] for c in cues], start) - 1
    if i >= 0:
        return cues[i][2]
    after = [c for c in cues if c[0] >= end]
    return after[0][2] if after and after_too else None


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
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
    for rule in cfg.role_rules:
        for m in rule.regex.finditer(text):
            if _covered(spans, m.start(), m.end()):
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


def resolve_role(
    role: DxRole,
    entry: VocabEntry,
    section: SectionSpan | None,
    cfg: DxConfig,
    about_patient: bool = False,
) -> DxRole | None:
    """The section's say: literature -> other; no cue -> section default; None = drop."""
    label = section.label if section else "front_matter"
    kind = section.kind if section else SectionKind.NON_CONTENT
    if label != "front_matter" and kind in (SectionKind.OTHER_ARTICLES, SectionKind.NON_CONTENT):
        return None
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


# ---------------------------------------------------------------- component


MAX_CLAUSE_CHARS = 2000


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentences, a piece not ending in ". ! ; :" joined to the next one of its section
    (a PDF paragraph break inside a sentence; "? Neuro fibroma/? Lipoma")."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc_text(doc)))]
    sections = doc._.sections or []
    full = doc_text(doc)
    out: list[tuple[int, int]] = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        if out and _joins(full, out[-1], start, sections):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _joins(text: str, prev: tuple[int, int], start: int, sections: list[SectionSpan]) -> bool:
    tail = text[prev[0] : prev[1]].rstrip()
    if not tail or tail[-1] in ".!;:" or start - prev[0] > MAX_CLAUSE_CHARS:
        return False
    return section_at(sections, prev[0]) == section_at(sections, start)


def _value(entry: VocabEntry, role: DxRole) -> dict[str, Any]:
    return {
        "name": entry.canonical,
        "icdo3": entry.get("icdo3"),
        "role": role.role,
        "basis": role.basis,
    }


def _sentence_roles(
    full: str,
    s_start: int,
    s_end: int,
    inside: list[DxMatch],
    cfg: DxConfig,
    sections: list[SectionSpan],
) -> list[tuple[DxMatch, DxRole]]:
    text = full[s_start:s_end]
    spans = [(m.start - s_start, m.end - s_start) for m in inside]
    about_patient = bool(PATIENT_REFERENCE_RE.search(text))
    out: list[tuple[DxMatch, DxRole]] = []
    for match, role in zip(inside, classify_sentence(text, spans, cfg), strict=True):
        section = section_at(sections, match.start)
        if (
            section is not None
            and section.label == "front_matter"
            and _skip_line(full, match.start)
        ):
            continue
        final = resolve_role(role, match.entry, section, cfg, about_patient)
        if final is not None:
            out.append((match, final))
    return out


def _skip_line(text: str, pos: int) -> bool:
    """Affiliation and journal lines of the title block name no diagnosis of the case."""
    start = text.rfind("\n", max(0, pos - 300), pos) + 1
    end = text.find("\n", pos, pos + 300)
    line = text[max(start, pos - 300) : end if end >= 0 else pos + 300]
    return bool(FRONT_MATTER_SKIP_RE.search(line))


def diagnosis_mentions(doc: Doc) -> list[tuple[DxMatch, DxRole]]:
    """Diagnosis matches of ``doc`` with their section-resolved roles (cached per doc;
    the site field uses them as lesion anchors)."""
    cached = doc.user_data.get("diagnosis_mentions")
    if cached is not None:
        return cached
    index = default_index()
    out: list[tuple[DxMatch, DxRole]] = []
    if index is not None:
        cfg = config()
        full = doc_text(doc)
        matches = find_diagnoses(full, index, abbreviation_map(doc), cfg, default_stop_keys())
        starts = [m.start for m in matches]
        sections = doc._.sections or []
        for s_start, s_end in _sentences(doc):
            lo, hi = bisect_left(starts, s_start), bisect_left(starts, s_end)
            inside = [m for m in matches[lo:hi] if m.end <= s_end]
            if inside:
                out.extend(_sentence_roles(full, s_start, s_end, inside, cfg, sections))
    doc.user_data["diagnosis_mentions"] = out
    return out


class DiagnosisField(BaseField):
    name = FieldName.DIAGNOSIS

    def find(self, doc: Doc) -> list[Candidate]:
        out: list[Candidate] = []
        certain = config().certain_rules
        for match, role in diagnosis_mentions(doc):
            rule = role.rule if match.how in ("synonym", "exact") else f"{role.rule}|{match.how}"
            value = _value(match.entry, role)
            exempt = frozenset({"uncertain"}) if role.rule in certain else frozenset()
            out.append(Candidate(self.name, match.start, match.end, value, rule, exempt=exempt))
        return out

    def finalize(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        sections = doc._.sections or []
        for cand in candidates:
            section = section_at(sections, cand.start)
            if (
                section is None
                or section.kind == SectionKind.PATIENT
                or section.label in ("abstract", "front_matter")
            ):
                cand.value["role"] = role_after_assertions(cand.value["role"], cand.assertion)
                if cand.value["role"] == "differential" and _absent_finding(cand):
                    cand.value["role"] = "other"
            if cand.value["role"] == "differential" and not cand.assertion.negated:
                # a suspected / considered diagnosis is uncertain by definition
                cand.assertion = cand.assertion.model_copy(update={"uncertain": True})
        return candidates

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        return summarize_diagnoses(mentions)


def _absent_finding(cand: Candidate) -> bool:
    """A negated mention without a differential cue ("no syrinx", "no vertebral
    collapse"): a finding that is absent, not a diagnosis considered and ruled out."""
    return cand.assertion.negated and cand.rule.split("|")[0] == DEFAULT_RULE


def role_after_assertions(role: str, assertion: Any) -> str:
    """ConText flags on a patient-section diagnosis adjust its role."""
    if role in ("other", "comorbidity"):
        return role
    if assertion.family:
        return "other"
    if assertion.negated:
        return "differential"
    if role == "final" and assertion.uncertain:
        return "differential"
    return role


def _final_key(item: tuple[int, Mention], cfg: DxConfig) -> tuple[int, ...]:
    """Named entity before pattern word / family, a lesion before a condition that
    accompanies one, explicit cue, basis rank, later mention."""
    pos, m = item
    name = m.value.get("name") or ""
    vague = 1 if " ".join(key_of(name)) in cfg.nonspecific_finals else 0
    non_lesion = 1 if _category(name) in cfg.non_lesion_categories else 0
    explicit = 0 if m.rule.split("|")[0] != DEFAULT_RULE else 1
    return (vague, non_lesion, explicit, BASIS_RANK.get(m.value.get("basis"), 2), -pos)


@lru_cache(maxsize=4096)
def _category(name: str) -> str:
    """Vocabulary category of a canonical diagnosis name ("" when unknown)."""
    index = default_index()
    entry = index.lookup(name) if index is not None and name else None
    return ((entry.get("category") or "") if entry else "").lower()


def most_specific(winner: dict[str, Any], finals: list[dict[str, Any]]) -> dict[str, Any]:
    """The final naming ``winner`` with more words ("synovial sarcoma" -> "biphasic synovial
    sarcoma"), the longest one (the first of equals), with the winner's basis."""
    base = set(key_of(winner.get("name") or ""))
    longer = [v for v in finals if base and set(key_of(v.get("name") or "")) > base]
    if not longer:
        return winner
    best = max(longer, key=lambda v: len(set(key_of(v["name"]))))
    return {**best, "basis": winner.get("basis")}


def choose_final(mentions: list[Mention], cfg: DxConfig | None = None) -> dict[str, Any] | None:
    """The summary's final diagnosis value (see the module docstring)."""
    cfg = cfg or config()
    finals = [(i, m) for i, m in enumerate(mentions) if m.value.get("role") == "final"]
    if not finals:
        return None
    winner = min(finals, key=lambda item: _final_key(item, cfg))[1].value
    return most_specific(winner, [m.value for _i, m in finals])


def summarize_diagnoses(mentions: list[Mention]) -> dict[str, Any]:
    final = choose_final(mentions)
    final_out = (
        {"name": final["name"], "icdo3": final.get("icdo3"), "basis": final.get("basis")}
        if final
        else None
    )
    differentials: dict[str, dict[str, Any]] = {}
    for m in mentions:
        name = m.value.get("name")
        if m.value.get("role") != "differential" or (final and name == final["name"]):
            continue
        differentials.setdefault(name, {"name": name, "icdo3": m.value.get("icdo3")})
    return {"final_diagnosis": final_out, "differential_diagnoses": list(differentials.values())}


EXTRACTOR = DiagnosisField()
