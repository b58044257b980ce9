"""Which lesion is the index lesion, the primary, a metastasis or another lesion
(the role rules of :mod:`extractor.lesions`), and the final diagnosis of a
metastatic index lesion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.lesions.attach import OWN_PLACE, UNATTACHED, Attachment, is_metastatic
from extractor.lesions.rules import AXIAL, lesion_rules
from extractor.schema import FieldName, Mention


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
    metastatic = _cue_locations(text, rules.metastasis, mentions, att, sentences)
    for i in att.sentence:
        m = mentions[i]
        if m.field == FieldName.DIAGNOSIS and (
            is_metastatic(m.value) or rules.metastasis.search(m.text)
        ):
            # an unattached diagnosis describes the index lesion (decided below)
            metastatic.add(att.location.get(i, UNATTACHED))
    index, why = _index_of(text, mentions, att, sentences, places)
    if UNATTACHED in metastatic:
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


def _index_of(
    text: str,
    mentions: Sequence[Mention],
    att: Attachment,
    sentences: Sequence[tuple[int, int]],
    places: list[str],
) -> tuple[str, str]:
    """:func:`choose_index` of ``places``; its evidence (mention counts, procedure cues,
    vertebral levels) is gathered only when there are several lesions to choose from."""
    if len(places) == 1:
        return places[0], "index.only"
    counts = {p: 0 for p in places}
    for i, p in att.location.items():  # a size, stain or diagnosis outweighs any site
        counts[p] += 1 if mentions[i].field in OWN_PLACE else len(mentions)
    procedure = _cue_locations(text, lesion_rules().procedure, mentions, att, sentences)
    spinal = any(
        mentions[i].field == FieldName.LEVEL and mentions[i].value.get("levels")
        for i in att.location
    )
    return choose_index(places, counts, procedure, spinal)


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
