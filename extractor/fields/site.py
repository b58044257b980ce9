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
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate
from extractor.fields.diagnosis import FRONT_MATTER_SKIP_RE, diagnosis_mentions
from extractor.fields.diagnosis_match import default_index as default_dx_index
from extractor.fields.diagnosis_roles import covered
from extractor.fields.scope import PATIENT_REFERENCE_RE
from extractor.fields.vocabulary import (
    PhraseIndex,
    VocabEntry,
    VocabMatch,
    VocabularyError,
    key_of,
    laterality_words,
    phrase_index,
    prime_columns,
    tokenize,
)
from extractor.regex_scan import find_all, find_first
from extractor.rules import Rule, load_rules
from extractor.schema import FieldName, Mention, SectionKind
from extractor.sections import SectionSpan, section_at
from extractor.tokenizer import doc_text

RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "site_rules.json"
LATERALITY_TOKENS = 6
_LAT_STOP = frozenset({",", ";", ":", "and", "or", "with", "to", "in"})
_AFTER_LAT_RE = re.compile(
    r"[\s,]{0,3}(?:on|to)\s+the\s+(right|left)(?:\s+side)?\b(?!\s+(?:side\s+)?of\b)", re.IGNORECASE
)
_REGION_RE = re.compile(
    r"\b(?:cervical|thoracic|lumbar|sacral|cervicothoracic|thoracolumbar|lumbosacral|[CTLS]\d{1,2})"
    r"\s+$"
)
ANCHOR_ROLES = frozenset({"final", "differential"})


@dataclass(frozen=True)
class SiteConfig:
    before: Rule
    after: Rule
    anchor: re.Pattern[str]
    blocking: re.Pattern[str]
    general: re.Pattern[str]
    not_modifiers: frozenset[str]
    inside: Rule | None = None
    imaged: re.Pattern[str] | None = None
    diagnosis_modifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SiteFinding:
    start: int
    end: int
    name: str
    laterality: str | None
    icdo3_topography: str | None
    rule: str

    def value(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "laterality": self.laterality,
            "icdo3_topography": self.icdo3_topography,
        }


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


# ---------------------------------------------------------------- pure parser


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    blocks: bool = False  # a comorbidity / general diagnosis: ends the search


def sentence_anchors(
    text: str, cfg: SiteConfig, diagnoses: list[tuple[int, int, bool]]
) -> list[Anchor]:
    """Anchor words plus diagnosis spans (``blocks`` for non-index diagnoses)."""
    found = [Anchor(s, e, blocks) for s, e, blocks in diagnoses]
    spans = sorted((s, e) for s, e, _b in diagnoses)
    for m in find_all(cfg.anchor, text):  # first-character scan: extractor.regex_scan
        if not covered(spans, m.start(), m.end()):
            found.append(Anchor(m.start(), m.end()))
    return sorted(found, key=lambda a: a.start)


def link_rule(
    text: str,
    site: VocabMatch,
    anchors: list[Anchor],
    cfg: SiteConfig,
    keys: tuple[list[int], list[int]] | None = None,
) -> tuple[str, Anchor] | None:
    """(rule id, anchor) linking the site to a lesion anchor, else None. ``keys`` are the
    anchors' starts and ends (sorted, for bisection)."""
    if _EARLIER_RE.search(text[max(0, site.start - 40) : site.start]):
        return None  # the site of an earlier (primary / previous) tumour
    if cfg.imaged and cfg.imaged.search(text[max(0, site.start - 40) : site.start]):
        return None  # the imaged region ("MRI of the lumbar spine showed a mass")
    starts, ends = keys or ([a.start for a in anchors], [a.end for a in anchors])
    i = bisect_left(starts, site.end)
    nxt = anchors[i : i + 1]
    if (
        nxt
        and not nxt[0].blocks
        and " ".join(key_of(text[site.start : site.end])) not in cfg.not_modifiers
    ):
        gap = text[site.end : nxt[0].start]
        if (
            len(gap) <= 60
            and "," not in gap
            and not _VERB_RE.search(gap)
            and cfg.before.regex.fullmatch(gap)
            and not cfg.blocking.search(gap)
        ):
            return cfg.before.id, nxt[0]
    j = bisect_right(ends, site.start)
    prev = anchors[max(0, j - 1) : j]
    if prev and not prev[-1].blocks:
        gap = text[prev[-1].end : site.start]
        if (
            len(gap) <= 80
            and ";" not in gap
            and cfg.after.regex.search(gap)
            and not cfg.blocking.search(gap)
        ):
            return cfg.after.id, prev[-1]
    return None


def laterality_before(text: str, start: int, words: dict[str, str]) -> tuple[str, int] | None:
    """(laterality, offset of its word) among the tokens right before ``start``."""
    tokens = tokenize(text[max(0, start - 80) : start])
    base = max(0, start - 80)
    tokens = tokens[-LATERALITY_TOKENS:]
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].folded in _LAT_STOP:
            return None
        for n in (2, 1):
            key = " ".join(t.folded for t in tokens[i : i + n])
            if key in words:
                return words[key], base + tokens[i].start
    return None


_SPAN_FILLERS = frozenset(
    "side sided aspect lateral medial posterior anterior of the her his its part portion half "
    "region".split()
)
_LEVEL_TOKEN_RE = re.compile(r"[ctls]\d{1,2}")


def span_start(text: str, start: int, lat_pos: int | None) -> int:
    """Site span start, widened to a laterality word or region adjective before it when
    only filler words ("side of her", "lateral aspect of the L2") stand between."""
    if lat_pos is not None:
        between = tokenize(text[lat_pos:start])[1:]
        if all(
            t.folded in _SPAN_FILLERS or t.raw == "." or _LEVEL_TOKEN_RE.fullmatch(t.folded)
            for t in between
        ):
            return lat_pos
    m = _REGION_RE.search(text[max(0, start - 20) : start])
    return max(0, start - 20) + m.start() if m else start


_VERB_RE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|showed|shows|demonstrated|demonstrates|"
    r"revealed|reveals|disclosed)\b",
    re.IGNORECASE,
)


def merge_adjacent(text: str, sites: list[VocabMatch]) -> list[VocabMatch]:
    """Adjacent sites ("paraspinal" + "subcutaneous fat") are one site named as written,
    with the first coded part's topography; after an uncoded shape or position word
    ("dumbbell-shaped intraspinal") the site is the coded part's."""
    out: list[VocabMatch] = []
    for site in sites:
        if out and not text[out[-1].end : site.start].strip(" -"):
            prev = out[-1]
            if not prev.entry.get("icdo3_topography") and site.entry.get("icdo3_topography"):
                # a shape or position word without tissue ("dumbbell-shaped intraspinal")
                out[-1] = VocabMatch(prev.start, site.end, site.entry, "merged")
                continue
            name = " ".join(text[prev.start : site.end].lower().split())
            code = prev.entry.get("icdo3_topography") or site.entry.get("icdo3_topography")
            entry = VocabEntry(name, (name,), (), {"icdo3_topography": code or ""})
            out[-1] = VocabMatch(prev.start, site.end, entry, "merged")
        else:
            out.append(site)
    return out


_EARLIER_RE = re.compile(
    r"\b(?:(?:the|a|an|her|his|its)\s+primary|previous|prior|former)\s+(?:[\w-]+\s+){0,2}$", re.I
)


def locate_sites(
    text: str,
    sites: list[VocabMatch],
    anchors: list[Anchor],
    cfg: SiteConfig,
    lat_words: dict[str, str],
) -> list[SiteFinding]:
    """Lesion-locating sites of one sentence (offsets into it)."""
    out: list[SiteFinding] = []
    keys = ([a.start for a in anchors], [a.end for a in anchors])
    for site in sites:
        link = link_rule(text, site, anchors, cfg, keys)
        if link is None:
            continue
        rule, anchor = link
        lat = laterality_before(text, site.start, lat_words)
        laterality = lat[0] if lat else None
        if laterality is None and anchor.start >= site.end:
            m = _AFTER_LAT_RE.match(text, anchor.end)
            laterality = m.group(1).lower() if m else None
        if (
            laterality is None
            and out
            and cfg.before.regex.fullmatch(text[out[-1].end : site.start])
        ):
            laterality = out[-1].laterality
        start = span_start(text, site.start, lat[1] if lat else None)
        out.append(
            SiteFinding(
                start,
                site.end,
                site.canonical,
                laterality,
                site.entry.get("icdo3_topography"),
                rule,
            )
        )
    return out


def _modifier_matches(
    text: str, start: int, end: int, index: PhraseIndex, cfg: SiteConfig
) -> list[VocabMatch]:
    """``diagnosis_modifiers`` adjectives ("vertebral") in ``text[start:end]``."""
    out: list[VocabMatch] = []
    for word, canonical in cfg.diagnosis_modifiers:
        entry = index.lookup(canonical)
        pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        for m in pattern.finditer(text, start, end):
            if entry is not None:
                out.append(VocabMatch(m.start(), m.end(), entry, "modifier"))
    return out


def sites_in_diagnoses(
    text: str,
    finals: list[tuple[int, int]],
    index: PhraseIndex,
    cfg: SiteConfig,
    lat_words: dict[str, str],
    dx_index: PhraseIndex | None = None,
) -> list[SiteFinding]:
    """Sites written inside the name of a final diagnosis ("Intradural schwannoma",
    "vertebral haemangioma", "bilateral psoas abscesses"): the rest of the name after the
    site matches the ``in_diagnosis`` rule and is itself a diagnosis of ``dx_index`` (so
    "peripheral nerve sheath tumour" and "aneurysmal bone cyst" name no site)."""
    if cfg.inside is None:
        return []
    out: list[SiteFinding] = []
    for d_start, d_end in finals:
        found = list(index.find(text[d_start:d_end]))
        found = [VocabMatch(m.start + d_start, m.end + d_start, m.entry, m.how) for m in found]
        found += _modifier_matches(text, d_start, d_end, index, cfg)
        for site in sorted(found, key=lambda m: m.start):
            rest = text[site.end : d_end]
            if not cfg.inside.regex.match(rest) or (
                dx_index is not None and dx_index.lookup(rest.strip(" -")) is None
            ):
                continue
            lat = laterality_before(text, site.start, lat_words)
            out.append(
                SiteFinding(
                    span_start(text, site.start, lat[1] if lat else None),
                    site.end,
                    site.canonical,
                    lat[0] if lat else None,
                    site.entry.get("icdo3_topography"),
                    cfg.inside.id,
                )
            )
    return out


# ---------------------------------------------------------------- component


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    if doc.has_annotation("SENT_START"):
        return [(s.start_char, s.end_char) for s in doc.sents]
    return [(0, len(doc_text(doc)))]


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
        sentences = _sentences(doc)
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
                locate_sites(text, sites, sentence_anchors(text, cfg, local), cfg, lat_words)
                if sites
                else []
            )
            found += sites_in_diagnoses(text, inside, index, cfg, lat_words, dx_index)
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
