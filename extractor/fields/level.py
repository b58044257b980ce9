"""Vertebral levels of the lesion.

Parser: :func:`parse_level_expression` turns "C6 to T2", "C6-T2", "T11-L1", "L4-5",
"L4/L5", "L5-S1", "L3, L4 and L5", "D12", "Th11" into a :class:`LevelValue` with the
levels expanded in spinal order (C1..C7, T1..T12, L1..L5, S1..S5, Co). Adjacent pairs
written with "/" or "-" are discs; other "-"/"to" pairs are ranges. Region words
("lumbar spinal canal", "cervicothoracic spine") give a region without levels.
Rejected by context rules (``rules/level_rules.json``): dermatomes and nerve roots,
MRI weighting ("T1-weighted", "hyperintense on T2"), TNM ("T2N0M0"), lab values
(complement C3/C4, free T4), and regions of imaging ("MRI of lumbo-sacral spine").

Summary rule: ordered union (spinal order) of the levels of patient-context level
mentions that are not negated, hypothetical, historical or about family.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate, drop_overlaps
from extractor.fields.numbers import ORDINALS
from extractor.fields.scope import in_patient_context
from extractor.rules import Rule, load_rules
from extractor.schema import FieldName, LevelValue, Mention
from extractor.tokenizer import doc_text

SPINE: tuple[str, ...] = (
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 6)),
    "Co",
)
POSITION = {name: i for i, name in enumerate(SPINE)}
REGION_OF = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral", "Co": "coccygeal"}
JUNCTIONS = {
    ("cervical", "thoracic"): "cervicothoracic",
    ("thoracic", "lumbar"): "thoracolumbar",
    ("lumbar", "sacral"): "lumbosacral",
}
REGION_WORDS = {
    "cervicothoracic": "cervicothoracic",
    "thoracolumbar": "thoracolumbar",
    "lumbosacral": "lumbosacral",
    "sacrococcygeal": "sacral",
    "cervical": "cervical",
    "thoracic": "thoracic",
    "dorsal": "thoracic",
    "lumbar": "lumbar",
    "sacral": "sacral",
    "coccygeal": "coccygeal",
}
_ITEM_RE = re.compile(r"(?P<prefix>Th|[CTDLS])?(?P<num>\d{1,2})")
_CONNECTOR_RE = re.compile(r"\s*(?P<conn>-|/|to|through|till|until|,|and|&)\s*")
_EXTRA_KEYS = frozenset({"kind", "scope", "applies_to", "target"})


def canonical_level(prefix: str, number: int) -> str | None:
    """('D', 12) -> 'T12'; None when the level does not exist (C8, L7)."""
    region = {"Th": "T", "D": "T"}.get(prefix, prefix)
    name = f"{region}{number}"
    return name if name in POSITION else None


def region_for(levels: list[str]) -> str | None:
    regions = []
    for level in levels:
        region = REGION_OF["Co" if level == "Co" else level[0]]
        if region not in regions:
            regions.append(region)
    if len(regions) == 1:
        return regions[0]
    if len(regions) == 2:
        return JUNCTIONS.get((regions[0], regions[1]))
    return None


def _tokens(expr: str) -> list[tuple[str, str]]:
    """'C6 to T2' -> [('item', 'C6'), ('conn', 'to'), ('item', 'T2')]."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        item = _ITEM_RE.match(expr, pos)
        if item and item.end() > pos:
            out.append(("item", item.group(0)))
            pos = item.end()
            continue
        conn = _CONNECTOR_RE.match(expr, pos)
        if not conn or conn.end() == pos:
            raise ValueError(f"unexpected text in level expression: {expr[pos:]!r}")
        out.append(("conn", conn.group("conn").lower()))
        pos = conn.end()
    return out


def parse_level_expression(expr: str) -> LevelValue | None:
    """Parse a level expression; None when any part is not a real level."""
    try:
        tokens = _tokens(expr.strip())
    except ValueError:
        return None
    levels: list[str] = []
    kind = "vertebra"
    prev_prefix = ""
    pending: str | None = None
    for tag, text in tokens:
        if tag == "conn":
            pending = text
            continue
        match = _ITEM_RE.fullmatch(text)
        prefix = match.group("prefix") or prev_prefix
        if not prefix:
            return None
        level = canonical_level(prefix, int(match.group("num")))
        if level is None:
            return None
        prev_prefix = {"Th": "T", "D": "T"}.get(prefix, prefix)
        if pending in ("-", "/", "to", "through", "till", "until") and levels:
            a, b = POSITION[levels[-1]], POSITION[level]
            if b <= a:
                return None
            if b == a + 1 and pending in ("-", "/"):
                kind = "disc" if kind == "vertebra" else kind
            else:
                kind = "range"
            levels.extend(SPINE[a + 1 : b + 1])
        else:
            levels.append(level)
        pending = None
    if pending is not None:
        return None
    ordered = sorted(set(levels), key=POSITION.__getitem__)
    return LevelValue(levels=ordered, kind=kind, region=region_for(ordered))


def parse_region(word: str) -> LevelValue | None:
    region = REGION_WORDS.get(word.lower().replace("-", ""))
    return LevelValue(levels=[], kind="region", region=region) if region else None


def parse_ordinal(ordinal: str, region_word: str) -> LevelValue | None:
    prefix = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}
    level = canonical_level(prefix[region_word.lower()], ORDINALS[ordinal.lower()])
    if level is None:
        return None
    return LevelValue(levels=[level], kind="vertebra", region=region_for([level]))


def _rules() -> list[Rule]:
    return load_rules("extractor.fields.rules", "level_rules.json", _EXTRA_KEYS)


def _applies(rule: Rule, target: str, expr: str) -> bool:
    applies_to = rule.options.get("applies_to")
    if applies_to == "region":
        return target == "region"
    if target == "region":
        return False
    if applies_to == "T1T2":
        items = set(re.findall(r"[A-Za-z]+\d+", expr))
        return bool(items) and items <= {"T1", "T2"}
    return True


def rejected_by(text: str, start: int, end: int, target: str) -> str | None:
    """The id of the first reject rule vetoing the match text[start:end], if any."""
    expr = text[start:end]
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    for rule in _rules():
        if rule.options.get("kind") != "reject" or not _applies(rule, target, expr):
            continue
        window = after if rule.options.get("scope") == "after" else before
        if rule.regex.search(window):
            return rule.id
    return None


def _value(rule: Rule, match: re.Match[str]) -> LevelValue | None:
    kind = rule.options.get("kind")
    if kind == "levels":
        return parse_level_expression(match.group(0))
    if kind == "region":
        return parse_region(match.group("region"))
    if kind == "ordinal":
        return parse_ordinal(match.group("ordinal"), match.group("region"))
    if kind == "coccyx":
        return LevelValue(levels=["Co"], kind="vertebra", region="coccygeal")
    return None


_LIST_SPLIT_RE = re.compile(r" ?, ?(?:and |& )?|,? (?:and|&) ")
_SPAN_CONNECTOR_RE = re.compile(r"-|/|\bto\b|\bthrough\b|\btill\b|\buntil\b")


def list_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split "L3-4 and L4-5" into its discs/ranges; keep "L3, L4 and L5" whole."""
    pieces, pos = [], start
    for sep in _LIST_SPLIT_RE.finditer(text, start, end):
        pieces.append((pos, sep.start()))
        pos = sep.end()
    pieces.append((pos, end))
    if len(pieces) > 1 and any(_SPAN_CONNECTOR_RE.search(text, a, b) for a, b in pieces):
        return pieces
    return [(start, end)]


def _matches(text: str, rule: Rule) -> list[tuple[int, int, LevelValue | None]]:
    out = []
    for match in rule.regex.finditer(text):
        start, end = match.start(), match.end()
        while end > start and text[end - 1] == " ":
            end -= 1
        if rule.options.get("kind") != "levels":
            out.append((start, end, _value(rule, match)))
            continue
        for a, b in list_parts(text, start, end):
            out.append((a, b, parse_level_expression(text[a:b])))
    return out


def find_levels(text: str) -> list[tuple[int, int, LevelValue, str]]:
    """(start, end, value, rule id) for every accepted level mention in ``text``."""
    found: list[tuple[int, int, LevelValue, str]] = []
    for rule in _rules():
        if rule.options.get("kind") == "reject":
            continue
        target = "region" if rule.options.get("kind") == "region" else "levels"
        for start, end, value in _matches(text, rule):
            if value is not None and not rejected_by(text, start, end, target):
                found.append((start, end, value, rule.id))
    return drop_overlaps(found)


class LevelField(BaseField):
    name = FieldName.LEVEL

    def find(self, doc: Doc) -> list[Candidate]:
        return [
            Candidate(self.name, s, e, value.model_dump(), rule)
            for s, e, value, rule in find_levels(doc_text(doc))
            if in_patient_context(doc, s)
        ]

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        levels: set[str] = set()
        for m in mentions:
            a = m.assertion
            if not (a.negated or a.hypothetical or a.historical or a.family):
                levels.update(m.value.get("levels", []))
        return {"levels": sorted(levels, key=POSITION.__getitem__)}


EXTRACTOR = LevelField()
