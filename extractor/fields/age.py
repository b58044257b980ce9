"""Age of the index patient.

Parser: :func:`parse_age` turns the groups of a rule match into an :class:`AgeValue`
(years; months, weeks and days as fractional years; "newborn" -> 0; a decade such as
"in her 60s" -> ``years=None, decade=60``). Rules: ``rules/age_rules.json``.

Phrasings: numbers in words ("a two-year-old boy", "seventy-two-year-old", "aged
sixty-one"; the article "a" is never read as a number), hyphens with a space on either
side ("a 14- year-old child"), fractions ("a 3½-year-old", "two-and-a-half-year-old",
"aged 7 months" -> 0.5833, "a 2-year 6-month-old" -> 2.5), "a man of 56 years" (the
span is the age only), and decades in words ("in his forties", "an octogenarian").

Rejected: durations (no rule matches "since 1 year"), ages followed by a relative
("her 70-year-old mother"), cohort ages ("patients aged 20 to 40"). Time points in the
history ("at the age of 9 months", "65 years of age") are tier-2 rules: they are
reported only when no rule gives the patient's exact age directly ("a 56-year-old
man"; a decade such as "in her 50s" is not exact), and then only the first one.

Summary rule: the first exact age mention in patient sections that is not about a
family member; a decade-only age gives ``age_years`` null.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate, drop_overlaps
from extractor.fields.numbers import ORDINALS, words_to_int
from extractor.fields.scope import in_patient_context
from extractor.rules import Rule, load_rules
from extractor.schema import AgeValue, FieldName, Mention
from extractor.tokenizer import doc_text

DAYS_PER_YEAR = 365.25
#: an age or sex word is never negated or uncertain itself ("a 45-year-old woman with no
#: fever"); whose age or sex it is, the fields' own other-person rules decide from the
#: words around it ("her 45-year-old mother", "a male cousin"), not a relative named
#: anywhere in the sentence ("a 19-year-old woman, first child of healthy parents";
#: "a 31-year-old primipara with twin pregnancy"), so ConText's family flag is exempt too
PERSON_EXEMPT = frozenset(
    {"negated", "uncertain", "hypothetical", "historical", "resolved", "family"}
)
_UNIT_YEARS = {"y": 1.0, "m": 1 / 12, "w": 7 / DAYS_PER_YEAR, "d": 1 / DAYS_PER_YEAR}
OTHER_PERSON_RE = re.compile(
    r"[^\w.,;!?]{0,3}(?:(?:old|female|male|caucasian)\s+)?(?:mother|father|sister|brother|son|daughter|"
    r"husband|wife|sibling|parent|grandmother|grandfather|aunt|uncle|cousin|twin|"
    r"relative|friend|neighbou?r|spouse|partner|donor)s?\b",
    re.IGNORECASE,
)
OTHER_PERSON_BEFORE_RE = re.compile(
    r"(?:\b(?:his|her|their|patient's) (?:mother|father|sister|brother|son|daughter|husband|"
    r"wife|sibling|parent|grandmother|grandfather|aunt|uncle|cousin|twin)\b[^.;]{0,30}"
    r"|\b(?:born|delivered)\b[^.;]{0,40}\bto an?"
    r"|\b(?:mother|father)\b,?\s+(?:(?:was|is)\s+)?an?) ?$",
    re.IGNORECASE,
)


def unit_years(unit: str | None) -> float:
    """'months' -> 1/12; None or any year form -> 1."""
    if not unit:
        return 1.0
    key = unit.lower()[0]
    return _UNIT_YEARS.get("m" if key == "m" else key, 1.0)


DECADE_WORDS = {
    "twen": 20, "thir": 30, "fort": 40, "fift": 50, "sixt": 60, "seve": 70, "eigh": 80, "nine": 90,
    "sexa": 60, "sept": 70, "octo": 80, "nona": 90,
}  # fmt: skip
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "1/2": 0.5}


def _count(text: str | None) -> float | None:
    """'7' -> 7.0, 'seven' -> 7.0, anything else -> None."""
    if not text:
        return None
    if text.isdigit():
        return float(text)
    value = words_to_int(text)
    return None if value is None else float(value)


def parse_age(groups: dict[str, str | None]) -> AgeValue | None:
    """Rule-match groups -> age value; None when the groups do not make an age.

    "3½-year-old" and "three-and-a-half-year-old" -> 3.5; "2 years and 6 months old"
    -> 2.5; "in her mid-teens" -> decade 10; "in his forties", "an octogenarian" -> 40, 80."""
    if groups.get("newborn"):
        return AgeValue(years=0.0)
    if groups.get("decade"):
        return AgeValue(years=None, decade=int(groups["decade"]))
    if groups.get("teens"):
        return AgeValue(years=None, decade=10)
    word = groups.get("decade_word") or groups.get("decade_word2")
    if word:
        return AgeValue(years=None, decade=DECADE_WORDS[word.lower()[:4]])
    if groups.get("ordinal"):
        return AgeValue(years=None, decade=(ORDINALS[groups["ordinal"].lower()] - 1) * 10)
    if groups.get("num"):
        number: float | None = float(groups["num"])
    else:
        number = _count(groups.get("word"))
    if number is None:
        return None
    frac = (groups.get("frac") or "").strip()
    number += _FRACTIONS.get(frac, 0.0) + (0.5 if groups.get("half") else 0.0)
    years = number * unit_years(groups.get("unit"))
    if groups.get("months"):
        months = _count(groups["months"])
        if months is None or months >= 12:
            return None
        years += months / 12
    years = round(years, 4)
    if years > 120:
        return None
    return AgeValue(years=years)


def _rules() -> list[Rule]:
    return load_rules("extractor.fields.rules", "age_rules.json", frozenset({"tier"}))


def rule_tier(rule_id: str) -> int:
    """1 for ages that describe the patient, 2 for time points in the history."""
    return next(r.options.get("tier", 1) for r in _rules() if r.id == rule_id)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    while start < end and text[start] == " ":
        start += 1
    return start, end


def find_ages(text: str) -> list[tuple[int, int, AgeValue, str]]:
    """All age matches in ``text``: (start, end, value, rule id), overlaps removed."""
    found: list[tuple[int, int, AgeValue, str]] = []
    for rule in _rules():
        for match in rule.finditer(text):  # "anchor" rules: see extractor.rules
            value = parse_age(match.groupdict())
            start, end = trim_span(text, *match.span("age" if match.groupdict().get("age") else 0))
            if value is None or OTHER_PERSON_RE.match(text, end, min(len(text), end + 40)):
                continue
            if OTHER_PERSON_BEFORE_RE.search(text, max(0, start - 60), start):
                continue
            found.append((start, end, value, rule.id))
    return drop_overlaps(found)


class AgeField(BaseField):
    name = FieldName.AGE

    def find(self, doc: Doc) -> list[Candidate]:
        found = [f for f in find_ages(doc_text(doc)) if in_patient_context(doc, f[0])]
        chosen = [f for f in found if rule_tier(f[3]) == 1]
        if not any(f[2].years is not None for f in chosen):
            exact = [f for f in found if rule_tier(f[3]) == 2 and f[2].years is not None]
            chosen = sorted(chosen + exact[:1], key=lambda f: f[0])
        return [
            Candidate(self.name, s, e, value.model_dump(), rule, exempt=PERSON_EXEMPT)
            for s, e, value, rule in chosen
        ]

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        for m in mentions:
            if not m.assertion.family and m.value.get("years") is not None:
                return {"age_years": m.value["years"]}
        return {"age_years": None}


EXTRACTOR = AgeField()
