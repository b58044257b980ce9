"""Records -> one NAACCR XML data file (specification 1.8, base dictionary v26).

Record type ``A`` (full abstract): the only type besides ``M`` that carries the text
items, and we write the diagnosis's source text. One ``Patient`` per record, one
``Tumor`` per primary tumour of :func:`extractor.export.tumours.registry_tumours`
(a metastasis is coded as its primary; a lesion without an ICD-O-3 diagnosis is no
tumour, so such a report has a Patient without Tumor).

Items (codes in ``registry_codes.json``; an unknown is always the standard's unknown code):

- Patient: ``patientIdNumber`` (the record's 1-based position in the file, 8 digits: the
  item holds digits only, so the report id itself goes into the ``extractor:report``
  extension element with the source sha256), ``sexAssignedAtBirth`` (item 225, which
  replaces Sex [220] in v26: 1 male, 2 female, 9 unknown);
- Tumor: ``tumorRecordNumber``; ``ageAtDiagnosis`` (completed years, 000 under one year,
  999 unknown or a primary told as history); ``primarySite`` (ICD-O-3 topography
  without the dot, C809 unknown); ``laterality`` (0 not a paired site, 1 right, 2 left,
  4 bilateral, 5 midline, 9 paired site with no side stated); ``diagnosticConfirmation``
  (from the basis: 1 histology, 2 cytology, 7 imaging, 8 clinical, 9 unknown or
  intraoperative, which may be a frozen section or the surgeon's view);
  ``histologicTypeIcdO3`` and ``behaviorCodeIcdO3`` (a metastasis /6 is coded /3, the
  behaviour of its primary); ``tumorSizeSummary`` (mm rounded half up, 001 under 1 mm,
  989 for 989 mm or more, 999 unknown); ``textPrimarySiteTitle``, ``textHistologyTitle``
  and the diagnosis's source text in the text item of its basis (``textDxProcPath`` for
  histology or cytology, ``textDxProcXRayScan``, ``textDxProcPe``, ``textDxProcOp``,
  else ``textRemarks``): each mention as written, with its section and character offsets.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from lxml import etree

from extractor.export import RecordsFileError, read_records
from extractor.export.codes import ItemDef, naaccr_codes, naaccr_items, registry_behaviour
from extractor.export.tumours import Tumour, registry_tumours
from extractor.schema import Record

#: characters XML 1.0 cannot hold (control characters other than tab, LF, CR)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class NaaccrValueError(ValueError):
    """A value that does not fit its dictionary item (a bug in the export, not the data)."""


def format_item(item: ItemDef, value: str) -> str:
    """``value`` as the item holds it: digits padded to the item's length; text cleaned
    (one space for each run of whitespace, no control characters) and cut to its length."""
    if item.type == "digits":
        if item.padding == "leftZero":
            value = value.rjust(item.length, "0")
        if not value.isdigit() or len(value) != item.length:
            raise NaaccrValueError(f"{item.naaccr_id}: {value!r} is not {item.length} digits")
        return value
    text = " ".join(_NOT_XML.sub(" ", value).split())
    if len(text) > item.length:
        text = text[: item.length - 3].rstrip() + "..."
    return text


# ---------------------------------------------------------------- codes


def sex_code(sex: str | None) -> str:
    codes = naaccr_codes()["codes"]["sex"]
    return codes.get(sex or "", codes["unknown"])


def age_code(age_years: float | None) -> str:
    """Completed years; 000 under one year; 999 unknown or beyond the oldest code."""
    codes = naaccr_codes()["codes"]["age"]
    if age_years is None or age_years < 0 or age_years >= codes["oldest"] + 1:
        return codes["unknown"]
    if age_years < 1:
        return codes["under_one_year"]
    return f"{math.floor(age_years):03d}"


def site_code(topography: str | None) -> str:
    """'C73.9' -> 'C739'; C809 when unknown."""
    if topography and re.fullmatch(r"C\d\d\.\d", topography):
        return topography.replace(".", "")
    return naaccr_codes()["codes"]["primary_site_unknown"]


def laterality_code(topography: str | None, laterality: str | None) -> str:
    """0 unless the site is a paired organ; then the side, or 9 when none is stated."""
    codes = naaccr_codes()["codes"]["laterality"]
    if topography not in naaccr_codes()["paired_sites"]:
        return codes["not_paired"]
    return codes.get(laterality or "", codes["unknown"])


def size_code(max_mm: float | None) -> str:
    """Millimetres rounded half up; 001 under 1 mm; 989 from 989 mm; 999 unknown."""
    codes = naaccr_codes()["codes"]["tumour_size"]
    if max_mm is None or max_mm <= 0:
        return codes["unknown"]
    mm = max(math.floor(max_mm + 0.5), 1)
    if mm == 1:
        return codes["under_one_mm"]
    if mm > codes["largest_exact"]:
        return codes["larger"]
    return f"{mm:03d}"


def confirmation_code(basis: str | None) -> str:
    codes = naaccr_codes()["codes"]["diagnostic_confirmation"]
    return codes.get(basis or "", codes["unknown"])


def diagnosis_text(record: Record, indices: Iterable[int]) -> str:
    """Each diagnosis mention as written, with its section and offsets."""
    parts = []
    for i in indices:
        m = record.mentions[i]
        parts.append(f"{' '.join(m.text.split())} ({m.section}, chars {m.start}-{m.end})")
    return "; ".join(parts)


# ---------------------------------------------------------------- items


def patient_items(record: Record, ordinal: int) -> dict[str, str]:
    return {"patientIdNumber": f"{ordinal:08d}", "sexAssignedAtBirth": sex_code(record.summary.sex)}


def tumour_items(record: Record, tumour: Tumour, number: int) -> dict[str, str]:
    """The Tumor items of one primary tumour (module docstring)."""
    codes = naaccr_codes()["codes"]
    laterality = tumour.site.laterality if tumour.site else None
    age = record.summary.age_years if tumour.at_presentation else None
    items = {
        "tumorRecordNumber": f"{number:02d}",
        "ageAtDiagnosis": age_code(age),
        "primarySite": site_code(tumour.topography),
        "laterality": laterality_code(tumour.topography, laterality),
        "diagnosticConfirmation": confirmation_code(tumour.basis),
        "histologicTypeIcdO3": tumour.morphology or "",
        "behaviorCodeIcdO3": registry_behaviour(tumour.behaviour) or "",
        "tumorSizeSummary": size_code(tumour.size.max_mm if tumour.size else None),
    }
    if tumour.site is not None:
        items["textPrimarySiteTitle"] = tumour.site.name
    if tumour.name:
        items["textHistologyTitle"] = tumour.name
    if tumour.diagnosis_mentions:
        text_item = codes["diagnosis_text_item"]
        item = text_item.get(tumour.basis or "", text_item["unknown"])
        items[item] = diagnosis_text(record, tumour.diagnosis_mentions)
    return items


def naaccr_tumours(record: Record) -> list[Tumour]:
    """The primary tumours a NAACCR file holds for ``record``."""
    return [t for t in registry_tumours(record) if t.kind == "primary" and t.morphology]


# ---------------------------------------------------------------- XML


def _add_items(parent: etree._Element, items: dict[str, str]) -> None:
    ns = naaccr_codes()["namespace"]
    defs = naaccr_items()
    for naaccr_id in defs:  # dictionary order, whatever order the dict was built in
        if naaccr_id not in items or items[naaccr_id] == "":
            continue
        item = defs[naaccr_id]
        el = etree.SubElement(parent, f"{{{ns}}}Item", naaccrId=naaccr_id)
        el.set("naaccrNum", str(item.num))
        el.text = format_item(item, items[naaccr_id])


def patient_element(record: Record, ordinal: int) -> etree._Element:
    ns, ext = naaccr_codes()["namespace"], naaccr_codes()["extension_namespace"]
    patient = etree.Element(f"{{{ns}}}Patient", nsmap={None: ns, "extractor": ext})
    _add_items(patient, patient_items(record, ordinal))
    etree.SubElement(patient, f"{{{ext}}}report", id=record.report_id, sha256=record.source.sha256)
    for number, tumour in enumerate(naaccr_tumours(record), start=1):
        el = etree.SubElement(patient, f"{{{ns}}}Tumor")
        _add_items(el, tumour_items(record, tumour, number))
        lesion = tumour.lesion
        etree.SubElement(
            el,
            f"{{{ext}}}lesion",
            role=lesion.role if lesion else "unknown-primary",
            location=lesion.location if lesion else "unknown",
        )
    return patient


def naaccr_document(records: Iterable[Record], generated: datetime | None = None) -> bytes:
    """The NAACCR XML file for ``records`` (UTF-8 bytes); a report id seen twice raises."""
    codes = naaccr_codes()
    ns, ext = codes["namespace"], codes["extension_namespace"]
    root = etree.Element(f"{{{ns}}}NaaccrData", nsmap={None: ns, "extractor": ext})
    root.set("baseDictionaryUri", codes["base_dictionary_uri"])
    root.set("recordType", codes["record_type"])
    root.set("specificationVersion", codes["specification_version"])
    if generated is not None:
        root.set("timeGenerated", generated.isoformat(timespec="seconds"))
    seen: set[str] = set()
    for ordinal, record in enumerate(records, start=1):
        if record.report_id in seen:
            raise RecordsFileError(f"report id {record.report_id!r} appears twice")
        seen.add(record.report_id)
        root.append(patient_element(record, ordinal))
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_naaccr(records: Iterable[Record], out: Path, generated: datetime | None = None) -> int:
    """Write the file (all or nothing: a temporary file renamed at the end); returns the
    number of patients."""
    records = list(records)
    data = naaccr_document(records, generated)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(records)


def naaccr_command(records: Path, out: Path) -> int:
    """CLI: 0 written, 1 a bad records file (nothing written)."""
    from datetime import UTC

    try:
        n = write_naaccr(read_records(records), out, datetime.now(UTC))
    except RecordsFileError as exc:
        print(f"NAACCR export failed, nothing written: {exc}", file=sys.stderr)
        return 1
    print(f"{records} -> {out}: {n} patients (NAACCR XML 1.8, dictionary v26)", file=sys.stderr)
    return 0
