"""The lesion rules (``lesion_rules.json`` beside this module), validated on load, and
the place of a site: ``axial`` or the organ it belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractor.rules import RuleFileError, read_json_resource

AXIAL = "axial"


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
    return parse_lesion_rules(*read_json_resource("extractor.lesions", "lesion_rules.json"))


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
