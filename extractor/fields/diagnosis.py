"""Diagnoses: name and ICD-O-3 code from ``vocab/diagnoses.csv``, role and basis.

The field in three modules: :mod:`~extractor.fields.diagnosis_match` (vocabulary
matching: :func:`find_diagnoses`), :mod:`~extractor.fields.diagnosis_roles` (the rule
file, and role and basis from its cues: :func:`classify_sentence`,
:func:`resolve_role`) and this one, the spaCy component and the summary. Sentences are
joined where a piece does not end in ". ! ; :" (a PDF paragraph break inside a
sentence); affiliation and journal lines of the title block yield no mention.

After ConText (:meth:`DiagnosisField.finalize`), in the patient's sections: negated ->
differential (ruled out, the negated flag stays), but a negated mention without any role
cue is an absent finding ("no syrinx", "no vertebral collapse") -> other; uncertain
final -> differential; family -> other. ConText's historical and hypothetical flags do
not change a role: "history" comes from the diagnosis rules' own cues.

A report without a final diagnosis from the vocabulary (or only a histological pattern
word such as "granuloma", ``nonspecific_finals``) takes the last diagnosis
statement of the patient's text whose name no vocabulary lists ("was diagnosed as
having Blau syndrome"; :mod:`~extractor.fields.diagnosis_stated`): a final mention
named as written, without a code (rule ids ``dx.stated.*``).

A rule with ``"certain": true`` ("a biopsy suggested X") states a diagnosis: its
mentions are exempt from ConText's uncertainty flag.

Summary rule: ``final_diagnosis`` is the final mention ranked: a named entity before a
histological pattern word or WHO family heading (``nonspecific_finals``: "granuloma",
"pericytic (perivascular) tumour"), then a lesion before a condition that accompanies
one (vocabulary category in ``non_lesion_categories``: a vertebral fracture, syrinx,
hydrocephalus or tethered cord is not the resected lesion), then basis
(histopathology, cytology, none, intraoperative, radiology, clinical: a biopsy diagnosis
beats an imaging impression "consistent with" another), then explicit cue over default,
then the later
mention (a pathology conclusion refines the first impression: "a pericytic tumour
consistent with glomus tumour"). A final mention naming the winner with more words is
reported instead, with the winner's basis (the most specific subtype: "synovial sarcoma"
-> "biphasic synovial sarcoma"). Differentials are the
unique differential names in order, without the final one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from extractor.abbreviations import abbreviation_map
from extractor.fields.base import BaseField, Candidate
from extractor.fields.diagnosis_match import (
    DxMatch,
    default_index,
    default_stop_keys,
    find_diagnoses,
)
from extractor.fields.diagnosis_roles import (
    DEFAULT_RULE,
    DxConfig,
    DxRole,
    classify_sentence,
    config,
    drops_every_mention,
    resolve_role,
)
from extractor.fields.diagnosis_stated import find_stated
from extractor.fields.scope import PATIENT_REFERENCE_RE, doc_sentences, in_patient_context
from extractor.fields.vocabulary import VocabEntry, key_of
from extractor.schema import FieldName, Mention, SectionKind
from extractor.sections import SectionSpan, section_at
from extractor.tokenizer import doc_text

__all__ = [
    "EXTRACTOR",
    "FRONT_MATTER_SKIP_RE",
    "DiagnosisField",
    "DxRole",
    "choose_final",
    "classify_sentence",
    "config",
    "default_index",
    "diagnosis_mentions",
    "find_diagnoses",
    "most_specific",
    "resolve_role",
    "role_after_assertions",
    "summarize_diagnoses",
]

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

MAX_CLAUSE_CHARS = 2000


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentences, a piece not ending in ". ! ; :" joined to the next one of its section
    (a PDF paragraph break inside a sentence; "? Neuro fibroma/? Lipoma")."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc_text(doc)))]
    sections = doc._.sections or []
    full = doc_text(doc)
    out: list[tuple[int, int]] = []
    for start, end in doc_sentences(doc):
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


#: a mention's role when no cue applies (given to resolve_role where it reads none)
_NO_CUE = DxRole(None, None, DEFAULT_RULE)


def _sentence_roles(
    full: str,
    s_start: int,
    s_end: int,
    inside: list[DxMatch],
    cfg: DxConfig,
    sections: list[SectionSpan],
) -> list[tuple[DxMatch, DxRole]]:
    in_sections = [section_at(sections, m.start) for m in inside]
    if all(map(drops_every_mention, in_sections)):
        return []  # no role is read: the sentence is not classified
    text = full[s_start:s_end]
    about_patient: bool | None = None  # searched for only where resolve_role reads it
    out: list[tuple[DxMatch, DxRole]] = []
    if all(drops_every_mention(s) or _reads_patient_reference(s) for s in in_sections):
        about_patient = bool(PATIENT_REFERENCE_RE.search(text))
        if not about_patient:
            # a literature sentence not about the patient: resolve_role reads no cue
            # (a quarter of the classified sentences), so none is looked for
            for match, section in zip(inside, in_sections, strict=True):
                final = resolve_role(_NO_CUE, match.entry, section, cfg, about_patient)
                if final is not None:
                    out.append((match, final))
            return out
    spans = [(m.start - s_start, m.end - s_start) for m in inside]
    roles = classify_sentence(text, spans, cfg)
    for match, role, section in zip(inside, roles, in_sections, strict=True):
        if (
            section is not None
            and section.label == "front_matter"
            and _skip_line(full, match.start)
        ):
            continue
        if about_patient is None and _reads_patient_reference(section):
            about_patient = bool(PATIENT_REFERENCE_RE.search(text))
        final = resolve_role(role, match.entry, section, cfg, bool(about_patient))
        if final is not None:
            out.append((match, final))
    return out


def _reads_patient_reference(section: SectionSpan | None) -> bool:
    """:func:`resolve_role` reads whether the sentence refers to the patient only in a
    literature section other than the abstract (the search costs ~0.1 ms per report)."""
    return (
        section is not None
        and section.kind == SectionKind.LITERATURE
        and section.label != "abstract"
    )


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
        vague = config().nonspecific_finals
        finals = [c.value["name"] for c in candidates if c.value["role"] == "final"]
        # no final, or only pattern words such as "granuloma"
        if all(" ".join(key_of(name)) in vague for name in finals):
            stated = stated_final(doc, candidates)
            if stated is not None:
                candidates.append(stated)
        return candidates

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        return summarize_diagnoses(mentions)


def stated_final(doc: Doc, candidates: list[Candidate]) -> Candidate | None:
    """The last diagnosis statement of the patient's text whose whole name no
    vocabulary matched (:mod:`~extractor.fields.diagnosis_stated`; "pulmonary
    hypertension" where the vocabulary knows only "hypertension"), as a final mention
    without a code, its abbreviations spelt out as the text defines them ("PTE" ->
    "pulmonary thromboembolism"); None when there is none."""
    taken = [(c.start, c.end) for c in candidates]
    found = [
        s
        for s in find_stated(doc_text(doc))
        if in_patient_context(doc, s.start)
        and not any(a <= s.start and s.end <= b for a, b in taken)
    ]
    if not found:
        return None
    last = found[-1]
    name = expand_abbreviations(last.name, abbreviation_map(doc))
    value = {"name": name, "icdo3": None, "role": "final", "basis": None}
    return Candidate(FieldName.DIAGNOSIS, last.start, last.end, value, last.rule)


def expand_abbreviations(name: str, long_forms: dict[str, str]) -> str:
    """``name`` with each word that the text defines as an abbreviation replaced by its
    long form ("chronic NGD" -> "chronic neuronopathic Gaucher disease")."""
    return " ".join(long_forms.get(w, w) for w in name.split())


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
    accompanies one, a confirmed diagnosis before one stated without confirmation,
    basis rank (a biopsy diagnosis before an imaging impression, however it is worded),
    explicit cue, later mention."""
    pos, m = item
    name = m.value.get("name") or ""
    vague = 1 if " ".join(key_of(name)) in cfg.nonspecific_finals else 0
    non_lesion = 1 if _category(name) in cfg.non_lesion_categories else 0
    confirmed = 0 if m.rule.split("|")[0] in cfg.superseding_rules else 1
    explicit = 0 if m.rule.split("|")[0] != DEFAULT_RULE else 1
    basis = BASIS_RANK.get(m.value.get("basis"), 2)
    return (vague, non_lesion, confirmed, basis, explicit, -pos)


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
