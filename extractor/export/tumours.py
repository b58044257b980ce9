"""A record as a registry sees it: primary tumours and metastases, with their evidence.

Both registry exports (:mod:`extractor.export.naaccr`, :mod:`extractor.export.fhir`)
read a record through :func:`registry_tumours`, so they agree on what is a primary:

- the **index lesion** (``summary.lesions`` role ``index``) is a primary tumour, unless
  it is a metastasis: the record has a lesion of role ``primary``, or the final
  diagnosis has ICD-O-3 behaviour ``/6``. Then the index lesion is a *secondary* and
  the primary is the ``primary`` lesion, or, when the record names none, an *unknown
  primary* (no lesion, no site: the exports write the standard's unknown site code);
- its diagnosis is the summary's final diagnosis (for a metastatic index lesion the
  summary already took the primary's histology when its own was generic; see
  :func:`extractor.lesions.metastasis_diagnosis`); the primary of a metastatic index
  lesion keeps that diagnosis, and falls back on the primary lesion's own one;
- a lesion of role ``metastasis`` is a secondary of the case's primary;
- a lesion of role ``other`` is a further primary when it has an ICD-O-3 code that is
  not a metastasis (``/6``); other ``other`` lesions are left out;
- an index lesion whose diagnosis has no ICD-O-3 code (tuberculosis, a cyst) or that
  has no diagnosis is kind ``other``: not a tumour for a registry.

A size measured on a biopsy fragment is not the tumour's size and is dropped. The age
applies to a tumour diagnosed when the report presents the patient: not to a primary
whose diagnosis is told as history ("a history of breast carcinoma").

Evidence is given as indices into ``record.mentions``: the mentions whose value is the
value exported (the same diagnosis, site, size, stain, age or sex).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from extractor.schema import (
    FieldName,
    Lesion,
    LesionSize,
    Mention,
    Record,
    SummarySite,
    SummaryStain,
)

TumourKind = Literal["primary", "secondary", "other"]
#: lesion locations that are no organ: their topography comes from their sites only
_NO_ORGAN = ("axial", "unspecified")


@dataclass(frozen=True)
class Tumour:
    """One lesion (or unknown primary) as a registry codes it."""

    key: str
    kind: TumourKind
    lesion: Lesion | None
    name: str | None = None
    icdo3: str | None = None
    basis: str | None = None
    site: SummarySite | None = None
    topography: str | None = None
    size: LesionSize | None = None
    at_presentation: bool = True
    primary_key: str | None = None
    diagnosis_mentions: tuple[int, ...] = ()
    site_mentions: tuple[int, ...] = ()
    size_mentions: tuple[int, ...] = ()
    stains: tuple[tuple[SummaryStain, tuple[int, ...]], ...] = ()

    @property
    def morphology(self) -> str | None:
        """ICD-O-3 histology, 4 digits ('8330/6' -> '8330')."""
        return split_icdo3(self.icdo3)[0]

    @property
    def behaviour(self) -> str | None:
        """ICD-O-3 behaviour digit as the record states it ('8330/6' -> '6')."""
        return split_icdo3(self.icdo3)[1]


def split_icdo3(code: str | None) -> tuple[str | None, str | None]:
    """'8330/6' -> ('8330', '6'); (None, None) unless the code has that form."""
    morph, _, behaviour = (code or "").partition("/")
    if len(morph) == 4 and morph.isdigit() and len(behaviour) == 1 and behaviour.isdigit():
        return morph, behaviour
    return None, None


def is_metastatic_code(code: str | None) -> bool:
    return split_icdo3(code)[1] == "6"


@cache
def _organ_topography() -> dict[str, str]:
    """sites.csv canonical name -> ICD-O-3 topography (lesion locations are such names)."""
    from extractor.fields.vocabulary import by_canonical

    return {
        name: entry.get("icdo3_topography") or ""
        for name, entry in by_canonical("sites.csv").items()
        if entry.get("icdo3_topography")
    }


# ---------------------------------------------------------------- evidence


def _of_field(record: Record, indices: Iterable[int], field_name: FieldName) -> list[int]:
    return [i for i in indices if record.mentions[i].field == field_name]


def _same_diagnosis(m: Mention, name: str | None, icdo3: str | None) -> bool:
    morph = split_icdo3(icdo3)[0]
    value_morph = split_icdo3(m.value.get("icdo3"))[0]
    if morph is not None and value_morph == morph:
        return True
    return bool(name) and str(m.value.get("name") or "").casefold() == name.casefold()


def diagnosis_evidence(
    record: Record, lesions: Iterable[Lesion], name: str | None, icdo3: str | None
) -> tuple[int, ...]:
    """Diagnosis mentions of ``lesions`` that name this diagnosis (same morphology or name)."""
    found = {
        i
        for lesion in lesions
        for i in _of_field(record, lesion.mentions, FieldName.DIAGNOSIS)
        if _same_diagnosis(record.mentions[i], name, icdo3)
    }
    return tuple(sorted(found))


def site_evidence(record: Record, lesion: Lesion, site: SummarySite) -> tuple[int, ...]:
    return tuple(
        i
        for i in _of_field(record, lesion.mentions, FieldName.SITE)
        if record.mentions[i].value.get("name") == site.name
    )


def size_evidence(record: Record, lesion: Lesion, size: LesionSize) -> tuple[int, ...]:
    return tuple(
        i
        for i in _of_field(record, lesion.mentions, FieldName.SIZE)
        if record.mentions[i].value.get("max_mm") == size.max_mm
    )


def stain_evidence(record: Record, lesion: Lesion, stain: SummaryStain) -> tuple[int, ...]:
    return tuple(
        i
        for i in _of_field(record, lesion.mentions, FieldName.STAIN)
        if record.mentions[i].value.get("marker") == stain.marker
        and record.mentions[i].value.get("result") == stain.result
    )


def patient_evidence(record: Record) -> dict[str, tuple[int, ...]]:
    """Age and sex mentions (not negated, hypothetical or about family) that state the
    summary's age and sex."""
    s = record.summary
    wanted = {FieldName.AGE: ("years", s.age_years), FieldName.SEX: ("sex", s.sex)}
    found: dict[str, list[int]] = {"age": [], "sex": []}
    for i, m in enumerate(record.mentions):
        if m.field not in wanted or m.assertion.negated or m.assertion.family:
            continue
        key, value = wanted[m.field]
        if value is not None and not m.assertion.hypothetical and m.value.get(key) == value:
            found[m.field.value].append(i)
    return {k: tuple(v) for k, v in found.items()}


# ---------------------------------------------------------------- tumours


def _coded_site(lesion: Lesion) -> tuple[SummarySite | None, str | None]:
    """The first site with a topography; else the organ the lesion's location names
    (a primary placed by its diagnosis, "thyroid carcinoma", has no site of its own)."""
    for site in lesion.sites:
        if site.icdo3_topography:
            return site, site.icdo3_topography
    code = _organ_topography().get(lesion.location)
    if code and lesion.location not in _NO_ORGAN:
        return SummarySite(name=lesion.location, icdo3_topography=code), code
    return None, None


def _told_as_history(record: Record, lesion: Lesion) -> bool:
    for i in _of_field(record, lesion.mentions, FieldName.DIAGNOSIS):
        m = record.mentions[i]
        if m.assertion.historical or m.value.get("role") == "history":
            return True
    return False


def _lesion_tumour(
    record: Record,
    key: str,
    kind: TumourKind,
    lesion: Lesion,
    dx: tuple[str | None, str | None, str | None],
    dx_lesions: list[Lesion],
    primary_key: str | None = None,
) -> Tumour:
    """A tumour drawn from ``lesion`` with diagnosis ``dx`` (found in ``dx_lesions``)."""
    site, topography = _coded_site(lesion)
    size = lesion.size if lesion.size and lesion.size.measured_on != "biopsy" else None
    name, icdo3, basis = dx
    return Tumour(
        key=key,
        kind=kind,
        lesion=lesion,
        name=name,
        icdo3=icdo3,
        basis=basis,
        site=site,
        topography=topography,
        size=size,
        at_presentation=lesion.role == "index" or not _told_as_history(record, lesion),
        primary_key=primary_key,
        diagnosis_mentions=diagnosis_evidence(record, dx_lesions, name, icdo3),
        site_mentions=site_evidence(record, lesion, site) if site else (),
        size_mentions=size_evidence(record, lesion, size) if size else (),
        stains=tuple((s, stain_evidence(record, lesion, s)) for s in lesion.stains),
    )


def _diagnosis_of(lesion: Lesion | None) -> tuple[str | None, str | None, str | None]:
    d = lesion.diagnosis if lesion else None
    return (d.name, d.icdo3, d.basis) if d else (None, None, None)


def _metastatic_case(
    record: Record, index: Lesion, primary: Lesion | None, dx: tuple[str | None, ...]
) -> list[Tumour]:
    """The primary (a lesion, or unknown), then the metastatic index lesion."""
    name, icdo3, basis = dx
    if primary is None:
        evidence = diagnosis_evidence(record, [index], name, icdo3)
        first = Tumour("primary", "primary", None, name, icdo3, basis, diagnosis_mentions=evidence)
    else:
        if not split_icdo3(icdo3)[0]:
            name, icdo3, basis = _diagnosis_of(primary)
        first = _lesion_tumour(
            record, "primary", "primary", primary, (name, icdo3, basis), [index, primary]
        )
    own = _diagnosis_of(index)
    return [first, _lesion_tumour(record, "index", "secondary", index, own, [index], "primary")]


def registry_tumours(record: Record) -> list[Tumour]:
    """The record's tumours in order: the case's primary, the index lesion when it is a
    metastasis, the other metastases, then further primaries (module docstring)."""
    lesions = record.summary.lesions
    index = next((x for x in lesions if x.role == "index"), None)
    if index is None:
        return []
    primary = next((x for x in lesions if x.role == "primary"), None)
    final = record.summary.final_diagnosis
    dx = (final.name, final.icdo3, final.basis) if final else _diagnosis_of(index)
    if primary is not None or is_metastatic_code(dx[1]):
        out, case_primary = _metastatic_case(record, index, primary, dx), "primary"
    else:
        kind: TumourKind = "primary" if split_icdo3(dx[1])[0] else "other"
        out, case_primary = [_lesion_tumour(record, "index", kind, index, dx, [index])], "index"
    for n, lesion in enumerate(lesions):
        own = _diagnosis_of(lesion)
        if lesion.role == "metastasis":
            out.append(
                _lesion_tumour(
                    record, f"lesion-{n}", "secondary", lesion, own, [lesion], case_primary
                )
            )
        elif lesion.role == "other" and split_icdo3(own[1])[0] and not is_metastatic_code(own[1]):
            out.append(_lesion_tumour(record, f"lesion-{n}", "primary", lesion, own, [lesion]))
    return out
