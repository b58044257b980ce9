"""Sex of the index patient.

Parser: :func:`find_sex` over plain text with ``rules/sex_rules.json`` (explicit
nouns and adjectives: woman, man, female, male, girl, boy, lady, gentleman, "45M").

Which words are mentions: those that introduce the patient — after "a"/"an" ("a 45
yrs. female", "an elderly man"), right after an age ("5-year-old Caucasian male"), or
"45M"/"Mrs". Anaphoric uses ("the man", "this lady") and genetics ("normal male
karyotype") are not; when a report has no introducing word, its first explicit sex
word is used.

Words about another person are not mentions: "a male cousin", "a man in the family"
(rule lookaheads) and an apposition to a relative, "her son, a 5-year-old boy"
(:data:`OTHER_PERSON_BEFORE_RE`).

Pronoun fallback: only when no explicit word describes the patient anywhere in the
patient context, the finalize step adds one mention at the first "she"/"he" of a
patient section (in a text without patient sections: of the front matter or abstract),
provided the pronouns there are all of one sex (rule ``sex.pronoun_fallback``). That
mention is the evidence of the summary value, not a sex mention of the guideline
(pronouns are never mentions): span scores leave it out (``EVIDENCE_ONLY_RULES``). In a
sentence that names a relative ("His mother said she ...") only a possessive right
before the relative counts ("his" is the patient's; "she" may be the mother). Summary:
the first explicit mention wins.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from extractor.fields.age import PERSON_EXEMPT, find_ages
from extractor.fields.base import BaseField, Candidate
from extractor.fields.scope import OPEN_LABELS, in_patient_context
from extractor.rules import Rule, load_rules
from extractor.schema import FieldName, Mention, Section, SectionKind
from extractor.tokenizer import doc_text

#: an indefinite noun phrase introduces the patient: "a 45 yrs. female", "an elderly man"
INTRODUCED_RE = re.compile(r"\b(?:a|an)\s+(?:[\w.,'-]+\s+){0,4}$", re.IGNORECASE)
SENTENCE_BREAK_RE = re.compile(r"[.!?;]\s+[A-Z]")
DESCRIPTOR_RULES = frozenset({"sex.age_letter", "sex.title"})
PRONOUN_RE = re.compile(r"\b(?P<female>she|her|hers)\b|\b(?P<male>he|his|him)\b", re.IGNORECASE)
_RELATIVES = (
    r"(?:mother|father|sister|brother|son|daughter|husband|wife|sibling|parent|grandmother|"
    r"grandfather|aunt|uncle|cousin|twin|niece|nephew|grandson|granddaughter|partner|spouse|"
    r"boyfriend|girlfriend|relative)s?"
)
RELATIVE_RE = re.compile(rf"\b{_RELATIVES}\b", re.IGNORECASE)
#: "his mother", "her elder brother": the pronoun is the patient's
POSSESSIVE_OF_RELATIVE_RE = re.compile(
    rf"\s+(?:(?:elder|older|younger|late|twin|half|step|biological|maternal|paternal|male|female)[\s-]){{0,2}}"
    rf"(?:{_RELATIVES}|family)\b",
    re.IGNORECASE,
)
#: "her son, a 5-year-old boy": the sex word is the relative's
OTHER_PERSON_BEFORE_RE = re.compile(
    rf"(?:\b(?:his|her|their|the patient's|whose)\s+(?:\w+\s+)?{_RELATIVES},?\s+"
    r"(?:(?:is|was)\s+)?(?:an?|the)\s+(?:[\w.-]+\s+){0,3}"
    # "born to a 30-year-old gravida 2": the mother, as in the age field
    r"|\b(?:born|delivered)\b[^.;]{0,40}\bto\s+an?\s+(?:[\w.-]+\s+){0,4})$",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


#: cues that count only when no other sex word of the patient is found
WEAK_RULES = frozenset({"sex.obstetric"})


def _rules() -> list[Rule]:
    return load_rules("extractor.fields.rules", "sex_rules.json")


def find_sex(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, 'female'|'male', rule id) for each explicit sex word of the patient."""
    found = []
    for rule in _rules():
        for match in rule.finditer(text):  # literal test, first-character scan
            sex = "female" if match.groupdict().get("female") else "male"
            start = match.start(sex)
            if OTHER_PERSON_BEFORE_RE.search(text, max(0, start - 60), start):
                continue
            found.append((start, match.end(sex), sex, rule.id))
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


def patient_pronouns(text: str) -> list[re.Match[str]]:
    """The pronouns of ``text`` that may be the patient's: in a sentence naming a
    relative, only a possessive right before the relative ("his mother")."""
    kept = []
    for sentence in _SENTENCE_RE.finditer(text):
        names_relative = RELATIVE_RE.search(sentence.group(0))
        for m in PRONOUN_RE.finditer(text, sentence.start(), sentence.end()):
            possessive = m.group(0).lower() in ("his", "her")
            if not names_relative or (
                possessive and POSSESSIVE_OF_RELATIVE_RE.match(text, m.end(), sentence.end())
            ):
                kept.append(m)
    return kept


def pronoun_sex(text: str) -> tuple[int, int, str] | None:
    """The first patient pronoun's span and sex, when all of them agree."""
    matches = patient_pronouns(text)
    kinds = {"female" if m.group("female") else "male" for m in matches}
    if len(kinds) != 1:
        return None
    first = matches[0]
    return first.start(), first.end(), kinds.pop()


def pronoun_sections(sections: list[Section]) -> list[Section]:
    """Where the pronoun fallback reads: the patient sections; in a text without one
    (no headings: the whole text is front matter; an excerpt whose case part is cut
    off), the sections open to the patient (front matter, abstract)."""
    patient = [s for s in sections if s.kind == SectionKind.PATIENT]
    return patient or [s for s in sections if s.label in OPEN_LABELS]


class SexField(BaseField):
    name = FieldName.SEX

    def find(self, doc: Doc) -> list[Candidate]:
        found = [f for f in find_sex(doc_text(doc)) if in_patient_context(doc, f[0])]
        # an obstetric formula ("para 4", "G2P1") speaks only when no sex word does
        found = [f for f in found if f[3] not in WEAK_RULES] or found
        chosen = [f for f in found if is_descriptor(doc_text(doc), f[0], f[3])] or found[:1]
        return [
            Candidate(self.name, s, e, {"sex": sex}, rule, exempt=PERSON_EXEMPT)
            for s, e, sex, rule in chosen
        ]

    def finalize(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        if candidates:
            return candidates
        for section in pronoun_sections(doc._.sections or []):
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
