"""One lesion's summary values from its own mentions, and its schema entry."""

from __future__ import annotations

from typing import Any

from extractor.schema import FieldName, Lesion, LesionDiagnosis, LesionSize, Mention


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
