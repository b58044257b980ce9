"""The code tables of the registry exports (``registry_codes.json`` beside this module).

The NAACCR part names every dictionary item the NAACCR export writes, with the
dictionary's number, parent element, length, data type and padding, and the code values
it uses; the FHIR part names the mCODE profiles, code systems and codes. The data is
read once and checked for the keys the exports use, so a broken edit fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from extractor.rules import RuleFileError, read_json_resource

_NAACCR_KEYS = (
    "specification_version",
    "base_dictionary_uri",
    "namespace",
    "record_type",
    "extension_namespace",
    "items",
    "codes",
    "paired_sites",
)
_FHIR_KEYS = (
    "base_url",
    "profiles",
    "extensions",
    "systems",
    "unknown_primary_site",
    "tumour_size",
    "laterality",
    "stain_result",
)
_ITEM_KEYS = {"num", "parent", "length", "type", "padding"}


@dataclass(frozen=True)
class ItemDef:
    """One NAACCR dictionary item as the export writes it."""

    naaccr_id: str
    num: int
    parent: str
    length: int
    type: str
    padding: str | None = None


def parse_registry_codes(name: str, data: Any) -> dict[str, Any]:
    """Check the code table has what the exports read; a problem raises
    :class:`RuleFileError` naming the file and the key."""
    for section, keys in (("naaccr", _NAACCR_KEYS), ("fhir", _FHIR_KEYS)):
        part = data.get(section) if isinstance(data, dict) else None
        missing = [k for k in keys if not isinstance(part, dict) or k not in part]
        if missing:
            raise RuleFileError(f"{name}: {section}: missing keys {missing}")
    for item, spec in data["naaccr"]["items"].items():
        if not isinstance(spec, dict) or not {"num", "parent", "length", "type"} <= set(spec):
            raise RuleFileError(f"{name}: item {item}: needs num, parent, length and type")
        if set(spec) - _ITEM_KEYS:
            raise RuleFileError(f"{name}: item {item}: keys must be among {sorted(_ITEM_KEYS)}")
    return data


@cache
def registry_codes() -> dict[str, Any]:
    return parse_registry_codes(*read_json_resource("extractor.export", "registry_codes.json"))


def naaccr_codes() -> dict[str, Any]:
    return registry_codes()["naaccr"]


def fhir_codes() -> dict[str, Any]:
    return registry_codes()["fhir"]


@cache
def naaccr_items() -> dict[str, ItemDef]:
    """naaccrId -> :class:`ItemDef`, in the order the export writes them."""
    return {
        item: ItemDef(
            item, spec["num"], spec["parent"], spec["length"], spec["type"], spec.get("padding")
        )
        for item, spec in naaccr_codes()["items"].items()
    }


def registry_behaviour(behaviour: str | None) -> str | None:
    """The ICD-O-3 behaviour a registry gives a primary tumour: a metastasis (/6) or a
    tumour of uncertain primary or metastatic origin (/9) is coded 3; None if unknown."""
    return naaccr_codes()["codes"]["behaviour"].get(behaviour or "")
