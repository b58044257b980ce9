"""Lesion-locating sites and laterality (inline vocabularies, no spaCy)."""

from __future__ import annotations

import re

import pytest

from extractor.fields import site_parser
from extractor.fields.site import (
    Anchor,
    SiteField,
    config,
    default_laterality,
    link_rule,
    locate_sites,
    merge_adjacent,
    sentence_anchors,
    sites_in_diagnoses,
    summarize_sites,
)
from extractor.fields.vocabulary import PhraseIndex, VocabEntry, VocabMatch, parse_vocabulary

SITES = """canonical,synonyms,icdo3_topography,region,note
paraspinal soft tissue,paraspinal|para spinal|extraspinal,C49.6,,
paraspinal subcutaneous fat,,C49.6,,
spinal canal,intraspinal|lumbar canal,,,
retroperitoneum,retroperitoneal,C48.0,,
vertebral column,vertebra|spine,C41.2,,
neck,cervical|paracervical,C49.0,,
paravertebral muscle,,C49.0,,
psoas muscle,psoas,C49.4,,
lung,pulmonary,C34.9,,
lumbar region,,C76.7,,
soft tissue,,C49.9,,
"""
LATERALITY = {
    "right": "right",
    "rt": "right",
    "left": "left",
    "lt": "left",
    "left sided": "left",
    "bilateral": "bilateral",
    "both": "bilateral",
    "midline": "midline",
}


@pytest.fixture(scope="module")
def index() -> PhraseIndex:
    return PhraseIndex(parse_vocabulary("sites.csv", SITES))


def sites(
    text: str, index: PhraseIndex, diagnoses: list[tuple[int, int, bool]] = ()
) -> list[tuple]:
    anchors = sentence_anchors(text, config(), list(diagnoses))
    found = locate_sites(text, index.find(text), anchors, config(), LATERALITY)
    return [(text[f.start : f.end], f.name, f.laterality) for f in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a soft tissue mass lesion in Right paraspinal subcutaneous fat at L4 level",
            [("Right paraspinal subcutaneous fat", "paraspinal subcutaneous fat", "right")],
        ),
        # counter-example of the relative-position blockers: the lesion is in the muscle
        (
            "a lesion in the posterior part of the psoas muscle",
            [("psoas muscle", "psoas muscle", None)],
        ),
        (
            "Excision of rt. Paraspinal lesion at L4 was done",
            [("rt. Paraspinal", "paraspinal soft tissue", "right")],
        ),
        (
            "a solid and painful 4cm mass fixed to deep tissue on the left side of her neck",
            [("left side of her neck", "neck", "left")],
        ),
        ("a painful left cervical mass", [("left cervical", "neck", "left")]),
        (
            "a large retroperitoneal mass on the left with invasion into the L2 vertebra",
            [
                ("retroperitoneal", "retroperitoneum", "left"),
                ("L2 vertebra", "vertebral column", None),
            ],
        ),
        (
            "a large left-sided dumbbell-shaped intraspinal and extraspinal tumor",
            [
                ("intraspinal", "spinal canal", "left"),
                ("extraspinal", "paraspinal soft tissue", "left"),
            ],
        ),
        (
            "identical features to the primary cranial meningeal tumor removed 8 years earlier",
            [],
        ),
        (
            "a massive calcification of the paravertebral muscles at C3",
            [("paravertebral muscles", "paravertebral muscle", None)],
        ),
    ],
)
def test_lesion_sites(text: str, expected: list[tuple], index: PhraseIndex) -> None:
    assert sites(text, index) == expected


@pytest.mark.parametrize(
    "text",
    [
        "pain and burning sensation in the right lumbar region",
        "MRI of Lumbo-sacral spine including SI joints",
        "a mass with central necrosis, closely related to the left psoas muscle",
        "bilateral pulmonary metastases",
        "a heterogenous lobulated soft tissue mass",
        # a landmark named by a relative position is not the lesion's place
        "The tumor measured 27 mm and was located caudally on the left psoas muscle",
        "a mass lateral to the psoas muscle",
        "a cystic lesion posterior to the retroperitoneum",
    ],
)
def test_not_index_lesion_sites(text: str, index: PhraseIndex) -> None:
    assert sites(text, index) == []


def test_comorbidity_blocks_the_link(index: PhraseIndex) -> None:
    text = "revealed soft tissue calcification and osteoarthritis of the neck"
    start = text.index("osteoarthritis")
    blocked = sites(text, index, [(start, start + len("osteoarthritis"), True)])
    assert blocked == []


def test_final_diagnosis_is_an_anchor(index: PhraseIndex) -> None:
    text = "the diagnosis was an IMT of the lumbar canal"
    start = text.index("IMT")
    assert sites(text, index, [(start, start + 3, False)]) == [
        ("lumbar canal", "spinal canal", None)
    ]


def strip_marks(marked: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    text = marked.replace("[", "").replace("]", "").replace("{", "").replace("}", "")
    site_text = re.search(r"\[([^\]]+)\]", marked).group(1)
    anchor_text = re.search(r"\{([^}]+)\}", marked).group(1)
    s, a = text.index(site_text), text.index(anchor_text)
    return text, (s, s + len(site_text)), (a, a + len(anchor_text))


@pytest.mark.parametrize("rule", [config().before, config().after], ids=lambda r: r.id)
def test_rule_example_is_decided_by_its_rule(rule) -> None:
    text, (s, e), (a, b) = strip_marks(rule.example)
    site = VocabMatch(s, e, VocabEntry("x", ("x",), ()), "synonym")
    found = link_rule(text, site, [Anchor(a, b)], config())
    assert found is not None and found[0] == rule.id


def test_default_laterality_words_cover_the_values() -> None:
    assert set(default_laterality().values()) <= {"right", "left", "bilateral", "midline"}


def test_summary_unique_by_name_first_laterality() -> None:
    values = [
        {"name": "retroperitoneum", "laterality": "left", "icdo3_topography": "C48.0"},
        {"name": "vertebral column", "laterality": None, "icdo3_topography": "C41.2"},
        {"name": "vertebral column", "laterality": "left", "icdo3_topography": "C41.2"},
    ]
    assert summarize_sites(values) == [
        {"name": "retroperitoneum", "laterality": "left", "icdo3_topography": "C48.0"},
        {"name": "vertebral column", "laterality": "left", "icdo3_topography": "C41.2"},
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the imaged region is not the lesion's site
        ("MRI of the spine demonstrated a lobulated lesion", []),
        ("a lobulated lesion of the spine", [("spine", "vertebral column", None)]),
        # a modifier gap holds no preposition or reporting verb
        ("retroperitoneal fat with a mass", []),
        ("a retroperitoneal fatty mass", [("retroperitoneal", "retroperitoneum", None)]),
        # "primary" of the index tumour (title) vs "the primary" (an earlier tumour)
        ("Primary intraspinal mass in a child", [("intraspinal", "spinal canal", None)]),
        ("the primary intraspinal tumor removed 8 years earlier", []),
    ],
)
def test_link_limits(text: str, expected: list[tuple], index: PhraseIndex) -> None:
    assert sites(text, index) == expected


DX = """canonical,synonyms,abbreviations,icdo3,category,note
haemangioma,,,9120/0,neoplasm,
psoas abscess,,,,infection,
abscess,,,,infection,
aneurysmal bone cyst,,,,cyst,
"""


@pytest.mark.parametrize(
    ("text", "dx_text", "expected"),
    [
        (
            "bilateral psoas abscesses",
            "bilateral psoas abscesses",
            [("bilateral psoas", "bilateral")],
        ),
        (
            "an expansile T6 vertebral haemangioma",
            "vertebral haemangioma",
            [("T6 vertebral", None)],
        ),
        # the rest of the name is no diagnosis: "bone" is part of the entity's name
        ("an aneurysmal bone cyst", "aneurysmal bone cyst", []),
    ],
)
def test_sites_in_final_diagnosis(text: str, dx_text: str, expected: list[tuple]) -> None:
    site_index = PhraseIndex(parse_vocabulary("sites.csv", SITES + "bone,,C41.9,,\n"))
    dx_index = PhraseIndex(parse_vocabulary("diagnoses.csv", DX))
    start = text.index(dx_text)
    found = sites_in_diagnoses(
        text, [(start, start + len(dx_text))], site_index, config(), LATERALITY, dx_index
    )
    assert [(text[f.start : f.end], f.laterality) for f in found] == expected


def test_in_diagnosis_rule_example() -> None:
    rule = config().inside
    marked = rule.example.replace("{", "")
    site_end = marked.index("]")
    text = marked.replace("[", "").replace("]", "")
    rest = text[site_end - 1 : text.index("}")]
    assert rule.regex.match(rest)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dumbbell-shaped paraspinal tumour", ["paraspinal soft tissue"]),
        ("retroperitoneal psoas mass", ["retroperitoneal psoas"]),
    ],
)
def test_merge_adjacent(text: str, expected: list[str]) -> None:
    index = PhraseIndex(parse_vocabulary("sites.csv", SITES + "dumbbell,dumbbell-shaped,,,\n"))
    assert [m.canonical for m in merge_adjacent(text, index.find(text))] == expected


def test_negated_site_is_not_summarized() -> None:
    from extractor.schema import Assertion, Mention

    def site(name: str, negated: bool) -> Mention:
        value = {"name": name, "laterality": None, "icdo3_topography": None}
        return Mention(
            field="site",
            text=name,
            start=0,
            end=1,
            section="investigations",
            value=value,
            rule="site.before_anchor",
            assertion=Assertion(negated=negated),
        )

    summary = SiteField().summarize([site("spinal canal", True), site("neck", False)])
    assert [s["name"] for s in summary["sites"]] == ["neck"]


# ---------------------------------------------------------------- widened package vocabulary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A 3 cm mass in the right upper lobe was found.",
            [("right upper lobe", "upper lobe of lung", "right")],
        ),
        (
            "a tumour of the head of the pancreas",
            [("head of the pancreas", "head of pancreas", None)],
        ),
        (
            "a mass in the left lateral recess at L4",
            [("left lateral recess", "lateral recess", "left")],
        ),
        (
            "a cyst of the ligamentum flavum at L4-L5",
            [("ligamentum flavum", "spinal ligament", None)],
        ),
        ("a sellar mass with suprasellar extension", [("sellar", "pituitary gland", None)]),
        (
            "a nodule in the left lower lobe of the thyroid",
            [("left lower lobe of the thyroid", "thyroid gland", "left")],
        ),
        (
            "a mass in the left sacral foramina",
            [("left sacral foramina", "sacral foramen", "left")],
        ),
        ("a polypoid lesion of the sigmoid colon", [("sigmoid colon", "sigmoid colon", None)]),
        ("a mass visible to the naked eye", []),
        ("a lesion within a radius of 2 cm", []),
    ],
)
def test_widened_package_sites(text: str, expected: list[tuple]) -> None:
    from extractor.fields.vocabulary import phrase_index

    index = phrase_index("sites.csv")
    anchors = sentence_anchors(text, config(), [])
    found = locate_sites(text, index.find(text), anchors, config(), default_laterality())
    assert [(text[f.start : f.end], f.name, f.laterality) for f in found] == expected


class _Counting:
    """A pattern whose searches are counted."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.calls = pattern, 0

    def search(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        return self.pattern.search(text)


@pytest.mark.parametrize(
    ("text", "linked", "searched"),
    [
        ("a lobulated lesion of the spine", True, 1),
        # a site that links to no anchor: the text before it is not searched
        ("MRI of the spine was normal", False, 0),
        ("the spine was normal", False, 0),
        # counter-examples: a site that would link is searched, and the search decides
        ("MRI of the spine lesion", False, 1),  # the imaged region (searched after)
        ("the primary intraspinal tumor removed 8 years earlier", False, 1),
    ],
)
def test_earlier_tumour_searched_only_for_a_linking_site(
    monkeypatch: pytest.MonkeyPatch, text: str, linked: bool, searched: int, index: PhraseIndex
) -> None:
    counting = _Counting(site_parser._EARLIER_RE)
    monkeypatch.setattr(site_parser, "_EARLIER_RE", counting)
    [site] = index.find(text)
    found = link_rule(text, site, sentence_anchors(text, config(), []), config())
    assert (found is not None) == linked
    assert counting.calls == searched


@pytest.mark.parametrize(
    ("dx_text", "lookups"),
    [("vertebral haemangioma", 1), ("haemangioma", 0), ("aneurysmal bone cyst", 0)],
)
def test_modifier_entry_looked_up_only_for_a_modifier_word(
    monkeypatch: pytest.MonkeyPatch, dx_text: str, lookups: int, index: PhraseIndex
) -> None:
    names: list[str] = []
    real = index.lookup
    monkeypatch.setattr(index, "lookup", lambda name: names.append(name) or real(name))
    found = site_parser._modifier_matches(dx_text, 0, len(dx_text), index, config())
    assert names == ["vertebra"] * lookups
    assert [(dx_text[m.start : m.end], m.entry.canonical) for m in found] == [
        ("vertebral", "vertebral column")
    ] * lookups
