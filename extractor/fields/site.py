"""Anatomic sites of the index lesion: name, laterality, ICD-O-3 topography.

What a registrar wants is where the index lesion is, not the MRI field ("MRI of
lumbo-sacral spine"), the pain region ("pain in the right lumbar region"), the sites
of metastases ("bilateral pulmonary metastases") or neighbouring structures ("closely
related to the left psoas muscle"). So a vocabulary site (``vocab/sites.csv``, longest
match: "paraspinal subcutaneous fat" over "paraspinal") is reported only when it is
linked, in its sentence, to a lesion anchor (rules and word lists in
``rules/site_rules.json``):

* the site modifies an anchor: "rt. Paraspinal lesion", "a large retroperitoneal
  mass", "intraspinal and extraspinal tumor";
* or the site follows the nearest anchor through a preposition: "mass lesion in Right
  paraspinal subcutaneous fat", "calcification of the paravertebral muscles".

Anchors are lesion words (mass, lesion, tumour...) and diagnosis mentions whose role
is final or differential; a comorbidity, history or general diagnosis between them
("osteoarthritis of the neck") blocks the link, as do symptom, imaging and adjacency
words in the gap. Sentences stating general facts ("A paraspinal mass may be caused
by...") give no site, and literature sections give sites only in sentences about
the patient ("the present case is from the paraspinal soft tissue"); other articles
and non-content sections (but the title) give none.

Adjacent sites are one site named as written ("paraspinal subcutaneous fat", coded
by its first coded part); a site modifying the anchor of an earlier tumour ("the
primary cranial meningeal tumor") is not the index lesion's.

Laterality: a ``vocab/laterality.csv`` word among the six tokens before the site
(stopping at "," ";" "and" "or"): "Right paraspinal", "rt. Paraspinal", "left side
of her neck"; else "on the left" right after the anchor ("retroperitoneal mass on the
left"); else that of a coordinated site ("left-sided intraspinal and extraspinal").

Summary rule: sites of patient-section mentions, unique by name in order of first
appearance, each with the first laterality stated for it.

This module holds the settings loader and the spaCy component; the pure parser of one
sentence is :mod:`extractor.fields.site_parser`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate
from extractor.fields.diagnosis import FRONT_MATTER_SKIP_RE, diagnosis_mentions
from extractor.fields.diagnosis_match import default_index as default_dx_index
from extractor.fields.diagnosis_roles import covered
from extractor.fields.scope import PATIENT_REFERENCE_RE, doc_sentences
from extractor.fields.site_parser import (  # noqa: F401 - re-exported for callers
    ANCHOR_ROLES,
    Anchor,
    SiteConfig,
    SiteFinding,
    laterality_before,
    link_rule,
    locate_sites,
    merge_adjacent,
    sentence_anchors,
    sites_in_diagnoses,
    span_start,
)
from extractor.fields.vocabulary import (
    PhraseIndex,
    VocabularyError,
    key_of,
    laterality_words,
    phrase_index,
    prime_columns,
)
from extractor.regex_scan import find_first
from extractor.rules import load_rules
from extractor.schema import FieldName, Mention, SectionKind
from extractor.sections import SectionSpan, section_at
from extractor.tokenizer import doc_text

RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "site_rules.json"


@lru_cache(maxsize=1)
def config() -> SiteConfig:
    rules = {
        r.options["link"]: r for r in load_rules(RULES_PACKAGE, RULES_FILE, frozenset({"link"}))
    }
    raw = json.loads(resources.files(RULES_PACKAGE).joinpath(RULES_FILE).read_text("utf-8"))
    return SiteConfig(
        before=rules["before_anchor"],
        after=rules["after_anchor"],
        anchor=re.compile(raw["anchor_pattern"], re.IGNORECASE),
        blocking=re.compile(raw["blocking_pattern"], re.IGNORECASE),
        general=re.compile(raw["general_pattern"], re.IGNORECASE),
        not_modifiers=frozenset(" ".join(key_of(w)) for w in raw["not_modifiers"]),
        inside=rules.get("in_diagnosis"),
        imaged=re.compile(raw["imaged_pattern"], re.IGNORECASE)
        if "imaged_pattern" in raw
        else None,
        diagnosis_modifiers=tuple(raw.get("diagnosis_modifiers", {}).items()),
    )


def default_index() -> PhraseIndex | None:
    try:
        return phrase_index("sites.csv")
    except VocabularyError:
        return None


def default_laterality() -> dict[str, str]:
    try:
        return laterality_words()
    except VocabularyError:
        return {
            "right": "right",
            "rt": "right",
            "left": "left",
            "lt": "left",
            "bilateral": "bilateral",
            "both": "bilateral",
            "midline": "midline",
        }


# ---------------------------------------------------------------- component


def sentence_allowed(sections: list[SectionSpan], start: int, text: str, cfg: SiteConfig) -> bool:
    """Patient sections, abstract and title; literature only about the patient. (The
    patient-reference search runs only where its answer is read.)"""
    section = section_at(sections, start)
    if find_first(cfg.general, text) and not PATIENT_REFERENCE_RE.search(text):
        return False
    if section is None or section.label == "front_matter":
        return not find_first(FRONT_MATTER_SKIP_RE, text)
    if section.kind == SectionKind.PATIENT or section.label == "abstract":
        return True
    return section.kind == SectionKind.LITERATURE and bool(PATIENT_REFERENCE_RE.search(text))


class SiteField(BaseField):
    name = FieldName.SITE

    def find(self, doc: Doc) -> list[Candidate]:
        index = default_index()
        if index is None:
            return []
        cfg, lat_words = config(), default_laterality()
        dx = sorted(
            (m.start, m.end, role.role not in ANCHOR_ROLES) for m, role in diagnosis_mentions(doc)
        )
        finals = sorted(
            (m.start, m.end) for m, role in diagnosis_mentions(doc) if role.role == "final"
        )
        dx_index = default_dx_index()
        dx_starts = [d[0] for d in dx]
        sections = doc._.sections or []
        full = doc_text(doc)
        out: list[Candidate] = []
        sentences = doc_sentences(doc)
        prime_columns(full, sentences)  # one tokenization for every sentence
        # one vocabulary match of the document, cut per sentence; a sentence without a
        # site match or a final diagnosis gives no site and is not looked at further
        for (s_start, s_end), matches in zip(
            sentences, index.find_in_spans(full, sentences), strict=True
        ):
            inside = [(s - s_start, e - s_start) for s, e in finals if s_start <= s and e <= s_end]
            if not matches and not inside:
                continue
            text = full[s_start:s_end]
            if not sentence_allowed(sections, s_start, text, cfg):
                continue
            lo, hi = bisect_left(dx_starts, s_start), bisect_left(dx_starts, s_end)
            local = [(s - s_start, e - s_start, b) for s, e, b in dx[lo:hi] if e <= s_end]
            spans = [(s, e) for s, e, _b in local]
            sites = [m for m in merge_adjacent(text, matches) if not covered(spans, m.start, m.end)]
            found = (
                locate_sites(
                    text, sites, sentence_anchors(text, cfg, local), cfg, lat_words, (full, s_start)
                )
                if sites
                else []
            )
            found += sites_in_diagnoses(
                text, inside, index, cfg, lat_words, dx_index, (full, s_start)
            )
            for f in sorted(found, key=lambda f: f.start):
                out.append(
                    Candidate(self.name, s_start + f.start, s_start + f.end, f.value(), f.rule)
                )
        return out

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        """Negated sites ("without intraspinal extension") are not the lesion's."""
        return {"sites": summarize_sites([m.value for m in mentions if not m.assertion.negated])}


def summarize_sites(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unique by name, in order; the first laterality stated for each."""
    chosen: dict[str, dict[str, Any]] = {}
    for v in values:
        entry = chosen.setdefault(
            v["name"],
            {"name": v["name"], "laterality": None, "icdo3_topography": v.get("icdo3_topography")},
        )
        entry["laterality"] = entry["laterality"] or v.get("laterality")
    return list(chosen.values())


EXTRACTOR = SiteField()
