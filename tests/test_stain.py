"""Stain parser: markers, results distributed over lists and clauses, extent, percent."""

from __future__ import annotations

import pytest

from extractor.fields.stain import (
    GENERAL_RE,
    allowed_starts,
    find_cues,
    find_markers,
    parse_stains,
    stain_rules,
    stain_section_allowed,
    summarize_stains,
)
from extractor.fields.vocabulary import PhraseIndex, parse_vocabulary
from extractor.sections import SectionSpan
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
chromogranin A,chromogranin|chromogranin-A,,ihc,
synaptophysin,,,ihc,
NSE,neuron-specific enolase,NSE,ihc,
bcl-2,BCL2,,ihc,
CK20,cytokeratin 20,,ihc,
p63,,,ihc,
EGFR,epidermal growth factor receptor,,ihc,
Congo red,Congo red staining,,special_stain,
periodic acid-Schiff,PAS|PAS staining,,special_stain,
Melan-A,Melan A|MART-1,,ihc,
HMB-45,HMB45,,ihc,
GFAP,glial fibrillary acidic protein,,ihc,
inhibin,,,ihc,
reticulin,,,special_stain,
CD31,,,ihc,
SOX10,SOX-10,,ihc,
EMA,epithelial membrane antigen,EMA,ihc,
Gram stain,Gram stains,,special_stain,
parathyroid hormone,,PTH,ihc,
BRAF V600E,,,molecular_ihc,
kappa light chain,kappa,,ihc,
TLE1,,,ihc,
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
            "Staining showed CD34 (+++), desmin (++) and CD99 (-).",
            [("CD34", "positive"), ("desmin", "positive"), ("CD99", "negative")],
        ),
        ("Staining showed CD34++ and desmin+.", [("CD34", "positive"), ("desmin", "positive")]),
        (
            "Immunohistochemistry showed smooth muscle actin (SMA) (+++) and desmin (-).",
            [("smooth muscle actin", "positive"), ("desmin", "negative")],
        ),
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
    if rule.options["result"] == "none":  # a stain named without a result: no finding
        markers = find_markers(rule.example, index)
        assert rule.id in {c.rule for c in find_cues(rule.example, stain_rules(), markers)}
        assert markers and found == []
        return
    assert any(f.rule == rule.id and f.result == rule.options["result"] for f in found)


@pytest.mark.parametrize(
    ("rule", "counter"),
    [(r, c) for r in stain_rules() for c in r.counter_examples],
    ids=lambda x: getattr(x, "id", x),
)
def test_rule_counter_example_is_not_decided_by_it(rule, counter: str, index) -> None:
    assert rule.id not in {f.rule for f in parse_stains(normalize(counter).text, index)}


@pytest.mark.parametrize(
    "text",
    [
        "(" * 50_000 + "x" * 50_000,
        "no " * 30_000 + "CD34",
        "positive for " * 5_000,
        "positive for CD34, mclean-A, " * 5_000,
        "CD34 was expressed in A but not in B, " * 5_000,
        "CD34, " * 20_000,
    ],
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


POS, NEG = "positive", "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a coordinated list after a result cue (verb + result noun, adjective + "for")
        (
            "The mass showed positive staining for CD34, CD99 and BCL2.",
            [("CD34", POS), ("CD99", POS), ("bcl-2", POS)],
        ),
        (
            "Tumour cells demonstrated labelling with chromogranin, NSE and synaptophysin.",
            [("chromogranin A", POS), ("NSE", POS), ("synaptophysin", POS)],
        ),
        (
            "The lesional cells were positive for reticulin, inhibin, SOX-10, GFAP, CD31 and EMA.",
            [
                ("reticulin", POS),
                ("inhibin", POS),
                ("SOX10", POS),
                ("GFAP", POS),
                ("CD31", POS),
                ("EMA", POS),
            ],
        ),
        (
            "The tumour was negative to CK20, p63 and EGFR.",
            [("CK20", NEG), ("p63", NEG), ("EGFR", NEG)],
        ),
        (
            "with diffuse immunoreactivity for GFAP and S-100",
            [("GFAP", POS), ("S100 protein", POS)],
        ),
        (
            "There was weak to moderate staining for desmin and CD34.",
            [("desmin", POS), ("CD34", POS)],
        ),
        ("The cells were positive on immunohistochemistry for CD34.", [("CD34", POS)]),
        (
            "The nodule was negative by immunostaining for desmin and EMA.",
            [("desmin", NEG), ("EMA", NEG)],
        ),
        ("The cells were positive for the endothelial marker CD31.", [("CD31", POS)]),
        ("The tumour cells expressed vimentin and CD99.", [("vimentin", POS), ("CD99", POS)]),
        # a result cue after the list
        (
            "Stains for PTH and chromogranin A gave a strong reactivity.",
            [("parathyroid hormone", POS), ("chromogranin A", POS)],
        ),
        ("Desmin and CD34 staining showed no reactivity.", [("desmin", NEG), ("CD34", NEG)]),
        ("Both Gram stains were negative.", [("Gram stain", NEG)]),
        ("CD34 expression was noted in the vessels.", [("CD34", POS)]),
        # a noun cue before the list yields to a result after it
        ("Immunoreactivity for desmin was absent.", [("desmin", NEG)]),
        ("Expression of INI1 was lost in the tumour cells.", [("INI1", NEG)]),
        (
            "Expression of INI1 was retained while CD34 was negative.",
            [("INI1", POS), ("CD34", NEG)],
        ),
        # switches: "but not", "while negative for", "whereas"
        (
            "Tumour cells were immunoreactive for S-100 but not for CD34 or desmin.",
            [("S100 protein", POS), ("CD34", NEG), ("desmin", NEG)],
        ),
        (
            "positive for vimentin while negative for desmin and CD34",
            [("vimentin", POS), ("desmin", NEG), ("CD34", NEG)],
        ),
        ("positive for CD34, whereas desmin was negative", [("CD34", POS), ("desmin", NEG)]),
        # signs, also after a parenthesis
        (
            "CD34 (+), desmin (-), S-100 (+)",
            [("CD34", POS), ("desmin", NEG), ("S100 protein", POS)],
        ),
        ("epidermal growth factor receptor (EGFR) (+)", [("EGFR", POS)]),
        ("a nuclear antigen (INI1) (-)", [("INI1", NEG)]),
        # verbs of highlighting, light-chain restriction, "did not show ... staining"
        ("Vessels were highlighted by CD31 and CD34.", [("CD31", POS), ("CD34", POS)]),
        ("S-100 decorated the nerve twigs only.", [("S100 protein", POS)]),
        (
            "CD34 outlined the vessels; desmin did not show any cytoplasmic staining.",
            [("CD34", POS), ("desmin", NEG)],
        ),
        (
            "The infiltrate was CD138+ and kappa restricted.",
            [("CD138", POS), ("kappa light chain", POS)],
        ),
        # report-style lists: "marker: result", result headings, spaced dashes
        (
            "Immunohistochemistry: CD34: positive; desmin: negative; Ki-67: 5%.",
            [("CD34", POS), ("desmin", NEG), ("Ki-67", POS)],
        ),
        (
            "Positive: CD34, S-100; negative: desmin, EMA.",
            [("CD34", POS), ("S100 protein", POS), ("desmin", NEG), ("EMA", NEG)],
        ),
        ("CD34 - positive, desmin - negative", [("CD34", POS), ("desmin", NEG)]),
        ("CD34-, S-100- and desmin+", [("CD34", NEG), ("S100 protein", NEG), ("desmin", POS)]),
        # a positive group with a contrast in its clause also gets the contrast's result
        (
            "CD34 and CD99 were expressed in the tumour, but not in the overlying skin.",
            [("CD34", POS), ("CD99", POS), ("CD34", NEG), ("CD99", NEG)],
        ),
        (
            "Desmin was positive in the vessels but negative in the tumour; S-100 was positive.",
            [("desmin", POS), ("desmin", NEG), ("S100 protein", POS)],
        ),
        # misspelled markers in the slots of a coordinated list
        (
            "The cells were positive for S-100, mclean-A and HMB-45.",
            [("S100 protein", POS), ("Melan-A", POS), ("HMB-45", POS)],
        ),
        ("The cells were positive for mclean-A, HMB-45.", [("Melan-A", POS), ("HMB-45", POS)]),
        ("Negative for desmin and vimentni.", [("desmin", NEG), ("vimentin", NEG)]),
        # the markers are the subject of a negated clause
        ("No other markers (CD34, S-100, desmin) were expressed.",
         [("CD34", NEG), ("S100 protein", NEG), ("desmin", NEG)]),
        ("None of CD34 and desmin was positive.", [("CD34", NEG), ("desmin", NEG)]),
        # counter-examples: a "no" elsewhere in the sentence leaves the result alone
        ("There was no necrosis; CD34 and desmin were positive.", [("CD34", POS), ("desmin", POS)]),
        ("No mitoses were seen, and CD34 was positive.", [("CD34", POS)]),
        # loss of expression is a negative result
        ("Loss of nuclear INI1 expression was noted.", [("INI1", NEG)]),
        ("Loss of weight was noted; CD34 was positive.", [("CD34", POS)]),  # counter-example
        # a result joined to a marker by a hyphen is that marker's, inside any list
        ("Positive for CD34 and S-100-negative.", [("CD34", POS), ("S100 protein", NEG)]),
        ("Reactive for CD34 and S-100 protein-negative.", [("CD34", POS), ("S100 protein", NEG)]),
        # counter-example: a spaced result word is the list's cue
        ("The cells were CD34 and S-100 negative.", [("CD34", NEG), ("S100 protein", NEG)]),
        # a result right before the parenthesis that holds the markers
        ("Histology revealed positive immunostaining (CD34 and desmin).",
         [("CD34", POS), ("desmin", POS)]),
        ("Immunostaining was negative (CD34, desmin).", [("CD34", NEG), ("desmin", NEG)]),
        # counter-examples: a figure call, a parenthesis with more than the markers
        ("CD34 was positive (Fig. 2), and desmin was negative.", [("CD34", POS), ("desmin", NEG)]),
        ("CD34 and desmin were negative (S-100 was not done).", [("CD34", NEG), ("desmin", NEG)]),
        # CD numbers written without "CD" after a signed CD marker
        ("T cells CD3+/8+ and B cells CD20+.", [("CD3", POS), ("CD8", POS), ("CD20", POS)]),
        ("The cells were CD4+/8-/56+.", [("CD4", POS), ("CD8", NEG), ("CD56", POS)]),
        # counter-examples: a ratio, a number without its own sign
        ("The CD4/8 ratio was 2.1 and CD20 was positive.", [("CD20", POS)]),
        ("CD3+/8 ratio of 1.5", [("CD3", POS)]),
    ],
)  # fmt: skip
def test_phrasing_classes(text: str, expected: list[tuple[str, str]], index: PhraseIndex) -> None:
    assert [(m, r) for m, r, *_ in results(text, index)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a stain named without a result
        ("CD34 was not performed.", []),
        ("The tumour was positive for S-100, and CD34 was not performed.", [("S100 protein", POS)]),
        ("CD34 staining was performed on the biopsy.", []),
        ("Immunostains for CD34, desmin and S-100 were performed.", []),
        ("Sections were stained with antibodies against CD34, S-100 and desmin.", []),
        ("A panel including CD34, S-100 and desmin was applied.", []),
        ("Immunohistochemistry for CD34 was performed and was negative.", [("CD34", NEG)]),
        ("The Ki-67 index was assessed at 5%.", [("Ki-67", POS)]),
        ("A panel including CD34 and desmin was negative.", [("CD34", NEG), ("desmin", NEG)]),
        # controls
        ("A positive control for CD34 was included.", []),
        (
            "The tumour was positive for S-100, with a positive control for CD34.",
            [("S100 protein", POS)],
        ),
        ("S-100 negative control slides were clean.", []),
        ("Positive and negative controls were run for CD34 and S-100.", []),
        (
            "The tumour was negative for CD34 (positive internal control in vessels) and desmin.",
            [("CD34", NEG), ("desmin", NEG)],
        ),
        # a noun after the marker is no result when a verb follows it
        (
            "EBER and CD34 serology, as well as CD34 tissue staining, were negative.",
            [("Epstein-Barr virus", NEG), ("CD34", NEG), ("CD34", NEG)],
        ),
        # molecular tests are not stains
        ("Sequencing found a BRAF V600E mutation.", []),
        ("The tumour was positive for CD34; ALK rearrangement was found by FISH.", [("CD34", POS)]),
        # "but not" qualifying a marker's value is no result switch
        ("TLE1 is sensitive but not specific; CD99 was positive.", [("CD99", POS)]),
        # methods: stained sections
        ("Reticulin stained sections were reviewed.", []),
        # no list, no misspelling: ordinary words stay words
        ("The cells were positive for CD34 and adipocytes.", [("CD34", POS)]),
        ("The mclean-A stain was sent out.", []),
    ],
)
def test_counter_examples(text: str, expected: list[tuple[str, str]], index: PhraseIndex) -> None:
    assert [(m, r) for m, r, *_ in results(text, index)] == expected


@pytest.mark.parametrize(
    ("text", "general"),
    [
        ("The differential diagnosis includes schwannoma, which is S-100 positive.", True),
        ("The differential diagnosis is GIST, which expresses CD117.", True),
        ("Chordoma is typically positive for brachyury.", True),
        (
            "The differential diagnosis included schwannoma; the tumour was negative for S-100.",
            False,
        ),
        ("The tumour was negative for S-100, which excluded schwannoma.", False),
    ],
)
def test_general_sentences(text: str, general: bool) -> None:
    assert bool(GENERAL_RE.search(text)) is general


# ---------------------------------------------------------------- widened package vocabulary


@pytest.fixture(scope="module")
def package_index() -> PhraseIndex:
    from extractor.fields.vocabulary import phrase_index

    return phrase_index("markers.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The tumour cells were positive for PRL and Pit-1, and negative for SF-1 and T-PIT.",
            [("prolactin", POS), ("Pit-1", POS), ("SF-1", NEG), ("T-PIT", NEG)],
        ),
        (
            "Adipophilin was positive in the clear cells; p57 was lost.",
            [("adipophilin", POS), ("p57", NEG)],
        ),
        ("Nuclear BAP1 was lost, while MTAP was retained.", [("BAP1", NEG), ("MTAP", POS)]),
        (
            "The osteoclast-like giant cells were TRAP positive.",
            [("tartrate-resistant acid phosphatase", POS)],
        ),
        (
            "Cytokeratin, CK5 and claudin-4 were negative; MOC-31 and Ber-EP4 were positive.",
            [
                ("pan-cytokeratin", NEG),
                ("CK5", NEG),
                ("claudin-4", NEG),
                ("MOC-31", POS),
                ("Ber-EP4", POS),
            ],
        ),
        (
            "The tumour was diffusely positive for PSMA and HOXB13 and negative for GATA3.",
            [("PSMA", POS), ("HOXB13", POS), ("GATA3", NEG)],
        ),
        ("Rb expression was lost; CD34 was positive.", [("RB1", NEG), ("CD34", POS)]),
        ("ERG was positive in the endothelial cells.", [("ERG", POS)]),
        (
            "The cells were positive for chromogranin and serotonin, and negative for gastrin.",
            [("chromogranin A", POS), ("serotonin", POS), ("gastrin", NEG)],
        ),
        # a marker with its own percentage keeps it when the list's cue is further on
        (
            "The Ki-67 index was: 40%, ER were 90%, PR 10% and HER2 was negative.",
            [("Ki-67", POS), ("estrogen receptor", POS), ("progesterone receptor", POS),
             ("HER2", NEG)],
        ),
        # counter-examples: 0% is negative; a shared cue without percentages distributes
        ("ER 0%, PR 0% and HER2 were negative.",
         [("estrogen receptor", NEG), ("progesterone receptor", NEG), ("HER2", NEG)]),
        ("CD34, CD99 and S-100 were negative.", [("CD34", NEG), ("CD99", NEG), ("S-100", NEG)]),
        # counter-examples: ordinary words and blood tests
        ("The emitted energy of one erg was negative.", []),
        ("Serum prolactin was elevated.", []),
        ("The trap was negative for artefacts.", []),
        ("Serum gastrin and insulin levels were normal.", []),
    ],
)  # fmt: skip
def test_widened_markers_in_sentences(
    text: str, expected: list[tuple[str, str]], package_index: PhraseIndex
) -> None:
    assert [(m, r) for m, r, *_ in results(text, package_index)] == expected


_SECTIONS = [
    ("front_matter", 10, 40),  # non-content, but the title block is kept
    ("case_presentation", 40, 90),
    ("references", 90, 120),  # other articles: no stains
    ("web_chrome", 120, 150),  # non-content
    ("discussion", 150, 200),
]


@pytest.mark.parametrize(
    "pos",
    # before the first section (no section: allowed), on each boundary, inside each
    [0, 9, 10, 39, 40, 89, 90, 100, 119, 120, 149, 150, 199, 250],
)
def test_allowed_starts_agree_with_the_section_test(pos: int) -> None:
    sections = [SectionSpan(label, label, a, b) for label, a, b in _SECTIONS]
    assert allowed_starts(sections, [pos]) == [stain_section_allowed(sections, pos)]
    assert allowed_starts([], [pos]) == [True]


def test_allowed_starts_skip_other_articles_and_non_content() -> None:
    sections = [SectionSpan(label, label, a, b) for label, a, b in _SECTIONS]
    positions = [5, 20, 50, 95, 130, 160]
    assert allowed_starts(sections, positions) == [True, True, True, False, False, True]
