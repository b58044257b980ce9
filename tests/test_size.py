from __future__ import annotations

import pytest

from extractor.fields.measured import link_config, parse_measured_objects
from extractor.fields.size import MM_PER_UNIT, find_sizes, link, link_sizes, parse_size
from extractor.fields.vocabulary import VocabularyError
from extractor.rules import RuleFileError
from extractor.text import normalize


def sizes(text: str) -> list[tuple[str, list[float], str]]:
    clean = normalize(text).text
    return [(clean[s:e], v.dims_mm, v.unit) for s, e, v, _ in find_sizes(clean)]


def links(text: str) -> list[tuple[str, str | None, str | None]]:
    """(measurement, class, object text) of every length measurement in ``text``."""
    clean = normalize(text).text
    return [(clean[s:e], found.cls, found.text) for s, e, _v, _r, found in link_sizes(clean)]


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a mass measuring 4.5 X 3.5 X 2.6 Cm. The",
            [("4.5 X 3.5 X 2.6 Cm", [45.0, 35.0, 26.0], "cm")],
        ),
        ("16.4\u00d712.4\u00d719.4 cm mass", [("16.4x12.4x19.4 cm", [164.0, 124.0, 194.0], "cm")]),
        ("a solid and painful 4cm mass", [("4cm", [40.0], "cm")]),
        ("a lesion of 32 \u00d7 15 \u00d7 14 mm", [("32 x 15 x 14 mm", [32.0, 15.0, 14.0], "mm")]),
        ("a nodule measuring 3.0 by 2.6 cm", [("3.0 by 2.6 cm", [30.0, 26.0], "cm")]),
        ("multiple 2- to 3-cm nodules", [("2- to 3-cm", [30.0], "cm")]),
        ("a tumour measuring up to 5 cm", [("5 cm", [50.0], "cm")]),
        ("a 12\u2009\u00d7\u20094 cm mass", [("12 x 4 cm", [120.0, 40.0], "cm")]),
        ("a 4-cm mass", [("4-cm", [40.0], "cm")]),
        ("a cyst of 3 cm x 2 cm", [("3 cm x 2 cm", [30.0, 20.0], "cm")]),
        ("a 2,5 cm nodule", [("2,5 cm", [25.0], "cm")]),
        ("a lesion 16/22/15mm", [("16/22/15mm", [16.0, 22.0, 15.0], "mm")]),
        ("a lesion of 3 / 4 cm", [("4 cm", [40.0], "cm")]),  # spaced slash: no dimensions
        # not lengths at all: files, doses, volumes, percentages, magnification, pressure
        ("Cervical CT (0.08MB).", []),
        ("palliative radiotherapy (30 Gy and 10 fractions)", []),
        ("nifedipine 10mg every 8h", []),
        ("drained 350 mL of pus", []),
        ("Ki-67 index of 5%", []),
        ("HPE image [400X]", []),
        ("blood pressure 120/80 mm Hg", []),
        ("a mass with a volume of 12 cm3", []),
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
        ("16/22/15mm", [16.0, 22.0, 15.0]),  # dimensions written with slashes
        ("0 cm", None),
    ],
)
def test_parse_size(text: str, dims: list[float] | None) -> None:
    value = parse_size(text)
    assert (value.dims_mm if value else None) == dims


# ---------------------------------------------------------------- linking, by class


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        # premodifier
        ("a 3-cm soft mass", "mass"),
        ("a 2 cm sessile polyp", "polyp"),
        ("a 3 cm schwannoma of the thigh", "schwannoma"),
        ("a 2-mm vesicle", "vesicle"),
        ("an approximate 6 cm swelling", "swelling"),
        ("a 2 cm firm, rubbery nodule", "nodule"),
        ("the man had a large (12 cm) mass", "mass"),  # bracketed inside the noun phrase
        # noun before: measuring / of / copula / brackets / comma / largest
        ("a mass measuring 4 x 3 cm", "mass"),
        ("a tumor of 3 cm", "tumor"),
        ("the lesion was 3 cm", "lesion"),
        ("a cyst (3 cm) was drained", "cyst"),
        ("a nodule, 3 cm in size, was seen", "nodule"),
        ("a lump with a diameter of 2 cm", "lump"),
        ("Several nodules, the largest 2 cm across.", "nodules"),
        # the place of a lesion is not what it measures
        ("a lesion of the left femur (4 cm)", "lesion"),
        ("a mass in the neck and the trapezius muscle measuring 6 cm", "mass"),
        ("a mass compressing the spinal cord, 3 cm long", "mass"),
        # coordination, pronouns, the previous sentence
        ("two cysts of 3 cm on the left and 2 cm on the right", "cysts"),
        ("A mass was seen. It measured 5 cm.", "mass"),
        ("We removed the nodule. Maximum diameter: 2 cm.", "nodule"),
        # specimen and biopsy
        ("The specimen measured 6 x 4 x 3 cm.", "specimen"),
        ("Three cores, the longest 1.5 cm.", "cores"),
    ],
)
def test_lesion_measurements_are_kept_with_what_they_measure(text: str, measures: str) -> None:
    found = find_sizes(normalize(text).text)
    assert [v.measures for _s, _e, v, _r in found] == [measures] * len(found) != []


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        # body and growth
        ("his height was 150 cm", "body"),
        ("the boy was 120 cm tall", "body"),
        ("after surgery she was 3 cm taller", "body"),
        ("head circumference 34 cm", "body"),
        ("a fetal femur length of 30 mm", "body"),
        ("the tuberculin test was 12 mm", "body"),
        ("she walked 300 m in six minutes", "body"),
        # devices and implants
        ("a 10 mm stent was placed", "device"),
        ("a vascular graft of 8 mm", "device"),
        ("a 25-mm valve prosthesis", "device"),
        ("a 4.5 mm locking plate", "device"),
        ("a 2 m long drain", "device"),
        ("a 6 mm endotracheal tube", "device"),
        # cardiac chambers and vessels
        ("a dilated left atrium of 50 mm", "cardiovascular"),
        ("the aortic root was 38 mm", "cardiovascular"),
        ("interventricular septum 14 mm", "cardiovascular"),
        ("the inferior vena cava (22 mm)", "cardiovascular"),
        # imaging parameters
        ("CT with 1 mm slices", "imaging"),
        ("a slice thickness of 3 mm", "imaging"),
        ("reconstructed at 0.5 mm increments", "imaging"),
        ("ST elevation of 2 mm", "imaging"),
        # distances and landmarks
        ("located 8 cm from the anal verge", "distance"),
        ("the liver edge 2 cm below the costal margin", "distance"),
        ("1 cm lateral to the midline", "distance"),
        ("a polyp 4 cm proximal to the valve", "distance"),
        ("at a distance of 5 cm", "distance"),
        ("the tip lay 2 cm to the carina", "distance"),
        # incisions, wounds, margins
        ("a 5 cm incision", "incision"),
        ("a resection margin of 1 cm", "incision"),
        ("Margins were clear (closest 4 mm).", "incision"),
        ("excised with 2 cm of normal tissue", "incision"),
        ("a 3 cm laceration", "incision"),
        # anatomy that is not a lesion
        ("the spleen measured 14 cm", "anatomy"),
        ("the common bile duct (9 mm)", "anatomy"),
        ("a thickened pericardium at 4 mm", "anatomy"),
        ("pupils of 3 mm", "anatomy"),
        ("a spleen of 15 cm, a lesion of the liver", "anatomy"),
        ("20 cm of ileum was resected", "anatomy"),
        # non-lesion findings
        ("splenomegaly (18 cm)", "finding"),
        ("an ascaris worm of 20 cm", "finding"),
        # laboratory values written 'mm'
        ("serum bicarbonate 18 mm", "laboratory"),
        ("plasma glucose 6 mm", "laboratory"),
        # pressures
        ("a pressure of 15 cm H2O", "pressure"),
        ("His height (170 cm) was normal.", "body"),  # bracketed, no noun after
    ],
)
def test_non_lesion_measurements_are_dropped(text: str, cls: str) -> None:
    assert [c for _m, c, _o in links(text)] == [cls]
    assert sizes(text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # counter-examples: a non-lesion word nearby, but the measurement is a lesion's
        ("the height of the tumour was 4 cm", ["4 cm"]),  # body
        ("a 3 cm mass around the stent", ["3 cm"]),  # device
        ("a 3 cm thrombus in the left atrium", ["3 cm"]),  # cardiovascular
        ("a 4 mm nodule seen on 1 mm slices", ["4 mm"]),  # imaging
        ("a 2 cm polyp 5 cm from the anal verge", ["2 cm"]),  # distance
        ("a 3 cm lump beneath the scar", ["3 cm"]),  # incision
        ("a 2 cm cyst of the kidney", ["2 cm"]),  # anatomy
        ("a tumour of the spinal cord measuring 2 cm", ["2 cm"]),  # anatomy
        ("a 4 cm mass with a pleural effusion", ["4 cm"]),  # finding
        ("a 5 mm calcium deposit", ["5 mm"]),  # laboratory
    ],
)
def test_lesions_next_to_non_lesion_words_are_kept(text: str, kept: list[str]) -> None:
    assert [m for m, _d, _u in sizes(text)] == kept


@pytest.mark.parametrize(
    ("text", "measured", "what"),
    [
        ("Para-aortic lymph nodes up to 2 cm were present", "2 cm", "Para-aortic lymph nodes"),
        (
            "an approximate 5 cm left inguinal lymph node was palpable",
            "5 cm",
            "inguinal lymph node",
        ),
        ("a pericardial effusion (maximal depth, 9 mm)", "9 mm", "pericardial effusion"),
        (
            "mild pericardial effusion (2-3 mm), without compromise",
            "2-3 mm",
            "pericardial effusion",
        ),
        ("Atrial septal defect ostium secundum type, of 6 mm", "6 mm", "Atrial septal defect"),
        ("The defect in the abdominal wall was 1.0 cm.", "1.0 cm", "defect"),
        ("a small tear (length, 6 mm) behind the leaflet", "6 mm", "tear"),
    ],
)
def test_pathological_findings_are_size_mentions_of_class_pathology(
    text: str, measured: str, what: str
) -> None:
    clean = normalize(text).text
    found = [(clean[s:e], v.measures, v.measures_class) for s, e, v, _ in find_sizes(clean)]
    assert found == [(measured, what, "pathology")]


@pytest.mark.parametrize(
    ("text", "what", "cls"),
    [
        # counter-examples: the finding is where the lesion is, or a lesion's image
        ("a tumour in the lymph node, measuring 3 cm", "tumour", "lesion"),
        ("a 3 cm metastasis in a mediastinal lymph node", "metastasis", "lesion"),
        ("an osteolytic defect of 2 cm in the L3 vertebral body", "osteolytic defect", "lesion"),
        ("a 4 cm mass with a pleural effusion", "mass", "lesion"),
        ("pupils of 3 mm", None, None),  # anatomy: not a size mention
        ("hepatomegaly with a liver span of 18 cm", None, None),  # organ enlargement
    ],
)
def test_lesions_beside_pathology_words_stay_lesions(
    text: str, what: str | None, cls: str | None
) -> None:
    clean = normalize(text).text
    found = [(v.measures, v.measures_class) for _s, _e, v, _r in find_sizes(clean)]
    assert found == ([(what, cls)] if what else [])


@pytest.mark.parametrize(
    "text",
    [
        "Plasma lactate was 2.9 mM",
        "a mass; bicarbonate 27 MM",
        "glucose 5.4 mmol/L in a patient with a mass",
        "45M with a paraspinal mass",
    ],
)
def test_concentrations_are_never_sizes(text: str) -> None:
    assert links(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a lesion named in the sentence and nothing non-lesion nearer: kept
        ("Tumour: lobulated; 4 cm.", [("4 cm", "lesion", "Tumour")]),
        # no object in the sentence or the one before: dropped
        ("Measured 4 cm.", [("4 cm", None, None)]),
        # no object and no extent named: not elliptical for the previous sentence
        ("A mass was seen. Na 135 mm.", [("135 mm", None, None)]),
        ("A mass was seen. Diameter 3 cm.", [("3 cm", "lesion", "mass")]),
        # a non-lesion object is nearer than the lesion: dropped
        ("A mass was biopsied; a 14 mm needle.", [("14 mm", "device", "needle")]),
    ],
)
def test_default_when_no_object_is_linked(text: str, expected: list) -> None:
    assert links(text) == expected


def test_every_measurement_says_why() -> None:
    text = "A 3 cm mass lay 5 cm from the anal verge; the stent was 10 mm."
    assert links(text) == [
        ("3 cm", "lesion", "mass"),
        ("5 cm", "distance", "from"),
        ("10 mm", "device", "stent"),
    ]
    clean = normalize(text).text
    assert link(clean, clean.index("10 mm"), clean.index("10 mm") + 5).cls == "device"


def test_defined_short_form_takes_the_class_of_its_long_form() -> None:
    text = "A pseudoaneurysm (PSA) was found. Angiography showed a 3 cm PSA."
    assert links(text) == [("3 cm", "lesion", "PSA")]


# ---------------------------------------------------------------- data files


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("term,class,synonyms,note\nmass,lezion,,\n", "line 2: invalid class 'lezion'"),
        ("term,class,synonyms,note\nmass,lesion,,\nstent,device,mass,\n", "line 3: synonym"),
        ("term,class,synonyms,note\n,lesion,,\n", "line 2: empty 'term'"),
        ("term,class,synonyms,note\nmass,,,\n", "line 2: empty class"),
        ("term,kind,note\nmass,lesion,\n", "header"),
    ],
)
def test_bad_measured_objects_file_fails_loudly(content: str, message: str) -> None:
    with pytest.raises(VocabularyError) as err:
        parse_measured_objects("measured_objects.csv", content)
    assert "measured_objects.csv" in str(err.value)
    assert message in str(err.value)


def test_shipped_link_settings_load() -> None:
    cfg = link_config()
    assert "of" in cfg.locative_words and cfg.run_reach > 0
    assert RuleFileError  # the error raised for a bad 'link' block


# ---------------------------------------------------------------- specimen / summary


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
    ("text", "target", "expected"),
    [
        ("The excised tumour measured\n4 x 3 cm.", "4 x 3 cm", "specimen"),
        ("A 4 cm tumour was resected.", "4 cm", "specimen"),
        ("A lesion (4 cm) was biopsied, then resected en bloc.", "4 cm", None),
    ],
)
def test_measured_on_reads_the_measurement_clause(
    text: str, target: str, expected: str | None
) -> None:
    from extractor.fields.size import measured_on, measurement_clause

    start = text.index(target)
    assert measured_on(measurement_clause(text, start, start + len(target))) == expected


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
        ("Case report\nA 3 cm mass was found. His height was 170 cm.", 30.0),
        ("Case report\nA 2 cm nodule lay 30 cm from the anal verge.", 20.0),
        # a bound is no measurement; counter-example: "up to" gives the largest size
        ("Case report\nMRI showed a massive (>5 cm) tumour.", None),
        ("Case report\nA tumour of less than 1 cm and a 3 cm nodule.", 30.0),
        ("Case report\nThe tumour measured up to 4 cm.", 40.0),
    ],
)
def test_size_summary_prefers_the_specimen(text: str, size_max_mm: float) -> None:
    from extractor import extract

    assert extract(text).summary.size_max_mm == size_max_mm


def test_mentions_record_what_they_measure() -> None:
    from extractor import extract

    record = extract("Case report\nA 4 cm schwannoma was found. A 10 mm stent was placed.")
    values = [m.value for m in record.mentions if m.field == "size"]
    assert [(v["max_mm"], v["measures"]) for v in values] == [(40.0, "schwannoma")]


@pytest.mark.parametrize("unit", sorted(MM_PER_UNIT))
def test_unit_factors_agree_with_pint(unit: str) -> None:
    import pint  # dev dependency

    registry = pint.UnitRegistry()
    expected = registry.Quantity(1, unit).to("millimeter").magnitude
    assert MM_PER_UNIT[unit] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("taken", "span"),
    [
        ([], (0, 3)),
        ([(4, 8)], (0, 4)),
        ([(4, 8)], (8, 9)),
        ([(4, 8)], (7, 9)),
        ([(10, 12), (0, 20)], (14, 15)),  # a long span starting earlier covers it
        ([(3, 5), (9, 11)], (5, 9)),
        ([(3, 5), (9, 11)], (4, 10)),
    ],
)
def test_free_of_is_the_all_disjoint_test(
    taken: list[tuple[int, int]], span: tuple[int, int]
) -> None:
    from extractor.fields.measured import _free_of

    s, e = span
    assert _free_of(taken)(s, e) == all(e <= a or b <= s for a, b in taken)
