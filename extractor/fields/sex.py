"""Sex of the index patient.

Parser: :func:`find_sex` over plain text with ``rules/sex_rules.json`` (explicit
nouns and adjectives: woman, man, female, male, girl, boy, lady, gentleman, "45M").

Which words are mentions: those that introduce the patient — after "a"/"an" ("a 45
yrs. female", "an elderly man"), right after an age ("5-year-old Caucasian male"), or
"45M"/"Mrs". Anaphoric uses ("the man", "this lady") and genetics ("normal male
karyotype") are not; when a report has no introducing word, its first explicit sex
word is used.

Pronoun fallback: only when no explicit word describes the patient anywhere in the
patient context, the finalize step adds one mention at the first "she"/"he" of a
patient section, provided the pronouns there are all of one sex (rule
``sex.pronoun_fallback``). Summary: the first explicit mention wins.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from extractor.fields.age import PERSON_EXEMPT, find_ages
from extractor.fields.base import BaseField, Candidate
from extractor.fields.scope import in_patient_context
from extractor.rules import Rule, load_rules
from extractor.schema import FieldName, Mention, SectionKind
from extractor.tokenizer import doc_text

#: an indefinite noun phrase introduces the patient: "a 45 yrs. female", "an elderly man"
INTRODUCED_RE = re.compile(r"\b(?:a|an)\s+(?:[\w.,'-]+\s+){0,4}$", re.IGNORECASE)
SENTENCE_BREAK_RE = re.compile(r"[.!?;]\s+[A-Z]")
DESCRIPTOR_RULES = frozenset({"sex.age_letter", "sex.title"})
PRONOUN_RE = re.compile(r"\b(?P<female>she|her|hers)\b|\b(?P<male>he|his|him)\b", re.IGNORECASE)


def _rules() -> list[Rule]:
    return load_rules("extractor.fields.rules", "sex_rules.json")


def find_sex(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, 'female'|'male', rule id) for each explicit sex word."""
    found = []
    for rule in _rules():
        for match in rule.regex.finditer(text):
            sex = "female" if match.groupdict().get("female") else "male"
            found.append((match.start(sex), match.end(sex), sex, rule.id))
    return sorted(found)


def is_descriptor(text: str, start: int, rule_id: str) -> bool:
    """True for a sex word that introduces the patient ("A 45 yrs. female", "45M")."""
    if rule_id in DESCRIPTOR_RULES:
        return True
    before = text[max(0, start - 40) : start]
    boundaries = list(SENTENCE_BREAK_RE.finditer(before))
    if boundaries:
        before = before[boundaries[-1].end() - 1 :]
    return bool(INTRODUCED_RE.search(before) or find_ages(before[-25:]))


def pronoun_sex(text: str) -> tuple[int, int, str] | None:
    """The first pronoun's span and sex, when all pronouns in ``text`` agree."""
    matches = list(PRONOUN_RE.finditer(text))
    kinds = {"female" if m.group("female") else "male" for m in matches}
    if len(kinds) != 1:
        return None
    first = matches[0]
    return first.start(), first.end(), kinds.pop()


class SexField(BaseField):
    name = FieldName.SEX

    def find(self, doc: Doc) -> list[Candidate]:
        found = [f for f in find_sex(doc_text(doc)) if in_patient_context(doc, f[0])]
        chosen = [f for f in found if is_descriptor(doc_text(doc), f[0], f[3])] or found[:1]
        return [
            Candidate(self.name, s, e, {"sex": sex}, rule, exempt=PERSON_EXEMPT)
            for s, e, sex, rule in chosen
        ]

    def finalize(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        if candidates:
            return candidates
        for section in doc._.sections or []:
            if section.kind != SectionKind.PATIENT:
                continue
            found = pronoun_sex(doc_text(doc)[section.start : section.end])
            if found:
                s, e, sex = found
                return [
                    Candidate(
                        self.name,
                        section.start + s,
                        section.start + e,
                        {"sex": sex},
                        "sex.pronoun_fallback",
                    )
                ]
        return candidates

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        for m in mentions:
            if not (m.assertion.family or m.assertion.negated):
                return {"sex": m.value["sex"]}
        return {"sex": None}


EXTRACTOR = SexField()
