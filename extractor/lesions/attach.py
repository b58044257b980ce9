"""Which lesion each mention describes: its own place, or the place of its clause,
its sentence or the sentence before (rules 1-3 of :mod:`extractor.lesions`)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractor.lesions.rules import AXIAL, lesion_rules, site_location
from extractor.schema import FieldName, Mention

LESION_FIELDS = frozenset(
    {FieldName.SITE, FieldName.LEVEL, FieldName.SIZE, FieldName.STAIN, FieldName.DIAGNOSIS}
)
OWN_PLACE = frozenset({FieldName.SITE, FieldName.LEVEL})
#: the location key of mentions that describe the index lesion by default
UNATTACHED = ""


def own_location(m: Mention, sites: Sequence[tuple[int, Mention]]) -> str | None:
    if m.field == FieldName.LEVEL:
        return AXIAL
    if m.field == FieldName.SITE:
        return site_location(m.value.get("name", ""))
    if m.field == FieldName.DIAGNOSIS and names_its_place(m):
        inside = [s for _, s in sites if m.start <= s.start and s.end <= m.end]
        if inside:
            return site_location(inside[0].value.get("name", ""))
        named = site_in_name(m.text)
        return site_location(named) if named else None
    return None


def names_its_place(m: Mention) -> bool:
    """An organ inside a diagnosis places it ("a history of breast cancer"), unless the
    diagnosis is the case's final one or a metastasis: then the organ names where the
    tumour came from, not where this lesion is ("metastatic adenocarcinoma of the
    prostate" found in the conus)."""
    if m.value.get("role") == "final":
        return False
    return not (is_metastatic(m.value) or lesion_rules().metastasis.search(m.text))


def site_in_name(text: str) -> str | None:
    """The ``sites.csv`` entry named inside a diagnosis ("breast carcinoma" -> breast)."""
    from extractor.fields.vocabulary import phrase_index

    found = phrase_index("sites.csv").find(text)
    return found[0].canonical if found else None


def usable(m: Mention) -> bool:
    """A mention that may describe a lesion of the patient."""
    a = m.assertion
    if m.field not in LESION_FIELDS or a.negated or a.hypothetical or a.family:
        return False
    return not (m.field == FieldName.DIAGNOSIS and m.value.get("role") == "differential")


def _sentence_of(starts: list[int], pos: int) -> int:
    return max(bisect_right(starts, pos) - 1, 0)


def _distance(a: Mention, b: Mention) -> int:
    return max(a.start - b.end, b.start - a.end, 0)


@dataclass
class Attachment:
    """Location of each attached mention (by index); sentence index of each mention."""

    location: dict[int, str] = field(default_factory=dict)
    sentence: dict[int, int] = field(default_factory=dict)


def nearest_place(text: str, mentions: Sequence[Mention], i: int, near: list[int]) -> int | None:
    """Rule 2: the located mention ``i`` goes with: the nearest one after it in the same
    clause ("a 30 mm mass at L2"), else the nearest one before it in the same clause
    ("the kidney mass measured 85 mm"), else the nearest one in the sentence."""
    m = mentions[i]
    clause = lesion_rules().clause_break

    def same_clause(j: int) -> bool:
        o = mentions[j]
        gap = text[m.end : o.start] if o.start >= m.end else text[o.end : m.start]
        return not clause.search(gap)

    after = [j for j in near if mentions[j].start >= m.end and same_clause(j)]
    if after:
        return min(after, key=lambda j: mentions[j].start)
    before = [j for j in near if mentions[j].end <= m.start and same_clause(j)]
    if before:
        return max(before, key=lambda j: mentions[j].end)
    if not near:
        return None
    return min(near, key=lambda j: (_distance(m, mentions[j]), -mentions[j].start))


def attach(
    text: str,
    mentions: Sequence[Mention],
    candidates: Sequence[int],
    sentences: Sequence[tuple[int, int]],
) -> Attachment:
    """Rules 1-2 of the module docstring over the mentions at ``candidates``."""
    starts = [s for s, _ in sentences] or [0]
    out = Attachment()
    sites = [(i, mentions[i]) for i in candidates if mentions[i].field == FieldName.SITE]
    for i in candidates:
        out.sentence[i] = _sentence_of(starts, mentions[i].start)
        place = own_location(mentions[i], sites)
        if place is not None:
            out.location[i] = place
    located = list(out.location)
    for i in candidates:
        if i in out.location:
            continue
        m, k = mentions[i], out.sentence[i]
        if describes_the_case(m):
            continue
        here = [j for j in located if out.sentence[j] == k and not _inside(mentions[j], m)]
        j = nearest_place(text, mentions, i, here)
        if j is not None:
            out.location[i] = out.location[j]
            continue
        before = {out.location[j] for j in located if out.sentence[j] == k - 1}
        if len(before) == 1:  # rule 3: the one lesion of the sentence before
            out.location[i] = before.pop()
    return out


def describes_the_case(m: Mention) -> bool:
    """Stains and the final diagnosis describe the specimen the case was diagnosed on,
    the index lesion: a site named beside them ("CK20+, CK7-, pointing to a colon
    origin") does not move them to another lesion."""
    if m.field == FieldName.STAIN:
        return True
    return m.field == FieldName.DIAGNOSIS and m.value.get("role") == "final"


def _inside(inner: Mention, outer: Mention) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def is_metastatic(value: dict) -> bool:
    code = value.get("icdo3") or ""
    return code.endswith("/6") or "metasta" in (value.get("name") or "").lower()
