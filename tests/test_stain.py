"""Stain parser: markers, results distributed over lists and clauses, extent, percent."""

from __future__ import annotations

import pytest

from extractor.fields.stain import parse_stains, stain_rules, summarize_stains
from extractor.fields.vocabulary import PhraseIndex, parse_vocabulary
from extractor.text import normalize

MARKERS = """canonical,synonyms,case_sensitive_synonyms,kind,note
smooth muscle actin,alpha-smooth muscle actin,SMA,ihc,
CD68,,,ihc,
vimentin,,,ihc,
desmin,,,ihc,
CD34,,,ihc,
CD21,,,ihc,
CD23,,,ihc,
CD35,,,ihc,
CD99,,,ihc,
S100 protein,S-100|S-100 protein|S100,,ihc,
Epstein-Barr virus,EBER,EBV,ihc,
Ki-67,MIB-1|Ki67,,ihc,
ALK,anaplastic lymphoma kinase,ALK,ihc,
cytokeratin,keratin|pan-cytokeratin,CK,ihc,
TFE3,transcription factor E3,,ihc,
INI1,SMARCB1|INI-1,,ihc,
caldesmon,,,ihc,
calponin,,,ihc,
"""
TWELVE = (
    "spindle cells that were diffuse and positive for smooth muscle actin and CD68; focal "
    "positive for vimentin and desmin; and negative for CD34 (marker of vascular endothelial "
    "cells), CD21, CD23, CD35, S-100, Epstein-Barr virus infection, Ki-67, and anaplastic "
    "lymphoma kinase."
)


@pytest.fixture(scope="module")
def index() -> PhraseIndex:
    return PhraseIndex(parse_vocabulary("markers.csv", MARKERS))


def results(text: str, index: PhraseIndex) -> list[tuple]:
    clean = normalize(text).text
    return [
        (f.marker, f.result, f.extent, f.intensity, f.percent) for f in parse_stains(clean, index)
    ]


def test_twelve_marker_sentence(index: PhraseIndex) -> None:
    assert results(TWELVE, index) == [
        ("smooth muscle actin", "positive", "diffuse", None, None),
        ("CD68", "positive", "diffuse", None, None),
        ("vimentin", "positive", "focal", None, None),
        ("desmin", "positive", "focal", None, None),
        ("CD34", "negative", None, None, None),
        ("CD21", "negative", None, None, None),
        ("CD23", "negative", None, None, None),
        ("CD35", "negative", None, None, None),
        ("S100 protein", "negative", None, None, None),
        ("Epstein-Barr virus", "negative", None, None, None),
        ("Ki-67", "negative", None, None, None),
        ("ALK", "negative", None, None, None),
    ]


def test_spans_are_the_marker_words(index: PhraseIndex) -> None:
    found = parse_stains(TWELVE, index)
    assert [TWELVE[f.start : f.end] for f in found][-2:] == ["Ki-67", "anaplastic lymphoma kinase"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The tumor cells reveal immunopositivity for vimentin, smooth muscle actin, "
            "caldesmon and Calponin.",
            [
                ("vimentin", "positive"),
                ("smooth muscle actin", "positive"),
                ("caldesmon", "positive"),
                ("calponin", "positive"),
            ],
        ),
        (
            "Tumour cells were immunoreactive for desmin and did not express cytokeratin.",
            [("desmin", "positive"), ("cytokeratin", "negative")],
        ),
        ("Immunohistochemical staining for CD34 was negative.", [("CD34", "negative")]),
        (
            "The cells stained with S-100 but not CD34.",
            [("S100 protein", "positive"), ("CD34", "negative")],
        ),
        ("S-100 protein was expressed by sustentacular cells.", [("S100 protein", "positive")]),
        (
            "Vimentin, CD99 and desmin were negative.",
            [("vimentin", "negative"), ("CD99", "negative"), ("desmin", "negative")],
        ),
        (
            "positive for vimentin and desmin, and CD34 and CD21 were negative",
            [
                ("vimentin", "positive"),
                ("desmin", "positive"),
                ("CD34", "negative"),
                ("CD21", "negative"),
            ],
        ),
        (
            "CD34+ and S-100(\u2212) spindle cells",
            [("CD34", "positive"), ("S100 protein", "negative")],
        ),
        (
            "a CD34-positive, S-100-negative lesion",
            [("CD34", "positive"), ("S100 protein", "negative")],
        ),
        ("There was no staining for CD34.", [("CD34", "negative")]),
        ("with no CD34 expression", [("CD34", "negative")]),
        ("The tumour showed loss of INI1 expression.", [("INI1", "negative")]),
        ("CD117 was strongly positive.", [("CD117", "positive")]),
        (
            "C-Kit (CD117) was negative while CD34, smooth muscle actin (SMA), and ALK were "
            "focally positive.",
            [
                ("CD117", "negative"),
                ("CD34", "positive"),
                ("smooth muscle actin", "positive"),
                ("ALK", "positive"),
            ],
        ),
        ("Immunohistochemistry for CD34 was performed.", []),
        (
            "positive expression of CD34 and desmin, and negative expression of vimentin and ALK",
            [
                ("CD34", "positive"),
                ("desmin", "positive"),
                ("vimentin", "negative"),
                ("ALK", "negative"),
            ],
        ),
        # counter-example: "negative" as a backward cue does not flip a later forward cue
        (
            "CD34 was negative; expression of desmin was seen",
            [("CD34", "negative"), ("desmin", "positive")],
        ),
    ],
)
def test_results(text: str, expected: list[tuple[str, str]], index: PhraseIndex) -> None:
    assert [(m, r) for m, r, *_ in results(text, index)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Ki-67 index of 5%.", ("Ki-67", "positive", None, None, 5.0)),
        ("MIB-1 labelling index 10%", ("Ki-67", "positive", None, None, 10.0)),
        (
            "Ki-67 was positive in approximately 30% of nuclei",
            ("Ki-67", "positive", None, None, 30.0),
        ),
        (
            "The tumour cells stained strongly positive for desmin",
            ("desmin", "positive", None, "strong", None),
        ),
        ("CD34 was weakly and patchily positive.", ("CD34", "positive", "patchy", "weak", None)),
        (
            "the neoplastic cells were strongly and diffusely positive for S-100 protein (Fig.1d).",
            ("S100 protein", "positive", "diffuse", "strong", None),
        ),
        (
            "strong nuclear expression of transcription factor E3",
            ("TFE3", "positive", None, "strong", None),
        ),
    ],
)
def test_extent_intensity_percent(text: str, expected: tuple, index: PhraseIndex) -> None:
    assert results(text, index) == [expected]


@pytest.mark.parametrize("rule", stain_rules(), ids=lambda r: r.id)
def test_rule_example_is_decided_by_its_rule(rule, index: PhraseIndex) -> None:
    found = parse_stains(rule.example, index)
    assert any(f.rule == rule.id and f.result == rule.options["result"] for f in found)


@pytest.mark.parametrize(
    "text",
    ["(" * 50_000 + "x" * 50_000, "no " * 30_000 + "CD34", "positive for " * 5_000],
)
def test_linear_time_on_pathological_input(text: str, index: PhraseIndex) -> None:
    parse_stains(text, index)  # completes quickly (the test run's timing shows it)


def test_summary_keeps_first_result_per_marker() -> None:
    values = [
        {
            "marker": "CD34",
            "result": "negative",
            "extent": None,
            "intensity": None,
            "percent": None,
        },
        {
            "marker": "Ki-67",
            "result": "positive",
            "extent": None,
            "intensity": None,
            "percent": None,
        },
        {
            "marker": "CD34",
            "result": "positive",
            "extent": "focal",
            "intensity": None,
            "percent": None,
        },
        {
            "marker": "Ki-67",
            "result": "positive",
            "extent": None,
            "intensity": None,
            "percent": 5.0,
        },
    ]
    assert summarize_stains(values) == [
        {"marker": "CD34", "result": "negative", "extent": None, "percent": None},
        {"marker": "Ki-67", "result": "positive", "extent": None, "percent": 5.0},
    ]
