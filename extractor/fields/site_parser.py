"""Anatomic sites of one sentence: the pure parser of :mod:`extractor.fields.site`
(anchors, links between a site and the lesion it locates, laterality, adjacent sites
merged, sites named inside diagnoses), and its settings and finding types."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extractor.fields.diagnosis_roles import covered
from extractor.fields.vocabulary import (
    PhraseIndex,
    VocabEntry,
    VocabMatch,
    key_of,
    tokenize,
)
from extractor.fields.vocabulary_tokens import columns
from extractor.regex_scan import find_all
from extractor.rules import Rule

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
    anchors' starts and ends (sorted, for bisection). The 40 characters before the site
    are searched only for a site that links (most do not): both searches try every
    position of them."""
    link = _anchor_link(text, site, anchors, cfg, keys)
    if link is None:
        return None
    if _EARLIER_RE.search(text[max(0, site.start - 40) : site.start]):
        return None  # the site of an earlier (primary / previous) tumour
    if cfg.imaged and cfg.imaged.search(text[max(0, site.start - 40) : site.start]):
        return None  # the imaged region ("MRI of the lumbar spine showed a mass")
    return link


def _anchor_link(
    text: str,
    site: VocabMatch,
    anchors: list[Anchor],
    cfg: SiteConfig,
    keys: tuple[list[int], list[int]] | None,
) -> tuple[str, Anchor] | None:
    """The link rule of :func:`link_rule` before the earlier-tumour and imaged-region
    tests: the next anchor after a modifier gap, else the previous one through a
    preposition."""
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


def laterality_before(
    text: str, start: int, words: dict[str, str], doc: tuple[str, int] | None = None
) -> tuple[str, int] | None:
    """(laterality, offset of its word) among the last :data:`LATERALITY_TOKENS` tokens
    of the 80 characters of ``text`` before ``start`` (see :func:`window_tokens`);
    ``doc``: the document holding ``text`` and its offset there (its tokens are read
    from the document's columns)."""
    full, at = doc if doc is not None else (text, 0)
    starts, folded = window_tokens(full, at + start, at)
    for i in range(len(folded) - 1, -1, -1):
        if folded[i] in _LAT_STOP:
            return None
        for n in (2, 1):
            key = " ".join(folded[i : i + n])
            if key in words:
                return words[key], starts[i] - at
    return None


def window_tokens(text: str, start: int, lo: int = 0) -> tuple[Sequence[int], Sequence[str]]:
    """Starts (offsets into ``text``) and folded forms of the last
    :data:`LATERALITY_TOKENS` tokens of the window ``text[base:start]`` (``base``:
    ``start - 80``, at least ``lo``).

    Read from the columns of the whole ``text`` (a sentence or a document, tokenized
    once per document: :func:`~extractor.fields.vocabulary_tokens.columns`) instead of
    tokenizing the window, when they are the same tokens: no token of ``text`` crosses
    ``start`` (the token pattern then ends the window's last tokens where it ends
    them in ``text``: its only look-ahead, the ``\\b`` after "'s", sees a letter
    at ``start`` only inside a token crossing it), and the tokens taken start at or
    after white space touching ``base`` or, for a window cut inside a word, after the
    window's first space (from there on the pattern matches alike in both; before it,
    the cut may split a word). Otherwise the window is tokenized."""
    starts, ends, _raw, folded = columns(text)
    base = max(lo, start - 80)
    j = bisect_right(ends, start)
    if j == len(starts) or starts[j] >= start:
        if not base or text[base - 1].isspace() or text[base : base + 1].isspace():
            first = bisect_left(starts, base)
        else:
            gap = text.find(" ", base, start)
            first = bisect_left(starts, gap) if gap >= 0 else j
            if j - first < LATERALITY_TOKENS:
                first = -1
        if first >= 0:
            k = max(j - LATERALITY_TOKENS, first)
            return starts[k:j], folded[k:j]
    tokens = tokenize(text[base:start])[-LATERALITY_TOKENS:]
    return [t.start + base for t in tokens], [t.folded for t in tokens]


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
    doc: tuple[str, int] | None = None,
) -> list[SiteFinding]:
    """Lesion-locating sites of one sentence (offsets into it); ``doc``: the document
    text and the sentence's offset in it (see :func:`laterality_before`)."""
    out: list[SiteFinding] = []
    keys = ([a.start for a in anchors], [a.end for a in anchors])
    for site in sites:
        link = link_rule(text, site, anchors, cfg, keys)
        if link is None:
            continue
        rule, anchor = link
        lat = laterality_before(text, site.start, lat_words, doc)
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
    """``diagnosis_modifiers`` adjectives ("vertebral") in ``text[start:end]``; the site
    entry is looked up only for a word found (most diagnosis names hold none)."""
    out: list[VocabMatch] = []
    for word, canonical in cfg.diagnosis_modifiers:
        pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        found = list(pattern.finditer(text, start, end))
        entry = index.lookup(canonical) if found else None
        if entry is not None:
            out.extend(VocabMatch(m.start(), m.end(), entry, "modifier") for m in found)
    return out


def sites_in_diagnoses(
    text: str,
    finals: list[tuple[int, int]],
    index: PhraseIndex,
    cfg: SiteConfig,
    lat_words: dict[str, str],
    dx_index: PhraseIndex | None = None,
    doc: tuple[str, int] | None = None,
) -> list[SiteFinding]:
    """Sites written inside the name of a final diagnosis ("Intradural schwannoma",
    "vertebral haemangioma", "bilateral psoas abscesses"): the rest of the name after the
    site matches the ``in_diagnosis`` rule and is itself a diagnosis of ``dx_index`` (so
    "peripheral nerve sheath tumour" and "aneurysmal bone cyst" name no site); ``doc``:
    as for :func:`locate_sites`."""
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
            lat = laterality_before(text, site.start, lat_words, doc)
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
