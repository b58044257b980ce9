from __future__ import annotations

import pytest

from extractor.fields.size import MM_PER_UNIT, find_sizes, parse_size
from extractor.text import normalize


def sizes(text: str) -> list[tuple[str, list[float], str]]:
    clean = normalize(text).text
    return [(clean[s:e], v.dims_mm, v.unit) for s, e, v, _ in find_sizes(clean)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a mass measuring 4.5 X 3.5 X 2.6 Cm. The",
            [("4.5 X 3.5 X 2.6 Cm", [45.0, 35.0, 26.0], "cm")],
        ),
        ("16.4\u00d712.4\u00d719.4 cm mass", [("16.4x12.4x19.4 cm", [164.0, 124.0, 194.0], "cm")]),
        ("a solid and painful 4cm mass", [("4cm", [40.0], "cm")]),
        ("32 \u00d7 15 \u00d7 14 mm", [("32 x 15 x 14 mm", [32.0, 15.0, 14.0], "mm")]),
        ("3.0 by 2.6 cm", [("3.0 by 2.6 cm", [30.0, 26.0], "cm")]),
        ("multiple 2- to 3-cm nodules", [("2- to 3-cm", [30.0], "cm")]),
        ("measuring up to 5 cm", [("5 cm", [50.0], "cm")]),
        ("12\u2009\u00d7\u20094 cm", [("12 x 4 cm", [120.0, 40.0], "cm")]),
        ("a 4-cm mass", [("4-cm", [40.0], "cm")]),
        ("3 cm x 2 cm", [("3 cm x 2 cm", [30.0, 20.0], "cm")]),
        ("a 2,5 cm nodule", [("2,5 cm", [25.0], "cm")]),
        # rejected: files, doses, volumes, percentages, magnification, landmarks, pressure
        ("Cervical CT (0.08MB).", []),
        ("palliative radiotherapy (30 Gy and 10 fractions)", []),
        ("nifedipine 10mg every 8h", []),
        ("drained 350 mL of pus", []),
        ("Ki-67 index of 5%", []),
        ("HPE image [400X]", []),
        ("5 cm from the anal verge", []),
        ("a resection margin of 1 cm", []),
        ("blood pressure 120/80 mm Hg", []),
        ("a volume of 12 cm3", []),
    ],
)
def test_size_table(text: str, expected: list) -> None:
    assert sizes(text) == expected


@pytest.mark.parametrize(
    ("text", "dims"),
    [
        ("4.5 X 3.5 X 2.6 Cm", [45.0, 35.0, 26.0]),
        ("7 mm", [7.0]),
        ("1.2 m", [1200.0]),
        ("3 x 2", None),
        ("1 x 2 x 3 x 4 cm", None),
        ("0 cm", None),
    ],
)
def test_parse_size(text: str, dims: list[float] | None) -> None:
    value = parse_size(text)
    assert (value.dims_mm if value else None) == dims


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45M with a paraspinal mass", []),
        ("Margins were clear (closest 4 mm).", []),
        ("The Mantoux test was 4 mm", []),
        ("Para-aortic lymph nodes up to 2.2 cm were present", []),
        ("a 2 m long drain", [("2 m", [2000.0], "m")]),
    ],
)
def test_size_non_lesion_measurements(text: str, expected: list) -> None:
    assert sizes(text) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The resected tumour measured 4.1 x 3.4 x 3.0 cm.", "specimen"),
        ("Gross specimen: a mass measuring 4.5 X 3.5 X 2.6 Cm.", "specimen"),
        ("Multiple grey-white friable cores, the largest 1.2 cm in length.", "biopsy"),
        ("CT showed a lesion measuring 4.6 x 3.8 x 3.5 cm.", None),
    ],
)
def test_measured_on(sentence: str, expected: str | None) -> None:
    from extractor.fields.size import measured_on

    assert measured_on(sentence) == expected


@pytest.mark.parametrize(
    ("text", "size_max_mm"),
    [
        (
            "Case report\nMRI showed a 12 x 4 cm mass. The resected tumour measured "
            "11.5 x 4.2 x 3.6 cm.",
            115.0,
        ),
        (
            "Case report\nCT showed psoas collections measuring 8.2 x 4.1 cm. Biopsy cores, the "
            "largest 1.2 cm in length, were taken.",
            82.0,
        ),
        ("Case report\nA 4cm mass was found.", 40.0),
    ],
)
def test_size_summary_prefers_the_specimen(text: str, size_max_mm: float) -> None:
    from extractor import extract

    assert extract(text).summary.size_max_mm == size_max_mm


@pytest.mark.parametrize("unit", sorted(MM_PER_UNIT))
def test_unit_factors_agree_with_pint(unit: str) -> None:
    import pint  # dev dependency

    registry = pint.UnitRegistry()
    expected = registry.Quantity(1, unit).to("millimeter").magnitude
    assert MM_PER_UNIT[unit] == pytest.approx(expected, rel=1e-12)
