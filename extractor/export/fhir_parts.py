"""The resources of a report's FHIR bundle (see :mod:`extractor.export.fhir`), as FHIR
JSON dicts; :func:`resource_model` validates one with its ``fhir.resources`` R4B model."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any

from fhir.resources.R4B import FHIRAbstractModel, get_fhir_model_class

from extractor.export.codes import fhir_codes, registry_behaviour
from extractor.export.tumours import Tumour, patient_evidence, split_icdo3
from extractor.schema import Record

Json = dict[str, Any]
_CODES = fhir_codes()
BASE = _CODES["base_url"]
OFFSETS_URL = f"{BASE}/StructureDefinition/source-offsets"
MARKER_SYSTEM = f"{BASE}/CodeSystem/markers"
REPORT_ID_SYSTEM = f"{BASE}/report-id"
SHA256_SYSTEM = f"{BASE}/sha256"
_SYSTEMS = _CODES["systems"]


class Ids:
    """Deterministic ids and ``urn:uuid`` full URLs of one report's resources."""

    def __init__(self, report_id: str) -> None:
        self.report_id = report_id

    def id(self, key: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/{self.report_id}/{key}"))

    def url(self, key: str) -> str:
        return f"urn:uuid:{self.id(key)}"

    def ref(self, key: str) -> Json:
        return {"reference": self.url(key)}


def resource_model(resource: Json) -> FHIRAbstractModel:
    """``resource`` validated by its R4B model (raises pydantic's ValidationError)."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def offsets(record: Record, indices: Iterable[int]) -> list[Json]:
    """One source-offsets extension per mention index."""
    out = []
    for i in indices:
        m = record.mentions[i]
        out.append(
            {
                "url": OFFSETS_URL,
                "extension": [
                    {"url": "start", "valueInteger": m.start},
                    {"url": "end", "valueInteger": m.end},
                    {"url": "mention", "valueInteger": i},
                    {"url": "field", "valueCode": m.field.value},
                ],
            }
        )
    return out


def _coding(system: str, code: str, display: str | None = None) -> Json:
    coding = {"system": _SYSTEMS[system], "code": code}
    return coding | ({"display": display} if display else {})


def _concept(*codings: Json, text: str | None = None) -> Json:
    concept: Json = {"coding": list(codings)} if codings else {}
    return concept | ({"text": text} if text else {})


# ---------------------------------------------------------------- patient, document


def patient_resource(record: Record, ids: Ids) -> Json:
    return {
        "resourceType": "Patient",
        "id": ids.id("patient"),
        "meta": {"profile": [_CODES["profiles"]["patient"]]},
        "extension": offsets(record, patient_evidence(record)["sex"]),
        "identifier": [{"system": REPORT_ID_SYSTEM, "value": record.report_id}],
        "gender": record.summary.sex or "unknown",
    }


def document_resource(record: Record, ids: Ids) -> Json:
    """The source report; its evidence is the whole text."""
    whole = {
        "url": OFFSETS_URL,
        "extension": [
            {"url": "start", "valueInteger": 0},
            {"url": "end", "valueInteger": record.source.n_chars},
        ],
    }
    return {
        "resourceType": "DocumentReference",
        "id": ids.id("document"),
        "extension": [whole],
        "masterIdentifier": {"system": SHA256_SYSTEM, "value": record.source.sha256},
        "identifier": [{"system": REPORT_ID_SYSTEM, "value": record.report_id}],
        "status": "current",
        "subject": ids.ref("patient"),
        "description": f"case report {record.report_id}",
        "content": [
            {
                "attachment": {
                    "contentType": f"text/plain; charset={record.source.encoding}",
                    "title": record.source.path,
                }
            }
        ],
    }


# ---------------------------------------------------------------- conditions


def onset_age(age_years: float | None) -> Json | None:
    """UCUM age: years from one year on, months under one year, days under one month."""
    if age_years is None or age_years < 0:
        return None
    if age_years >= 1:
        value, unit, code = age_years, "years", "a"
    elif age_years * 12 >= 1:
        value, unit, code = round(age_years * 12, 1), "months", "mo"
    else:
        value, unit, code = round(age_years * 365.25), "days", "d"
    value = int(value) if float(value).is_integer() else value
    return {"value": value, "unit": unit, "system": _SYSTEMS["ucum"], "code": code}


def condition_code(t: Tumour) -> tuple[Json | None, Json | None]:
    """(code, ICD-O-3 morphology coding): a primary is coded with its registry behaviour."""
    morph, behaviour = split_icdo3(t.icdo3)
    if morph is None:
        return (_concept(text=t.name) if t.name else None), None
    if t.kind == "primary":
        behaviour = registry_behaviour(behaviour) or behaviour
    coding = _coding("icdo3", f"{morph}/{behaviour}")
    return _concept(coding, text=t.name), coding


def body_site(t: Tumour) -> list[Json]:
    if t.topography is None:
        if t.kind == "primary" and t.lesion is None:
            unknown = _CODES["unknown_primary_site"]
            return [_concept(_coding("icdo3", unknown["code"], unknown["display"]))]
        return []
    site = _concept(_coding("icdo3", t.topography), text=t.site.name if t.site else None)
    side = t.site.laterality if t.site else None
    if side:
        known = _CODES["laterality"].get(side)
        value = (
            _concept(_coding("snomed", known["code"], known["display"]), text=side)
            if known
            else _concept(text=side)
        )
        site["extension"] = [
            {"url": _CODES["extensions"]["laterality"], "valueCodeableConcept": value}
        ]
    return [site]


def _mcode_extensions(
    t: Tumour, ids: Ids, morphology: Json | None, primary_key: str | None
) -> list[Json]:
    """mCODE's histology extension (a cancer with a code) and, for a metastasis, the
    related-primary extension."""
    out = []
    if morphology is not None and t.kind in ("primary", "secondary"):
        histology = {"valueCodeableConcept": _concept(morphology)}
        out.append({"url": _CODES["extensions"]["histology"], **histology})
    if t.kind == "secondary" and primary_key:
        related = {"valueReference": ids.ref(f"condition-{primary_key}")}
        out.append({"url": _CODES["extensions"]["related_primary"], **related})
    return out


def condition_resource(record: Record, t: Tumour, ids: Ids, primary_key: str | None) -> Json:
    """The Condition of one tumour (see :mod:`extractor.export.fhir`)."""
    code, morphology = condition_code(t)
    age = onset_age(record.summary.age_years) if t.at_presentation else None
    evidence = {*t.diagnosis_mentions, *t.site_mentions}
    evidence |= set(patient_evidence(record)["age"]) if age is not None else set()
    resource: Json = {
        "resourceType": "Condition",
        "id": ids.id(f"condition-{t.key}"),
        "extension": _mcode_extensions(t, ids, morphology, primary_key)
        + offsets(record, sorted(evidence)),
        "subject": ids.ref("patient"),
    }
    if t.kind == "secondary" or (t.kind == "primary" and morphology is not None):
        resource["meta"] = {"profile": [_CODES["profiles"][t.kind]]}
    if code is None and t.kind == "secondary":
        code = _concept(text="metastasis")
    sites = body_site(t)
    resource |= {"code": code} if code else {}
    resource |= {"bodySite": sites} if sites else {}
    resource |= {"onsetAge": age} if age else {}
    return resource


# ---------------------------------------------------------------- observations


def _quantity_mm(value: float) -> Json:
    value = int(value) if float(value).is_integer() else value
    return {"value": value, "unit": "mm", "system": _SYSTEMS["ucum"], "code": "mm"}


def size_observation(record: Record, t: Tumour, ids: Ids) -> Json:
    """mCODE TumorSize: the longest dimension, then the other dimensions."""
    assert t.size is not None
    spec = _CODES["tumour_size"]
    dims = list(t.size.dims_mm)
    if t.size.max_mm in dims:
        dims.remove(t.size.max_mm)
    components = [
        {
            "code": _concept(_coding("loinc", **spec["longest"])),
            "valueQuantity": _quantity_mm(t.size.max_mm),
        }
    ] + [
        {"code": _concept(_coding("loinc", **spec["other"])), "valueQuantity": _quantity_mm(d)}
        for d in dims
    ]
    resource: Json = {
        "resourceType": "Observation",
        "id": ids.id(f"size-{t.key}"),
        "meta": {"profile": [_CODES["profiles"]["tumour_size"]]},
        "extension": offsets(record, t.size_mentions),
        "status": "final",
        "code": _concept(_coding("loinc", **spec["code"])),
        "subject": ids.ref("patient"),
        "focus": [ids.ref(f"condition-{t.key}")],
        "component": components,
    }
    if t.size.measured_on:
        resource["method"] = _concept(text=f"measured on the {t.size.measured_on}")
    return resource


@cache
def _vocabulary_markers() -> frozenset[str]:
    from extractor.fields.vocabulary import by_canonical

    return frozenset(by_canonical("markers.csv"))


def stain_observation(record: Record, t: Tumour, n: int, ids: Ids) -> Json:
    """mCODE TumorMarkerTest: the ``n``-th stain of the lesion and its result."""
    stain, evidence = t.stains[n]
    codings = (
        [{"system": MARKER_SYSTEM, "code": stain.marker, "display": stain.marker}]
        if stain.marker in _vocabulary_markers()
        else []
    )
    result = _CODES["stain_result"][stain.result]
    resource: Json = {
        "resourceType": "Observation",
        "id": ids.id(f"stain-{t.key}-{n}"),
        "meta": {"profile": [_CODES["profiles"]["tumour_marker"]]},
        "extension": offsets(record, evidence),
        "status": "final",
        "category": [_concept(_coding("observation_category", "laboratory", "Laboratory"))],
        "code": _concept(*codings, text=stain.marker),
        "subject": ids.ref("patient"),
        "focus": [ids.ref(f"condition-{t.key}")],
        "valueCodeableConcept": _concept(
            _coding("snomed", result["code"], result["display"]), text=stain.result
        ),
    }
    details = [f"extent: {stain.extent}"] if stain.extent else []
    details += [f"{stain.percent:g}% of cells"] if stain.percent is not None else []
    if details:
        resource["note"] = [{"text": "; ".join(details)}]
    return resource
