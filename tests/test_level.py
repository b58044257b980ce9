from __future__ import annotations

import pytest

from extractor.fields.level import (
    _rules,
    find_levels,
    parse_level_expression,
    parse_named,
    parse_ordinal,
    rejected_by,
)
from extractor.text import normalize


def levels(text: str) -> list[tuple[str, list[str], str]]:
    clean = normalize(text).text
    return [(clean[s:e], v.levels, v.kind) for s, e, v, _ in find_levels(clean)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a dumbbell-shaped tumor from C6 to T2.",
            [("C6 to T2", ["C6", "C7", "T1", "T2"], "range")],
        ),
        ("extending C6\u2013T2", [("C6-T2", ["C6", "C7", "T1", "T2"], "range")]),
        ("at T11-L1", [("T11-L1", ["T11", "T12", "L1"], "range")]),
        ("from L1 to S1", [("L1 to S1", ["L1", "L2", "L3", "L4", "L5", "S1"], "range")]),
        ("disc herniation at L4-5", [("L4-5", ["L4", "L5"], "disc")]),
        ("at L4/L5", [("L4/L5", ["L4", "L5"], "disc")]),
        ("at L5-S1", [("L5-S1", ["L5", "S1"], "disc")]),
        ("involving L3, L4 and L5", [("L3, L4 and L5", ["L3", "L4", "L5"], "vertebra")]),
        ("the L4 vertebral body", [("L4", ["L4"], "vertebra")]),
        ("at the level of L4", [("L4", ["L4"], "vertebra")]),
        ("a D12 wedge collapse", [("D12", ["T12"], "vertebra")]),
        ("the Th11 pedicle", [("Th11", ["T11"], "vertebra")]),
        ("the fourth lumbar vertebra", [("fourth lumbar vertebra", ["L4"], "vertebra")]),
        ("anterior to the coccyx", [("coccyx", ["Co"], "vertebra")]),
        ("tumor of the lumbar spinal canal", [("lumbar", [], "region")]),
        ("to the cervicothoracic spine", [("cervicothoracic", [], "region")]),
        # rejected: dermatomes, MRI weighting, TNM, labs, imaging/pain regions, markers
        ("paraesthesia in the L2 dermatome", []),
        ("pain in an S1 dermatomal distribution", []),
        ("the L5 nerve root was compressed", []),
        ("T1-weighted images showed", []),
        ("hypointense on T1 and hyperintense on T2", []),
        ("T1 and T2 signal", []),
        ("T1- and T2-weighted sequences", []),
        ("staged T2N0M0", []),
        ("a pT1 tumour", []),
        ("low C3 and C4 complement levels", []),
        ("serum free T4 was normal", []),
        ("thyroid-stimulating hormone, f-T3 and f-T4 were in range", []),
        ("MRI of Lumbo-sacral spine including SI joints", []),
        ("pain in the right lumbar region", []),
        ("lateral cervical spine X-ray.", []),
        ("a painful left cervical mass", []),
        ("positive for CD34 and S-100, D2-40 negative", []),
        ("C8 root", []),
    ],
)
def test_level_table(text: str, expected: list) -> None:
    assert levels(text) == expected


@pytest.mark.parametrize(
    ("expr", "expected", "region"),
    [
        ("C6 to T2", ["C6", "C7", "T1", "T2"], "cervicothoracic"),
        ("L4-5", ["L4", "L5"], "lumbar"),
        ("L5-S1", ["L5", "S1"], "lumbosacral"),
        ("T2-T1", None, None),
        ("L7", None, None),
        ("C3", ["C3"], "cervical"),
    ],
)
def test_parse_level_expression(expr: str, expected: list | None, region: str | None) -> None:
    value = parse_level_expression(expr)
    assert (value.levels if value else None) == expected
    assert (value.region if value else None) == region


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "involvement of the L3-4 and L4-5 discs",
            [("L3-4", ["L3", "L4"], "disc"), ("L4-5", ["L4", "L5"], "disc")],
        ),
        ("a mass from T9 to T11, 4.2 cm long", [("T9 to T11", ["T9", "T10", "T11"], "range")]),
        ("posterior fixation from D10 to L2", []),
        ("He underwent L4 laminectomy", []),
        ("with C5-C7 lateral mass fixation", []),
        ("a sensory level at T6", []),
        ("CD20(-) and cyclin D1 negative", []),
        ("a dorsal epidural mass", []),
        ("of the left thoracic paraspinal muscles", []),
        ("a destructive lesion of the D12 vertebral body", [("D12", ["T12"], "vertebra")]),
    ],
)
def test_level_lists_and_surgical_levels(text: str, expected: list) -> None:
    assert levels(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # words inside a range: the span is the level expression only
        (
            "extending from the level of C3 upper body to T1 lower body",
            [("C3 upper body to T1", ["C3", "C4", "C5", "C6", "C7", "T1"], "range")],
        ),
        ("from L2 to the L4 level", [("L2 to the L4", ["L2", "L3", "L4"], "range")]),
        (
            "down to the inferior endplate of T11",
            [("T11", ["T11"], "vertebra")],
        ),
        (
            "from the T5 vertebral body to the upper border of T7",
            [("T5 vertebral body to the upper border of T7", ["T5", "T6", "T7"], "range")],
        ),
        ("a mass from C3 to C5 vertebrae", [("C3 to C5", ["C3", "C4", "C5"], "range")]),
        ("spanning T3 through T6", [("T3 through T6", ["T3", "T4", "T5", "T6"], "range")]),
        ("a cyst L2-S3", [("L2-S3", ["L2", "L3", "L4", "L5", "S1", "S2", "S3"], "range")]),
        ("at T11\u2013L2", [("T11-L2", ["T11", "T12", "L1", "L2"], "range")]),
        # between two levels: spans them; two adjacent levels are a disc
        ("a lesion between T3 and T6", [("T3 and T6", ["T3", "T4", "T5", "T6"], "range")]),
        (
            "lying between the C4 and C6 vertebrae",
            [("C4 and C6", ["C4", "C5", "C6"], "range")],
        ),
        ("the disc between L3 and L4", [("L3 and L4", ["L3", "L4"], "disc")]),
        # hyphen inside a level, named vertebrae
        ("the lateral mass of C-2", [("C-2", ["C2"], "vertebra")]),
        ("an L-3 burst", [("L-3", ["L3"], "vertebra")]),
        ("C2 (axis)", [("C2", ["C2"], "vertebra")]),
        ("a lytic lesion of the atlas", [("atlas", ["C1"], "vertebra")]),
        ("the body of the axis", [("axis", ["C2"], "vertebra")]),
        ("a tumour of the odontoid process", [("odontoid", ["C2"], "vertebra")]),
        # ordinals
        ("the third thoracic vertebra", [("third thoracic vertebra", ["T3"], "vertebra")]),
        (
            "a metastasis in the sixth cervical spine",
            [("sixth cervical spine", ["C6"], "vertebra")],
        ),
        (
            "the first and second sacral vertebrae",
            [("first and second sacral vertebrae", ["S1", "S2"], "vertebra")],
        ),
        (
            "from the second to the fourth lumbar vertebrae",
            [("second to the fourth lumbar vertebrae", ["L2", "L3", "L4"], "range")],
        ),
        (
            "the eleventh thoracic and first lumbar vertebral bodies",
            [("eleventh thoracic and first lumbar vertebral bodies", ["T11", "L1"], "vertebra")],
        ),
        # counter-examples that keep their level
        ("numbness caused by a mass at T9", [("T9", ["T9"], "vertebra")]),
        ("a hemilaminectomy revealed a cyst at T5", [("T5", ["T5"], "vertebra")]),
        ("a mass at L2 was removed by laminectomy", [("L2", ["L2"], "vertebra")]),
        ("the T9 body was collapsed", [("T9", ["T9"], "vertebra")]),
        ("a C3-C6 intramedullary tumour", [("C3-C6", ["C3", "C4", "C5", "C6"], "range")]),
        ("a destructive lesion at T1", [("T1", ["T1"], "vertebra")]),
        ("a mass at L4 leads to cord compression", [("L4", ["L4"], "vertebra")]),
        ("erosion of the left L4 pedicle", [("L4", ["L4"], "vertebra")]),
        (
            "the left T1 and right T2 facets",
            [("T1", ["T1"], "vertebra"), ("T2", ["T2"], "vertebra")],
        ),
        ("a tumour at S-2 with sacral erosion", [("S-2", ["S2"], "vertebra")]),
    ],
)
def test_level_phrasings_with_words(text: str, expected: list) -> None:
    assert levels(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # sensory levels, dermatomes and nerve roots
        "a sensory level at T8",
        "a T8 sensory level",
        "hypoaesthesia below the T11 level",
        "loss of sensation below T6",
        "the right C6 nerve root",
        "the exiting L4 root",
        "compression of the roots of C6 and C7",
        "an S1 radiculopathy",
        "a C5 palsy after surgery",
        "paraplegia below the T-4 level",
        "the S-3 and S-4 stimulator cables",
        # a drug, not a level
        "docetaxel plus S-1 as second line",
        "S-1 monotherapy was started",
        # MRI weighting and TNM
        "bright on sagittal T2",
        "T1 fat-suppressed images",
        "a T2* sequence",
        "the tumour was staged as T3",
        "T2N1M0",
        # surgical and approach levels
        "C4-T2 posterior fusion",
        "pedicle screws at L2 and L4",
        "via a right T5-T6 hemilaminectomy",
        "a T4 laminectomy",
        "Bilateral L1-L2 laminectomies were performed",
        "an L3 corpectomy",
        "corpectomy of C5",
        "decompression at C3-C4",
        "L4-5 posterior lumbar interbody fusion",
        "sacrectomy below S2",
        # not involved, oedema, alignment
        "the T4-5 and T5-6 discs were preserved",
        "the L3 body was spared",
        "oedema of the C4-C6 posterior elements",
        "the C2-C7 lordosis",
        # not a vertebra
        "the long axis of the mass",
        "an atlas of soft tissue tumours",
        "along the axis of the limb",
        "the ratio between T1 and T2 signal",
        "the first and second lumbar nerve roots",
        # figure and table labels, lymphadenectomy extent
        "as shown in Fig. S1",
        "see Table S2 and Figure L1",
        "gastrectomy with D2 lymph node dissection",
        # heart sounds, sample time points
        "a gallop rhythm with an S3 and a holosystolic murmur",
        "an S4 gallop was heard",
        "serial plasma samples (T1-T9) were collected",
    ],
)
def test_not_lesion_levels(text: str) -> None:
    assert levels(text) == []


@pytest.mark.parametrize(
    "rule", [r for r in _rules() if r.options.get("kind") == "reject"], ids=lambda r: r.id
)
def test_reject_rule_counter_examples_keep_a_level(rule) -> None:  # noqa: ANN001
    assert rule.counter_examples
    for counter in rule.counter_examples:
        text = normalize(counter).text
        assert find_levels(text), counter
        target = "region" if rule.options.get("applies_to") == "region" else "levels"
        assert not any(rejected_by(text, s, e, target) == rule.id for s, e, *_ in find_levels(text))


def test_between_expands_and_summary_orders() -> None:
    from extractor import extract

    record = extract("Case report\nA woman had a mass between T8 and T10 and an L1 lesion.")
    assert record.summary.levels == ["T8", "T9", "T10", "L1"]


@pytest.mark.parametrize(
    ("args", "expected", "kind"),
    [
        (("fifth", "lumbar"), ["L5"], "vertebra"),
        (("first", "", "second", "sacral", " and"), ["S1", "S2"], "vertebra"),
        (("twelfth", "thoracic", "first", "lumbar", " and"), ["T12", "L1"], "vertebra"),
        (("third", "", "fifth", "cervical", " to"), ["C3", "C4", "C5"], "range"),
        (("eighth", "cervical"), None, None),
        (("sixth", "lumbar", "first", "sacral", " to"), None, None),
    ],
)
def test_parse_ordinal(args: tuple, expected: list | None, kind: str | None) -> None:
    value = parse_ordinal(*args)
    assert (value.levels if value else None) == expected
    assert (value.kind if value else None) == kind


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("atlas", ["C1"]),
        ("axis", ["C2"]),
        ("axis2", ["C2"]),
        ("odontoid", ["C2"]),
        ("coccyx", ["Co"]),
    ],
)
def test_parse_named(name: str, expected: list[str]) -> None:
    assert parse_named(name).levels == expected
