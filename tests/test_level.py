from __future__ import annotations

import pytest

from extractor.fields.level import find_levels, parse_level_expression
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
