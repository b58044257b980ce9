"""Mentions -> lesions: what each mention describes, and which lesion the report is about.

A case report can name several lesions of its patient: the spinal mass it is about,
the primary cancer of a metastasis, a kidney mass seen on the same scan. A registry
row is about one of them (the *index lesion*), so every lesion-level mention (site,
level, size, stain, diagnosis) is attached to the lesion it describes before the
summary is built. Cues and word lists are data (``rules/lesion_rules.json``).

Attachment (``attach``), for mentions the summary may use (patient sections and the
fallback sections; not negated, hypothetical or family; differentials excluded):

1. a mention with its own place has a *location*: a level is ``axial``; a site takes
   the region of its ``sites.csv`` row: bone, spinal canal, nervous system, soft
   tissue and skin are ``axial`` (the lesions this product is about), a visceral
   organ or a lymph node is its own location, one per ICD-O-3 topography category
   ("left upper lobe" and "lung" are both lung); a diagnosis whose text
   names a site ("a history of breast carcinoma") takes that site's location, unless
   it is the final diagnosis or a metastasis (``names_its_place``);
2. stains and final diagnoses describe the index lesion (``describes_the_case``) and
   stay unattached; any other mention (a size, another diagnosis) takes the location of the
   located mention of its clause (no ``clause_break`` between them), the nearest
   one after it first ("an 85 mm mass involving the right kidney and a 30 mm mass
   at L2": 85 mm goes with the kidney, 30 mm with L2), then the nearest one before
   it; else the nearest one in its sentence (sites inside its own text do not
   count);
3. a mention whose sentence names no place continues the sentence before when that
   one names a single place ("A 10-cm mass in the right liver lobe. A 1.5-cm mass was
   also found." -> liver); otherwise it is unattached.

Lesions are the locations found, one each. Roles (``why`` names the rule):

- ``index.only``: a single lesion is the index lesion (with no located mention at
  all, the index lesion's location is ``unspecified``);
- ``index.procedure`` / ``index.axial``: the axial lesion when there is one and it
  has a vertebral level, a procedure cue, or at least the evidence of any other
  lesion (this product reads reports about spinal, paraspinal, bone and soft-tissue
  masses; a visceral lesion beside such a lesion is the primary of a metastasis or an
  incidental finding), ``index.procedure`` when its sentences name a resection,
  biopsy or pathology;
- ``index.procedure``: no axial lesion -> the first lesion that was resected,
  biopsied or diagnosed by pathology;
- ``index.most_mentions``: otherwise the lesion with the most sizes, stains and
  diagnoses, then the most sites and levels (first mentioned on ties);
- ``metastasis.cue``: another lesion named with a metastasis cue ("metastases to the
  liver", a /6 diagnosis);
- ``primary.malignant``: when the index lesion is a metastasis (a metastasis cue
  near it, or a /6 diagnosis), the other lesion with a malignant (/3) diagnosis;
- ``other.rest``: every other lesion.

Unattached mentions describe the index lesion. The flat summary keys are computed
from the mentions of the index lesion plus the unattached ones, so a mention that
describes another lesion never fills the registry row.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from extractor.rules import RuleFileError, read_json_resource
from extractor.schema import FieldName, Lesion, LesionDiagnosis, LesionSize, Mention

AXIAL = "axial"
UNSPECIFIED = "unspecified"
_UNATTACHED = ""
LESION_FIELDS = frozenset(
    {FieldName.SITE, FieldName.LEVEL, FieldName.SIZE, FieldName.STAIN, FieldName.DIAGNOSIS}
)
_OWN_PLACE = frozenset({FieldName.SITE, FieldName.LEVEL})


@dataclass(frozen=True)
class LesionRules:
    axial_regions: frozenset[str]
    generic_morphology: frozenset[str]
    organs_by_subsite: frozenset[str]
    clause_break: re.Pattern[str]
    origin: re.Pattern[str]
    procedure: re.Pattern[str]
    metastasis: re.Pattern[str]


_RULE_KEYS = (
    "description",
    "axial_regions",
    "generic_morphology",
    "organs_by_subsite",
    "clause_break",
    "origin",
    "procedure_cue",
    "metastasis_cue",
    "examples",
)


def parse_lesion_rules(name: str, data: Any) -> LesionRules:
    """Validate the rule data; a problem raises :class:`RuleFileError` naming file and key."""
    if not isinstance(data, dict) or sorted(data) != sorted(_RULE_KEYS):
        raise RuleFileError(f"{name}: keys must be exactly {list(_RULE_KEYS)}")
    patterns: dict[str, re.Pattern[str]] = {}
    for key in ("clause_break", "origin", "procedure_cue", "metastasis_cue"):
        try:
            patterns[key] = re.compile(data[key], re.IGNORECASE)
        except (re.error, TypeError) as exc:
            raise RuleFileError(f"{name}: {key}: invalid regex: {exc}") from exc
        for example in data["examples"].get(key, []):
            if not patterns[key].search(example):
                raise RuleFileError(f"{name}: {key}: example does not match: {example!r}")
        for counter in data["examples"].get(f"{key}_counter", []):
            if patterns[key].search(counter):
                raise RuleFileError(f"{name}: {key}: counter-example matches: {counter!r}")
    return LesionRules(
        axial_regions=frozenset(data["axial_regions"]),
        generic_morphology=frozenset(data["generic_morphology"]),
        organs_by_subsite=frozenset(data["organs_by_subsite"]),
        clause_break=patterns["clause_break"],
        origin=patterns["origin"],
        procedure=patterns["procedure_cue"],
        metastasis=patterns["metastasis_cue"],
    )


@cache
def lesion_rules() -> LesionRules:
    return parse_lesion_rules(*read_json_resource("extractor", "lesion_rules.json"))


@cache
def _site_places() -> dict[str, tuple[str, str]]:
    """Site name -> (region, organ): the organ is the name of the site coded with the
    same ICD-O-3 topography category (Cnn) and subsite .9, else the first such site;
    in the categories of ``organs_by_subsite`` (C75: parathyroid, pituitary, ...) each
    subsite is an organ of its own."""
    from extractor.fields.vocabulary import by_canonical

    entries = by_canonical("sites.csv")
    several = lesion_rules().organs_by_subsite

    def organ_key(code: str) -> str:
        return code if code[:3] in several else code[:3]

    organs: dict[str, str] = {}
    for name, entry in entries.items():
        code = entry.get("icdo3_topography") or ""
        if code and (organ_key(code) not in organs or code.endswith(".9")):
            organs[organ_key(code)] = name
    places = {}
    for name, entry in entries.items():
        code = entry.get("icdo3_topography") or ""
        places[name] = (entry.get("region") or "", organs.get(organ_key(code), name))
    return places


def site_location(name: str) -> str:
    """``axial`` for bone, canal, neural, soft-tissue and skin sites; else the organ of
    the site ("left upper lobe" -> lung: one ICD-O-3 topography category, one place)."""
    region, organ = _site_places().get(name, ("", name))
    return AXIAL if not region or region in lesion_rules().axial_regions else organ


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
    return not (_is_metastatic(m.value) or lesion_rules().metastasis.search(m.text))


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


# ---------------------------------------------------------------- roles


def _is_metastatic(value: dict[str, Any]) -> bool:
    code = value.get("icdo3") or ""
    return code.endswith("/6") or "metasta" in (value.get("name") or "").lower()


def _cue_locations(
    text: str,
    pattern: re.Pattern[str],
    mentions: Sequence[Mention],
    att: Attachment,
    sentences: Sequence[tuple[int, int]],
) -> set[str]:
    """Locations nearest to a cue of ``pattern`` in the sentences holding located mentions;
    a place named after the cue through ``origin`` ("metastasis of prostate cancer",
    "metastases from the breast") is where the tumour came from, not the cue's place."""
    found: set[str] = set()
    origin = lesion_rules().origin
    for k in sorted(set(att.sentence[i] for i in att.location)):
        start, end = sentences[k] if sentences else (0, len(text))
        here = [i for i in att.location if att.sentence[i] == k]
        for cue in pattern.finditer(text, start, end):
            named = [
                i
                for i in here
                if not origin.match(text, cue.end(), max(mentions[i].start, cue.end()))
            ]
            if not named:
                continue
            nearest = min(
                named,
                key=lambda i: max(cue.start() - mentions[i].end, mentions[i].start - cue.end(), 0),
            )
            found.add(att.location[nearest])
    return found


def choose_index(
    places: list[str], counts: dict[str, int], procedure: set[str], spinal: bool = True
) -> tuple[str, str]:
    """(location, rule id) of the index lesion among ``places`` (first-mention order);
    ``spinal``: the axial lesion has a vertebral level."""
    if len(places) == 1:
        return places[0], "index.only"
    if AXIAL in places:
        if AXIAL in procedure:
            return AXIAL, "index.procedure"
        heaviest = max(counts.values())
        if spinal or counts[AXIAL] == heaviest:
            return AXIAL, "index.axial"
    done = [p for p in places if p in procedure]
    if done:
        return done[0], "index.procedure"
    return max(places, key=lambda p: (counts[p], -places.index(p))), "index.most_mentions"


@dataclass
class Roles:
    """location -> (role, rule id); whether the index lesion is a metastasis."""

    by_location: dict[str, tuple[str, str]] = field(default_factory=dict)
    index_metastatic: bool = False

    def find(self, role: str) -> str | None:
        return next((p for p, (r, _) in self.by_location.items() if r == role), None)


def assign_roles(
    text: str,
    mentions: Sequence[Mention],
    att: Attachment,
    sentences: Sequence[tuple[int, int]],
) -> Roles:
    """The role of every location attached to some mention (module docstring)."""
    rules = lesion_rules()
    places: list[str] = []
    for i in sorted(att.location, key=lambda i: mentions[i].start):
        if att.location[i] not in places:
            places.append(att.location[i])
    if not places:
        return Roles()
    counts = {p: 0 for p in places}
    for i, p in att.location.items():  # a size, stain or diagnosis outweighs any site
        counts[p] += 1 if mentions[i].field in _OWN_PLACE else len(mentions)
    procedure = _cue_locations(text, rules.procedure, mentions, att, sentences)
    metastatic = _cue_locations(text, rules.metastasis, mentions, att, sentences)
    for i in att.sentence:
        m = mentions[i]
        if m.field == FieldName.DIAGNOSIS and (
            _is_metastatic(m.value) or rules.metastasis.search(m.text)
        ):
            # an unattached diagnosis describes the index lesion (decided below)
            metastatic.add(att.location.get(i, _UNATTACHED))
    spinal = any(
        mentions[i].field == FieldName.LEVEL and mentions[i].value.get("levels")
        for i in att.location
    )
    index, why = choose_index(places, counts, procedure, spinal)
    if _UNATTACHED in metastatic:
        metastatic.add(index)
    roles = {index: ("index", why)}
    primary_done = index not in metastatic
    for place in places:
        if place == index:
            continue
        dx = [mentions[i].value for i, p in att.location.items() if p == place]
        malignant = any(str(v.get("icdo3") or "").endswith("/3") for v in dx)
        if not primary_done and malignant:
            roles[place], primary_done = ("primary", "primary.malignant"), True
        elif place in metastatic:
            roles[place] = ("metastasis", "metastasis.cue")
        else:
            roles[place] = ("other", "other.rest")
    return Roles(roles, index_metastatic=index in metastatic)


def metastasis_diagnosis(
    own: dict[str, Any] | None, primary: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """Rule ``final.metastasis_of_primary``: the final diagnosis of a metastatic index
    lesion whose own name is missing or generic (its morphology is in
    ``generic_morphology``) is the primary tumour's most specific histology (a generic
    one only when the index lesion has none), as a metastasis: "follicular thyroid
    carcinoma" 8330/3 -> "metastatic follicular thyroid carcinoma" 8330/6."""
    generic = lesion_rules().generic_morphology
    if own and (own.get("icdo3") or "")[:4] not in generic:
        return own
    coded = [v for v in primary if v.get("icdo3")]
    if not coded:
        return own
    best = max(coded, key=lambda v: (v["icdo3"][:4] not in generic, len(v.get("name") or "")))
    if own and best["icdo3"][:4] in generic:
        return own
    name = best["name"]
    if "metasta" not in name.lower():
        name = f"metastatic {name}"
    code = best["icdo3"][:4] + "/6"
    return {"name": name, "icdo3": code, "basis": (own or {}).get("basis") or best.get("basis")}


# ---------------------------------------------------------------- lesion entries


def lesion_values(members: list[Mention]) -> dict[str, Any]:
    """Summary values of one lesion from its own mentions (field summarize rules)."""
    from extractor.pipeline import field_extractor

    values: dict[str, Any] = {}
    for name in (FieldName.SITE, FieldName.LEVEL, FieldName.SIZE, FieldName.STAIN):
        own = [m for m in members if m.field == name]
        values.update(field_extractor(name).summarize(own) if own else {})
    values.update(size_details(members, values.get("size_max_mm")))
    dx = [m for m in members if m.field == FieldName.DIAGNOSIS]
    final = field_extractor(FieldName.DIAGNOSIS).summarize(dx).get("final_diagnosis")
    if final is None and dx:
        named = max(dx, key=lambda m: len(m.value.get("name") or ""))
        final = {k: named.value.get(k) for k in ("name", "icdo3", "basis")}
    values["final_diagnosis"] = final
    return values


def size_details(members: list[Mention], max_mm: float | None) -> dict[str, Any]:
    """What the chosen size measured, from the first size mention giving it."""
    for m in members:
        if m.field == FieldName.SIZE and max_mm is not None and m.value.get("max_mm") == max_mm:
            return {
                "size_measured_on": m.value.get("measured_on"),
                "size_measures": m.value.get("measures"),
            }
    return {}


def lesion_entry(
    role: str, location: str, why: str, values: dict[str, Any], indices: list[int]
) -> Lesion:
    size = None
    if values.get("size_max_mm") is not None:
        size = LesionSize(
            max_mm=values["size_max_mm"],
            dims_mm=values.get("size_dims_mm") or [],
            measured_on=values.get("size_measured_on"),
            measures=values.get("size_measures"),
        )
    diagnosis = None
    final = values.get("final_diagnosis")
    if final:
        code = final.get("icdo3") or ""
        morph, _, behaviour = code.partition("/")
        diagnosis = LesionDiagnosis(
            name=final["name"],
            icdo3=final.get("icdo3"),
            morphology=morph or None,
            behaviour=behaviour or None,
            basis=final.get("basis"),
        )
    return Lesion(
        role=role,
        location=location,
        why=why,
        sites=values.get("sites") or [],
        levels=values.get("levels") or [],
        size=size,
        diagnosis=diagnosis,
        stains=values.get("stains") or [],
        mentions=sorted(indices),
    )
