"""Lesions: what each mention describes, which lesion is the index, and the flat keys."""

from __future__ import annotations

import json
import sys

import pytest

from extractor import extract
from extractor.lesions import (
    choose_index,
    lesion_rules,
    metastasis_diagnosis,
    parse_lesion_rules,
    site_location,
)
from extractor.rules import RuleFileError, read_json_resource


def lesions_of(text: str) -> list[tuple[str, str]]:
    return [(x.role, x.location) for x in extract(text).summary.lesions]


@pytest.mark.parametrize(
    ("text", "lesions", "size"),
    [
        # a size goes with the lesion of its clause (the noun it measures is located after it)
        ("Case report: A 60-year-old man had an 85 mm mass in the right kidney and a 30 mm "
         "mass at L2. The L2 mass was resected.",
         [("index", "axial"), ("other", "kidney")], 30.0),
        # ... or before it
        ("Case report: The mass at T9 measured 3 cm. A second mass in the left kidney "
         "measured 7 cm.", [("index", "axial"), ("other", "kidney")], 30.0),
        # counter-example: one lesion, every mention is its own
        ("Case report: A 45-year-old woman had a 4 cm paraspinal mass at L4 that was excised.",
         [("index", "axial")], 40.0),
        # counter-example: a visceral lesion alone is the index lesion
        ("Case report: A 50-year-old man had a 6 cm mass in the right lung. Biopsy of the lung "
         "mass showed squamous cell carcinoma.", [("index", "lung")], 60.0),
    ],
)  # fmt: skip
def test_sizes_attach_to_the_lesion_they_measure(text, lesions, size):
    record = extract(text)
    assert [(x.role, x.location) for x in record.summary.lesions] == lesions
    assert record.summary.size_max_mm == size


@pytest.mark.parametrize(
    ("text", "measures", "measured_on"),
    [
        ("Case report: MRI showed a 4 cm paraspinal mass at L4.", "mass", None),
        ("Case report: A mass at L4 was excised. The resected tumour measured 5 cm.",
         "tumour", "specimen"),
        # counter-example: no size, no size entry
        ("Case report: A 45-year-old woman had a paraspinal mass at L4 that was excised.",
         None, None),
    ],
)  # fmt: skip
def test_index_lesion_size_says_what_it_measured(text, measures, measured_on):
    size = extract(text).summary.lesions[0].size
    got = (size.measures, size.measured_on) if size else (None, None)
    assert got == (measures, measured_on)


@pytest.mark.parametrize(
    ("text", "lesions", "final"),
    [
        # the primary of a metastatic index lesion gets its own entry
        ("Case report: A 65-year-old woman was treated for breast carcinoma in 2010. MRI showed "
         "a metastasis at T8 that was resected; pathology showed metastatic carcinoma.",
         [("index", "axial"), ("primary", "breast")], "carcinoma"),
        # the organ after "metastatic ... of" is the origin: its lesion is the primary
        ("Case report: A 70-year-old man had a history of prostate cancer. MRI showed an "
         "intramedullary mass at T10. Pathology showed metastatic adenocarcinoma of the "
         "prostate.", [("index", "axial"), ("primary", "prostate")], "adenocarcinoma"),
        # counter-example: no metastasis cue -> no primary
        ("Case report: A 70-year-old man had a history of prostate cancer. MRI showed an "
         "intramedullary schwannoma at T10 that was resected.",
         [("index", "axial"), ("other", "prostate")], "schwannoma"),
        # counter-example: no metastasis cue -> no primary
        ("Case report: A 65-year-old woman had a chordoma at S2 that was resected.",
         [("index", "axial")], "chordoma"),
    ],
)  # fmt: skip
def test_metastasis_and_primary(text, lesions, final):
    record = extract(text)
    assert [(x.role, x.location) for x in record.summary.lesions] == lesions
    assert record.summary.final_diagnosis.name == final


def test_index_lesion_holds_the_flat_values_and_its_evidence():
    text = (
        "Case report: A 60-year-old man had an 85 mm mass in the right kidney and a 30 mm "
        "mass at L2. The L2 mass was resected."
    )
    record = extract(text)
    index, kidney = record.summary.lesions
    assert index.levels == record.summary.levels == ["L2"]
    assert index.size.max_mm == record.summary.size_max_mm
    assert {record.mentions[i].text for i in index.mentions} >= {"30 mm", "L2"}
    assert {record.mentions[i].text for i in kidney.mentions} == {"85 mm", "right kidney"}
    assert kidney.size.max_mm == 85.0 and kidney.why == "other.rest"


@pytest.mark.parametrize(
    ("places", "procedure", "expected"),
    [
        (["kidney"], set(), ("kidney", "index.only")),
        (["kidney", "axial"], {"kidney"}, ("axial", "index.axial")),
        (["kidney", "axial"], {"axial"}, ("axial", "index.procedure")),
        # counter-example: an axial lesion with no level, no procedure and less evidence
        (["liver", "axial"], set(), ("liver", "index.most_mentions")),
        (["kidney", "lung"], {"lung"}, ("lung", "index.procedure")),
        (["kidney", "lung"], set(), ("kidney", "index.most_mentions")),  # ties: first
    ],
)
def test_choose_index(places, procedure, expected):
    counts = {p: 2 if p == "liver" else 1 for p in places}
    spinal = "liver" not in places
    assert choose_index(places, counts, procedure, spinal) == expected


@pytest.mark.parametrize(
    ("own", "primary", "expected"),
    [
        (None, [{"name": "follicular thyroid carcinoma", "icdo3": "8330/3"}],
         {"name": "metastatic follicular thyroid carcinoma", "icdo3": "8330/6"}),
        ({"name": "carcinoma", "icdo3": "8010/3"},
         [{"name": "papillary thyroid carcinoma", "icdo3": "8260/3"}],
         {"name": "metastatic papillary thyroid carcinoma", "icdo3": "8260/6"}),
        # counter-examples: a specific own name stays; a generic primary adds nothing
        ({"name": "adenocarcinoma", "icdo3": "8140/3"},
         [{"name": "breast carcinoma", "icdo3": "8010/3"}],
         {"name": "adenocarcinoma", "icdo3": "8140/3"}),
        ({"name": "carcinoma", "icdo3": "8010/3"}, [{"name": "carcinoma", "icdo3": "8010/3"}],
         {"name": "carcinoma", "icdo3": "8010/3"}),
    ],
)  # fmt: skip
def test_metastasis_diagnosis_from_the_primary(own, primary, expected):
    result = metastasis_diagnosis(own, primary)
    assert {k: result[k] for k in ("name", "icdo3")} == expected


@pytest.mark.parametrize(
    ("site", "location"),
    [("vertebral column", "axial"), ("paraspinal soft tissue", "axial"),
     ("kidney", "kidney"), ("breast", "breast"),
     ("upper lobe of lung", "lung"), ("tail of pancreas", "pancreas"),  # one organ each
     ("thyroid gland", "thyroid gland"),
     ("parathyroid gland", "parathyroid gland"), ("pituitary gland", "pituitary gland")],
)  # fmt: skip
def test_site_location(site, location):
    assert site_location(site) == location


def test_rule_examples_hold():
    rules = lesion_rules()
    assert rules.procedure.search("the mass was resected")
    assert not rules.metastasis.search("no distant spread")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"procedure_cue": "(unclosed"}, "procedure_cue: invalid regex"),
        ({"surprise": 1}, "keys must be exactly"),
        ({"examples": {"metastasis_cue": ["no spread"]}}, "example does not match"),
        ({"examples": {"clause_break_counter": ["a, b"]}}, "counter-example matches"),
    ],
)
def test_bad_rule_file_names_file_and_key(change, message):
    name, data = read_json_resource("extractor.lesions", "lesion_rules.json")
    bad = json.loads(json.dumps(data)) | change
    with pytest.raises(RuleFileError, match=rf"lesion_rules\.json: .*{message}"):
        parse_lesion_rules(name, bad)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Case report: A 60-year-old man had an 85 mm mass in the right kidney and a 30 mm "
         "mass at L2. The L2 mass was resected.",
         "index (axial), L2, 30 mm [index.procedure]; other (kidney), 85 mm [other.rest]"),
    ],
)  # fmt: skip
def test_review_page_lists_the_lesions(text, shown):
    from extractor.export.review import summary_rows

    rows = dict(summary_rows(extract(text)))
    assert rows["Lesions"] == shown


@pytest.mark.parametrize(
    ("text", "lesions", "cues"),
    [
        # one lesion: it is the index lesion whatever the procedure cues say
        (
            "Case report: A 45-year-old woman had a 4 cm paraspinal mass at L4 that was excised.",
            [("index", "axial")],
            ["metastasis"],
        ),
        # a metastasis cue is still read (whether the index lesion is a metastasis)
        (
            "Case report: A 60-year-old man had metastases to the L2 vertebra.",
            [("index", "axial")],
            ["metastasis"],
        ),
        # counter-example: two lesions, the procedure cues choose between them
        (
            "Case report: A 60-year-old man had an 85 mm mass in the right kidney and a 30 mm "
            "mass at L2. The L2 mass was resected.",
            [("index", "axial"), ("other", "kidney")],
            ["metastasis", "procedure"],
        ),
    ],
)
def test_procedure_cues_are_read_only_to_choose_among_lesions(monkeypatch, text, lesions, cues):
    roles = sys.modules["extractor.lesions.roles"]
    real, read = roles._cue_locations, []

    def spy(text, pattern, *rest):  # noqa: ANN001, ANN002, ANN202
        rules = lesion_rules()
        read.append("procedure" if pattern is rules.procedure else "metastasis")
        return real(text, pattern, *rest)

    monkeypatch.setattr(roles, "_cue_locations", spy)
    assert lesions_of(text) == lesions
    assert sorted(read) == cues
