"""The record contract: one JSON record per report, plus every label set and enum.

Every other module takes its labels from here; `python -m extractor schema` writes
the JSON Schema of :class:`Record` to ``schema/record.schema.json``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0.0"


class FieldName(StrEnum):
    AGE = "age"
    SEX = "sex"
    SITE = "site"
    LEVEL = "level"
    SIZE = "size"
    STAIN = "stain"
    DIAGNOSIS = "diagnosis"


class SectionKind(StrEnum):
    PATIENT = "patient"
    LITERATURE = "literature"
    OTHER_ARTICLES = "other-articles"
    NON_CONTENT = "non-content"


#: canonical section label -> kind (documented in docs/ANNOTATION_SPEC.md)
SECTION_KINDS: dict[str, SectionKind] = {
    "front_matter": SectionKind.NON_CONTENT,
    "web_chrome": SectionKind.NON_CONTENT,
    "abstract": SectionKind.LITERATURE,
    "abstract_background": SectionKind.LITERATURE,
    "abstract_case": SectionKind.PATIENT,
    "abstract_conclusion": SectionKind.LITERATURE,
    "keywords": SectionKind.NON_CONTENT,
    "introduction": SectionKind.LITERATURE,
    "case_presentation": SectionKind.PATIENT,
    "investigations": SectionKind.PATIENT,
    "pathology": SectionKind.PATIENT,
    "treatment": SectionKind.PATIENT,
    "outcome": SectionKind.PATIENT,
    "figures": SectionKind.PATIENT,
    "discussion": SectionKind.LITERATURE,
    "conclusion": SectionKind.LITERATURE,
    "learning_points": SectionKind.LITERATURE,
    "references": SectionKind.OTHER_ARTICLES,
    "similar_articles": SectionKind.OTHER_ARTICLES,
    "cited_by": SectionKind.OTHER_ARTICLES,
    "metadata": SectionKind.NON_CONTENT,
    "declarations": SectionKind.NON_CONTENT,
}
SECTION_LABELS = tuple(SECTION_KINDS)
#: sections used for the summary, in this order, when a field has no value in patient
#: sections: the abstract and the title, then the introduction (of the abstract or the
#: article), where only a sentence that introduces the case yields patient facts
FALLBACK_SECTIONS = ("abstract", "front_matter", "abstract_background", "introduction")

Sex = Literal["female", "male"]
Laterality = Literal["right", "left", "bilateral", "midline"]
StainResult = Literal["positive", "negative"]
Extent = Literal["diffuse", "focal", "patchy"]
Intensity = Literal["strong", "moderate", "weak"]
LevelKind = Literal["vertebra", "disc", "range", "region"]
Region = Literal[
    "cervical",
    "thoracic",
    "lumbar",
    "sacral",
    "coccygeal",
    "cervicothoracic",
    "thoracolumbar",
    "lumbosacral",
]
DiagnosisRole = Literal["final", "differential", "history", "comorbidity", "other"]
#: what a lesion is to the report: the one it is about, the primary tumour of a
#: metastatic index lesion, a metastasis, or another lesion of the patient
LesionRole = Literal["index", "primary", "metastasis", "other"]
DiagnosisBasis = Literal["histopathology", "cytology", "clinical", "radiology", "intraoperative"]


class ReviewReason(StrEnum):
    """Why a summary value should be read by a person (the review vocabulary). Each
    reason is one rule of ``extractor/flags/review_rules.json`` (description, fields,
    parameters, examples); ``docs/review.md`` lists them."""

    #: the chosen section group holds mentions that give the field another value
    CONFLICTING_CANDIDATES = "conflicting_candidates"
    #: the value comes from a section that introduces the disease, not the case
    FALLBACK_SECTION = "fallback_section"
    #: a diagnosis or marker was matched approximately (a misspelling)
    FUZZY_MATCH = "fuzzy_match"
    #: the final diagnosis is not tied to histology or cytology
    NO_HISTOLOGICAL_BASIS = "no_histological_basis"
    #: several lesions, and no resection or biopsy decides which one the report is about
    INDEX_LESION_AMBIGUOUS = "index_lesion_ambiguous"
    #: a marker is named in a staining sentence without a result
    MISSING_RESULT = "missing_result"
    #: a measurement is written without a unit
    MISSING_UNIT = "missing_unit"
    #: every mention that supports the value is modified by an assertion cue
    ASSERTION_CUE_NEAR = "assertion_cue_near"
    #: the final diagnosis is a name stated in the text that no vocabulary lists
    UNLISTED_NAME = "unlisted_name"


REVIEW_REASONS = tuple(ReviewReason)

ErrorKind = Literal[
    "not_found", "no_input", "unreadable", "empty", "binary", "too_large", "internal"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- values


class AgeValue(_Model):
    years: float | None = Field(description="age in years; fractional below one year")
    decade: int | None = Field(
        default=None, description="set when only a decade is known ('in her 60s' -> 60)"
    )


class SexValue(_Model):
    sex: Sex


class SiteValue(_Model):
    name: str
    laterality: Laterality | None = None
    icdo3_topography: str | None = None


class LevelValue(_Model):
    levels: list[str] = Field(description="expanded, ordered vertebral levels")
    kind: LevelKind
    region: Region | None = None


class SizeValue(_Model):
    dims_mm: list[float]
    max_mm: float
    unit: str
    measured_on: Literal["specimen", "biopsy"] | None = Field(
        default=None,
        description="'specimen' when the sentence measures the resected specimen, "
        "'biopsy' for cores/fragments; null for clinical or imaging sizes",
    )
    measures: str | None = Field(
        default=None,
        description="the text of the lesion the size measures (the noun phrase it is "
        "linked to: 'mass', 'sessile polyp', 'schwannoma')",
    )
    bound: Literal["greater", "less"] | None = Field(
        default=None,
        description="set when a comparison introduces the size ('>5 cm' -> 'greater'): "
        "a bound, not a measurement",
    )
    measures_class: Literal["lesion", "specimen", "pathology"] | None = Field(
        default=None,
        description="what kind of object the size measures: a lesion (mass, tumour, "
        "nodule, cyst), the specimen, or another pathological finding (an effusion, a "
        "defect, a tear, an enlarged lymph node), which never fills a lesion's size",
    )


class StainValue(_Model):
    marker: str
    result: StainResult
    extent: Extent | None = None
    intensity: Intensity | None = None
    percent: float | None = None


class DiagnosisValue(_Model):
    name: str
    icdo3: str | None = None
    role: DiagnosisRole
    basis: DiagnosisBasis | None = None


VALUE_MODELS: dict[FieldName, type[_Model]] = {
    FieldName.AGE: AgeValue,
    FieldName.SEX: SexValue,
    FieldName.SITE: SiteValue,
    FieldName.LEVEL: LevelValue,
    FieldName.SIZE: SizeValue,
    FieldName.STAIN: StainValue,
    FieldName.DIAGNOSIS: DiagnosisValue,
}

# ---------------------------------------------------------------- record parts


class Cue(_Model):
    text: str
    start: int
    end: int
    category: str = Field(description="ConText category of the cue, e.g. NEGATED_EXISTENCE")
    rule: str | None = None


class Assertion(_Model):
    negated: bool = False
    uncertain: bool = False
    hypothetical: bool = False
    historical: bool = False
    family: bool = False
    #: the finding existed in this case and went away ("the oedema resolved"); not negated
    resolved: bool = False
    cue: Cue | None = None


#: the boolean flags of :class:`Assertion`, in field order (tables, database, evaluation)
ASSERTION_FLAGS: tuple[str, ...] = tuple(n for n in Assertion.model_fields if n != "cue")

#: rules whose mention is the evidence of a summary fallback, not a mention in the sense
#: of the guideline ("pronouns are never mentions"; the summary sex may fall back to
#: them): span-level scores leave these mentions out
EVIDENCE_ONLY_RULES = frozenset({"sex.pronoun_fallback"})


class Source(_Model):
    path: str
    sha256: str
    n_chars: int
    encoding: str


class Section(_Model):
    label: str
    kind: SectionKind
    heading: str
    start: int
    end: int


class Mention(_Model):
    field: FieldName
    text: str
    start: int
    end: int
    section: str
    value: dict[str, Any]
    assertion: Assertion = Field(default_factory=Assertion)
    rule: str


class SummarySite(_Model):
    name: str
    laterality: Laterality | None = None
    icdo3_topography: str | None = None


class SummaryStain(_Model):
    marker: str
    result: StainResult
    extent: Extent | None = None
    percent: float | None = None


class FinalDiagnosis(_Model):
    name: str
    icdo3: str | None = None
    basis: DiagnosisBasis | None = None


class DifferentialDiagnosis(_Model):
    name: str
    icdo3: str | None = None


class LesionSize(_Model):
    max_mm: float
    dims_mm: list[float] = Field(default_factory=list)
    measured_on: Literal["specimen", "biopsy"] | None = None
    measures: str | None = Field(default=None, description="what the size measures")


class LesionDiagnosis(_Model):
    name: str
    icdo3: str | None = None
    morphology: str | None = Field(default=None, description="ICD-O-3 histology, 4 digits")
    behaviour: str | None = Field(default=None, description="ICD-O-3 behaviour digit")
    basis: DiagnosisBasis | None = None


class TextSpan(_Model):
    start: int
    end: int


class ReviewFlag(_Model):
    """One reason to read a summary value, with the mentions it is about."""

    reason: ReviewReason
    note: str = Field(description="what was found, in words (values and section names)")
    mentions: list[int] = Field(
        default_factory=list, description="indices into Record.mentions the reason is about"
    )
    spans: list[TextSpan] = Field(
        default_factory=list,
        description="text the reason is about that no mention covers (a marker without result)",
    )


class Lesion(_Model):
    """One distinct lesion of the patient; values drawn from ``mentions`` (indices
    into ``Record.mentions``). ``location`` is the lesion's place: ``axial`` (bone,
    soft tissue, spine and nervous system) or the organ it sits in."""

    role: LesionRole
    location: str
    why: str = Field(description="id of the rule that gave the role (extractor/lesions/)")
    sites: list[SummarySite] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    size: LesionSize | None = None
    diagnosis: LesionDiagnosis | None = None
    stains: list[SummaryStain] = Field(default_factory=list)
    mentions: list[int] = Field(default_factory=list)
    review: list[ReviewFlag] = Field(
        default_factory=list, description="reasons to read this lesion (extractor/flags/)"
    )


class Summary(_Model):
    age_years: float | None = None
    sex: Sex | None = None
    sites: list[SummarySite] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    size_max_mm: float | None = None
    size_dims_mm: list[float] = Field(default_factory=list)
    stains: list[SummaryStain] = Field(default_factory=list)
    final_diagnosis: FinalDiagnosis | None = None
    differential_diagnoses: list[DifferentialDiagnosis] = Field(default_factory=list)
    negated_findings: list[str] = Field(default_factory=list)
    lesions: list[Lesion] = Field(
        default_factory=list,
        description="every distinct lesion; the flat keys above are the index lesion's",
    )
    review: dict[str, list[ReviewFlag]] = Field(
        default_factory=dict,
        description="summary key -> reasons to read its value (empty list: none); every key "
        "above but lesions, which carry their own (extractor/flags/)",
    )
    needs_review: bool = Field(
        default=False, description="true when any key or lesion has a review reason"
    )


SUMMARY_KEYS = tuple(Summary.model_fields)


class Record(_Model):
    schema_version: str = SCHEMA_VERSION
    report_id: str
    source: Source
    sections: list[Section] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    warnings: list[str] = Field(default_factory=list)


class ErrorEntry(_Model):
    """One line of the errors JSONL written beside the records."""

    path: str
    error: ErrorKind
    message: str


def record_json_schema() -> dict[str, Any]:
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://example.org/extractor/record/{SCHEMA_VERSION}"
    return schema


def record_json_schema_text() -> str:
    return json.dumps(record_json_schema(), indent=2, sort_keys=True) + "\n"
