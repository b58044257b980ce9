"""Vertebral levels of the lesion.

Parser: :func:`parse_level_expression` turns "C6 to T2", "C6-T2", "T11-L1", "L4-5",
"L4/L5", "L5-S1", "L3, L4 and L5", "D12", "Th11", "C-1" into a :class:`LevelValue` with
the levels expanded in spinal order (C1..C7, T1..T12, L1..L5, S1..S5, Co). Adjacent pairs
written with "/" or "-" are discs; other "-"/"to" pairs are ranges. Region words
("lumbar spinal canal", "cervicothoracic spine") give a region without levels.

Phrasings with words inside (``rules/level_rules.json``): "from the level of C6 upper
body to T4", "C2 to the C4 level" (range), "between T8 and T10" (T8..T10; two adjacent
levels are a disc), "the fifth lumbar vertebra", "seventh cervical spine", "the twelfth
thoracic and first lumbar vertebrae", "the atlas" (C1), "the odontoid process" (C2).

Not lesion levels, vetoed by reject rules: dermatomes, sensory levels ("sensory level at
T10", "hypoaesthesia below T10") and nerve roots ("the L5 nerve root", "roots of C5 and
C6"); MRI weighting ("T1-weighted", "hyperintense on T2"); TNM ("T2N0M0", "staged T3");
lab values (complement C3/C4, free T4); regions of imaging ("MRI of lumbo-sacral spine");
levels said to be spared; oedema and alignment measures ("C2-C7 lordosis"); and the
levels of a surgical procedure or approach ("C5-T3 posterior fusion", "pedicle screws at
L3 and L5", "T3-T4 hemilaminectomy", "corpectomy of C5"). Surgical levels are left out
even when they are those of the lesion: a record takes a level only where the text
places the lesion there, so an approach never widens the lesion's extent. A list that is
split into parts ("the T2-3 and T3-4 discs were preserved") is vetoed as a whole too.

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
_ITEM_RE = re.compile(r"(?:(?P<prefix>Th|[CTDLS])-?)?(?P<num>\d{1,2})")
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


_REGION_PREFIX = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}
#: named vertebrae, keyed by the rule group name without a trailing digit ("axis2")
NAMED_LEVELS = {"atlas": "C1", "axis": "C2", "odontoid": "C2"}
COCCYX = LevelValue(levels=["Co"], kind="vertebra", region="coccygeal")


def _ordinal_item(ordinal: str, region_word: str) -> str | None:
    prefix = _REGION_PREFIX.get(region_word.lower())
    return canonical_level(prefix, ORDINALS[ordinal.lower()]) if prefix else None


def parse_ordinal(
    ordinal: str,
    region_word: str,
    ordinal2: str | None = None,
    region2: str | None = None,
    conn: str | None = None,
) -> LevelValue | None:
    """'fifth', 'lumbar' -> L5; with a second ordinal, 'first' 'and' 'second lumbar' ->
    L1, L2 and 'third' 'to' 'fifth lumbar' -> L3..L5 (the first takes the second's region
    when it has none)."""
    first = _ordinal_item(ordinal, region_word or region2 or "")
    second = _ordinal_item(ordinal2, region2 or region_word) if ordinal2 else None
    if first is None or (ordinal2 and second is None):
        return None
    if second is None:
        return parse_level_expression(first)
    joined = " and " if conn and conn.strip(" ,") in ("and", "or") else " to "
    return parse_level_expression(first + joined + second)


def parse_named(name: str) -> LevelValue | None:
    """'atlas' -> C1, 'axis'/'odontoid' -> C2, 'coccyx' -> Co."""
    key = name.rstrip("0123456789")
    return COCCYX if key == "coccyx" else parse_level_expression(NAMED_LEVELS[key])


def parse_span(a: str, conn: str, b: str) -> LevelValue | None:
    """Two levels with words around them: 'and' ("between T8 and T10") spans them like a
    hyphen (disc when adjacent), 'to'/'through' make a range."""
    return parse_level_expression(f"{a} {'-' if conn in ('and', '&') else 'to'} {b}")


def _rules() -> list[Rule]:
    return load_rules("extractor.fields.rules", "level_rules.json", _EXTRA_KEYS)


def _applies(rule: Rule, target: str, expr: str) -> bool:
    applies_to = rule.options.get("applies_to")
    if applies_to == "region":
        return target == "region"
    if target == "region":
        return False
    if applies_to == "hyphenated":
        return bool(re.search(r"[A-Za-z]-\d", expr))
    if applies_to in ("T1T2", "T1T4"):
        items = {m.replace("-", "") for m in re.findall(r"[A-Za-z]+-?\d+", expr)}
        allowed = {"T1", "T2"} if applies_to == "T1T2" else {"T1", "T2", "T3", "T4"}
        return bool(items) and items <= allowed
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
        groups = match.groupdict()
        return parse_ordinal(
            groups["ordinal"],
            groups.get("region") or "",
            groups.get("ordinal2"),
            groups.get("region2"),
            groups.get("conn"),
        )
    if kind == "span":
        return parse_span(match.group("a"), match.group("conn"), match.group("b"))
    if kind == "named":
        return parse_named(_named_group(match))
    return None


def _named_group(match: re.Match[str]) -> str:
    return next(name for name, value in match.groupdict().items() if value)


def _span(rule: Rule, match: re.Match[str]) -> tuple[int, int]:
    """The level expression only: 'C6 ... T4' of a span rule, 'atlas' of 'of the atlas'."""
    kind = rule.options.get("kind")
    if kind == "span":
        return match.start("a"), match.end("b")
    if kind == "named":
        return match.span(_named_group(match))
    return match.span()


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


def _matches(text: str, rule: Rule) -> list[tuple[int, int, LevelValue | None, tuple[int, int]]]:
    """(start, end, value, whole match span) of each match or, for lists, each part."""
    out = []
    for match in rule.finditer(text):  # a gated rule only runs where its gate is
        start, end = _span(rule, match)
        while end > start and text[end - 1] == " ":
            end -= 1
        if rule.options.get("kind") != "levels":
            out.append((start, end, _value(rule, match), (start, end)))
            continue
        for a, b in list_parts(text, start, end):
            out.append((a, b, parse_level_expression(text[a:b]), (start, end)))
    return out


def find_levels(text: str) -> list[tuple[int, int, LevelValue, str]]:
    """(start, end, value, rule id) for every accepted level mention in ``text``."""
    found: list[tuple[int, int, LevelValue, str]] = []
    for rule in _rules():
        if rule.options.get("kind") == "reject":
            continue
        target = "region" if rule.options.get("kind") == "region" else "levels"
        for start, end, value, whole in _matches(text, rule):
            if value is None or rejected_by(text, start, end, target):
                continue
            if whole != (start, end) and rejected_by(text, *whole, target):
                continue
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
