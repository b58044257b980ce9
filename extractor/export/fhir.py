"""Records -> one FHIR R4 ``Bundle`` (type ``collection``) per report, shaped like mCODE.

Each bundle holds, built and validated with the ``fhir.resources`` R4B models:

- ``Patient`` (mCODE CancerPatient profile; ``gender`` male, female or ``unknown``;
  identifier: the report id);
- ``DocumentReference`` for the source report (``masterIdentifier``: its sha256, the
  attachment titled with its path);
- one ``Condition`` per tumour of :func:`extractor.export.tumours.registry_tumours`:
  mCODE PrimaryCancerCondition for a primary tumour, SecondaryCancerCondition for a
  metastasis (linked to its primary by mCODE's related-primary extension), no profile
  for a lesion without an ICD-O-3 diagnosis; ``code`` the ICD-O-3 morphology (and the
  diagnosis name as text; a primary whose record code is /6 gets behaviour /3), the same
  coding in mCODE's histology-morphology-behavior extension, ``bodySite`` the ICD-O-3
  topography (C80.9 for an unknown primary) with mCODE's laterality qualifier (SNOMED
  CT right, left, bilateral; midline as text), ``onsetAge`` from the age (years; months
  or days under one year) when the tumour was diagnosed at presentation;
- ``Observation`` mCODE TumorSize (LOINC 21889-1; components longest dimension 33728-7
  and other dimensions 33729-5, UCUM mm) and one mCODE TumorMarkerTest per stain (marker
  as ``code.text``, plus a coding in this project's marker vocabulary when the marker is
  in it; SNOMED CT positive/negative as ``valueCodeableConcept``; extent and percent as
  a note), each with ``focus`` on its Condition.

Every resource carries the source offsets of its evidence: one ``source-offsets``
extension (:data:`OFFSETS_URL`) per mention, with sub-extensions ``start`` and ``end``
(character offsets into the report text, end exclusive), ``mention`` (index into the
record's mentions) and ``field``. Resource ids are UUIDs derived from the report id, so
exporting the same record twice gives the same bundle.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from extractor.export import RecordsFileError, read_records
from extractor.export.fhir_parts import (
    OFFSETS_URL,
    REPORT_ID_SYSTEM,
    Ids,
    condition_resource,
    document_resource,
    offsets,
    patient_resource,
    resource_model,
    size_observation,
    stain_observation,
)
from extractor.export.tumours import registry_tumours
from extractor.schema import Record

Json = dict[str, Any]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

__all__ = ["OFFSETS_URL", "offsets", "report_bundle", "write_fhir", "fhir_command"]


def report_bundle(record: Record) -> Bundle:
    """The validated R4B ``Bundle`` of one record (module docstring)."""
    ids = Ids(record.report_id)
    entries: list[tuple[str, Json]] = [
        ("patient", patient_resource(record, ids)),
        ("document", document_resource(record, ids)),
    ]
    tumours = registry_tumours(record)
    keys = {t.key for t in tumours}
    observations: list[tuple[str, Json]] = []
    for t in tumours:
        primary = t.primary_key if t.primary_key in keys else None
        entries.append((f"condition-{t.key}", condition_resource(record, t, ids, primary)))
        if t.size is not None:
            observations.append((f"size-{t.key}", size_observation(record, t, ids)))
        for n in range(len(t.stains)):
            observations.append((f"stain-{t.key}-{n}", stain_observation(record, t, n, ids)))
    entries += observations
    bundle = {
        "resourceType": "Bundle",
        "id": ids.id("bundle"),
        "type": "collection",
        "identifier": {"system": REPORT_ID_SYSTEM, "value": record.report_id},
        "entry": [
            {"fullUrl": ids.url(key), "resource": resource_model(resource)}
            for key, resource in entries
        ],
    }
    return Bundle.model_validate(bundle)


def bundle_file_name(report_id: str) -> str:
    """A safe file name for a report id ('a/b c' -> 'a_b_c.json')."""
    return (_UNSAFE.sub("_", report_id).strip("._") or "report") + ".json"


def write_fhir(records: Iterable[Record], out_dir: Path) -> list[Path]:
    """One ``<report id>.json`` bundle per record in ``out_dir``. Every bundle is built
    (and validated) before any file is written; a report id seen twice, or two ids
    that give the same file name, raise :class:`RecordsFileError`."""
    bundles: dict[str, str] = {}
    for record in records:
        name = bundle_file_name(record.report_id)
        if name in bundles:
            raise RecordsFileError(f"report id {record.report_id!r}: {name} written twice")
        bundles[name] = report_bundle(record).model_dump_json(indent=2) + "\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in bundles.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def fhir_command(records: Path, out_dir: Path) -> int:
    """CLI: 0 written, 1 a bad records file (nothing written)."""
    try:
        paths = write_fhir(read_records(records), out_dir)
    except RecordsFileError as exc:
        print(f"FHIR export failed, nothing written: {exc}", file=sys.stderr)
        return 1
    print(f"{records} -> {out_dir}: {len(paths)} FHIR R4 bundles", file=sys.stderr)
    return 0
