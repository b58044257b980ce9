"""NAACCR XML export: item codes, records -> items, and the file against the standard's
XML Schema and v26 dictionary (read from the shared folder, see ``naaccr_dir``)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from lxml import etree

from extractor.cli import main
from extractor.export import RecordsFileError
from extractor.export.codes import ItemDef, naaccr_items, parse_registry_codes, registry_codes
from extractor.export.naaccr import (
    NaaccrValueError,
    age_code,
    format_item,
    laterality_code,
    naaccr_document,
    naaccr_tumours,
    patient_items,
    size_code,
    tumour_items,
    write_naaccr,
)
from extractor.export.naaccr_check import (
    DICTIONARY_NAME,
    check_naaccr_file,
    dictionary_problems,
    read_dictionary,
)
from extractor.rules import RuleFileError

NS = {"n": "http://naaccr.org/naaccrxml"}
BENIGN = {
    "role": "index",
    "sites": [("paraspinal soft tissue", "C49.6", "right")],
    "size": 45.0,
    "dx": ("glomus tumour", "8711/0", "histopathology"),
}
THYROID_PRIMARY = {
    "role": "primary",
    "location": "thyroid gland",
    "dx": ("follicular thyroid carcinoma", "8330/3", None),
}
SPINE_METASTASIS = {
    "role": "index",
    "sites": [("vertebral column", "C41.2", None)],
    "size": 30.0,
    "dx": ("metastatic follicular thyroid carcinoma", "8330/6", "histopathology"),
}

# (case, record description, expected Patient items, expected items of each Tumor)
CASES = [
    (
        "benign /0, unpaired site",
        dict(age=45.0, sex="female", lesions=[BENIGN]),
        {"sexAssignedAtBirth": "2"},
        [
            {
                "ageAtDiagnosis": "045",
                "primarySite": "C496",
                "laterality": "0",
                "diagnosticConfirmation": "1",
                "histologicTypeIcdO3": "8711",
                "behaviorCodeIcdO3": "0",
                "tumorSizeSummary": "045",
                "tumorRecordNumber": "01",
            }
        ],
    ),
    (
        "borderline /1, size unknown",
        dict(
            age=56.0,
            sex="male",
            lesions=[
                {
                    "role": "index",
                    "sites": [("spinal canal", "C72.9", None)],
                    "dx": ("inflammatory myofibroblastic tumour", "8825/1", "histopathology"),
                }
            ],
        ),
        {"sexAssignedAtBirth": "1"},
        [
            {
                "ageAtDiagnosis": "056",
                "primarySite": "C729",
                "laterality": "0",
                "histologicTypeIcdO3": "8825",
                "behaviorCodeIcdO3": "1",
                "tumorSizeSummary": "999",
            }
        ],
    ),
    (
        "malignant, paired site left, size rounded half up",
        dict(
            age=61.0,
            sex="female",
            lesions=[
                {
                    "role": "index",
                    "sites": [("breast", "C50.9", "left")],
                    "size": 12.5,
                    "dx": ("invasive breast carcinoma of no special type", "8500/3", "cytology"),
                }
            ],
        ),
        {"sexAssignedAtBirth": "2"},
        [
            {
                "primarySite": "C509",
                "laterality": "2",
                "diagnosticConfirmation": "2",
                "histologicTypeIcdO3": "8500",
                "behaviorCodeIcdO3": "3",
                "tumorSizeSummary": "013",
            }
        ],
    ),
    (
        "metastasis: the Tumor is the primary, placed by its organ",
        dict(age=57.0, sex="female", lesions=[SPINE_METASTASIS, THYROID_PRIMARY]),
        {"sexAssignedAtBirth": "2"},
        [
            {
                "ageAtDiagnosis": "057",
                "primarySite": "C739",
                "laterality": "0",
                "diagnosticConfirmation": "1",
                "histologicTypeIcdO3": "8330",
                "behaviorCodeIcdO3": "3",
                "tumorSizeSummary": "999",
                "textPrimarySiteTitle": "thyroid gland",
            }
        ],
    ),
    (
        "metastasis of a lung primary, side not stated",
        dict(
            age=70.0,
            sex="male",
            lesions=[
                {
                    "role": "index",
                    "sites": [("vertebral column", "C41.2", None)],
                    "dx": ("adenocarcinoma", "8140/3", "histopathology"),
                },
                {
                    "role": "primary",
                    "location": "lung",
                    "sites": [("lung", "C34.9", None)],
                    "size": 25.0,
                    "dx": ("lung adenocarcinoma", "8140/3", "radiology"),
                },
            ],
        ),
        {},
        [
            {
                "primarySite": "C349",
                "laterality": "9",
                "histologicTypeIcdO3": "8140",
                "behaviorCodeIcdO3": "3",
                "tumorSizeSummary": "025",
                "diagnosticConfirmation": "1",
            }
        ],
    ),
    (
        "metastasis /6, primary unknown",
        dict(
            age=66.0,
            sex="male",
            lesions=[
                {
                    "role": "index",
                    "sites": [("vertebral column", "C41.2", None)],
                    "size": 40.0,
                    "dx": ("metastatic adenocarcinoma", "8140/6", "histopathology"),
                }
            ],
        ),
        {},
        [
            {
                "primarySite": "C809",
                "laterality": "0",
                "histologicTypeIcdO3": "8140",
                "behaviorCodeIcdO3": "3",
                "tumorSizeSummary": "999",
                "ageAtDiagnosis": "066",
            }
        ],
    ),
    (
        "primary told as history: age at its diagnosis unknown",
        dict(age=57.0, lesions=[SPINE_METASTASIS, {**THYROID_PRIMARY, "history": True}]),
        {"sexAssignedAtBirth": "9"},
        [{"ageAtDiagnosis": "999", "primarySite": "C739"}],
    ),
    (
        "no diagnosis: no Tumor",
        dict(
            age=40.0,
            sex="male",
            lesions=[
                {"role": "index", "sites": [("vertebral column", "C41.2", None)], "size": 20.0}
            ],
        ),
        {"sexAssignedAtBirth": "1"},
        [],
    ),
    (
        "non-neoplastic diagnosis: no Tumor",
        dict(
            age=32.0,
            sex="male",
            lesions=[
                {
                    "role": "index",
                    "sites": [("vertebral column", "C41.2", None)],
                    "dx": ("tuberculosis", None, "histopathology"),
                }
            ],
        ),
        {"sexAssignedAtBirth": "1"},
        [],
    ),
    ("no lesion at all", dict(age=32.0), {"sexAssignedAtBirth": "9"}, []),
    (
        "size above 988 mm",
        dict(age=50.0, lesions=[{**BENIGN, "size": 1200.0}]),
        {},
        [{"tumorSizeSummary": "989"}],
    ),
    (
        "size under 1 mm",
        dict(age=50.0, lesions=[{**BENIGN, "size": 0.4}]),
        {},
        [{"tumorSizeSummary": "001"}],
    ),
    (
        "size of a biopsy fragment is not the tumour's",
        dict(age=50.0, lesions=[{**BENIGN, "size": 15.0, "measured_on": "biopsy"}]),
        {},
        [{"tumorSizeSummary": "999"}],
    ),
    (
        "infant, age in months",
        dict(age=0.0575, sex="female", lesions=[BENIGN]),
        {},
        [{"ageAtDiagnosis": "000"}],
    ),
    ("toddler of 18 months", dict(age=1.5, lesions=[BENIGN]), {}, [{"ageAtDiagnosis": "001"}]),
    (
        "age and sex unknown",
        dict(lesions=[BENIGN]),
        {"sexAssignedAtBirth": "9"},
        [{"ageAtDiagnosis": "999"}],
    ),
    (
        "a second primary among the other lesions",
        dict(
            age=60.0,
            sex="female",
            lesions=[
                BENIGN,
                {
                    "role": "other",
                    "location": "breast",
                    "sites": [("breast", "C50.9", "right")],
                    "dx": ("breast carcinoma", "8010/3", None),
                    "history": True,
                },
                {"role": "other", "location": "prostate", "sites": [("prostate", "C61.9", None)]},
            ],
        ),
        {},
        [
            {"tumorRecordNumber": "01", "primarySite": "C496"},
            {
                "tumorRecordNumber": "02",
                "primarySite": "C509",
                "laterality": "1",
                "histologicTypeIcdO3": "8010",
                "ageAtDiagnosis": "999",
                "diagnosticConfirmation": "9",
                "tumorSizeSummary": "999",
            },
        ],
    ),
    (
        "metastases of an index primary are not Tumors",
        dict(
            age=60.0,
            lesions=[
                {
                    "role": "index",
                    "sites": [("kidney", "C64.9", "bilateral")],
                    "dx": ("clear cell renal cell carcinoma", "8310/3", "radiology"),
                },
                {"role": "metastasis", "location": "liver", "sites": [("liver", "C22.0", None)]},
                {
                    "role": "other",
                    "location": "lung",
                    "dx": ("metastatic carcinoma", "8010/6", None),
                },
            ],
        ),
        {},
        [{"primarySite": "C649", "laterality": "4", "diagnosticConfirmation": "7"}],
    ),
    (
        "midline of a paired site",
        dict(
            lesions=[
                {
                    "role": "index",
                    "sites": [("cerebral meninges", "C70.0", "midline")],
                    "dx": ("meningioma", "9530/0", "intraoperative"),
                }
            ]
        ),
        {},
        [{"laterality": "5", "diagnosticConfirmation": "9"}],
    ),
]


def _case_record(registry_record, description: dict):
    return registry_record(**description)[0]


@pytest.mark.parametrize(
    ("case", "description", "patient", "tumours"), CASES, ids=[c[0] for c in CASES]
)
def test_record_to_items(registry_record, case, description, patient, tumours) -> None:
    record = _case_record(registry_record, description)
    got_patient = patient_items(record, 7)
    assert got_patient["patientIdNumber"] == "00000007"
    assert got_patient.items() >= patient.items()
    found = naaccr_tumours(record)
    assert len(found) == len(tumours)
    for number, (tumour, expected) in enumerate(zip(found, tumours, strict=True), start=1):
        items = tumour_items(record, tumour, number)
        assert {k: items.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("basis", "item"),
    [
        ("histopathology", "textDxProcPath"),
        ("cytology", "textDxProcPath"),
        ("radiology", "textDxProcXRayScan"),
        ("clinical", "textDxProcPe"),
        ("intraoperative", "textDxProcOp"),
        (None, "textRemarks"),
    ],
)
def test_diagnosis_text_goes_to_the_item_of_its_basis(registry_record, basis, item) -> None:
    record, text = registry_record(lesions=[{**BENIGN, "dx": ("glomus tumour", "8711/0", basis)}])
    items = tumour_items(record, naaccr_tumours(record)[0], 1)
    text_items = {k for k in items if k.startswith("textDx") or k == "textRemarks"}
    assert text_items == {item}
    m = next(m for m in record.mentions if m.field == "diagnosis")
    assert items[item] == f"glomus tumour (pathology, chars {m.start}-{m.end})"
    assert text[m.start : m.end] == "glomus tumour"
    assert items["textHistologyTitle"] == "glomus tumour"
    assert items["textPrimarySiteTitle"] == "paraspinal soft tissue"


@pytest.mark.parametrize(
    ("max_mm", "code"),
    [
        (None, "999"),
        (0.0, "999"),
        (0.4, "001"),
        (1.0, "001"),
        (1.49, "001"),
        (1.5, "002"),
        (45.0, "045"),
        (987.6, "988"),
        (988.4, "988"),
        (988.5, "989"),
        (989.0, "989"),
        (5000.0, "989"),
    ],
)
def test_size_code(max_mm, code) -> None:
    assert size_code(max_mm) == code


@pytest.mark.parametrize(
    ("age", "code"),
    [
        (None, "999"),
        (0.0, "000"),
        (0.0575, "000"),
        (0.99, "000"),
        (1.0, "001"),
        (1.5, "001"),
        (45.0, "045"),
        (45.9, "045"),
        (120.0, "120"),
        (121.0, "999"),
        (-1.0, "999"),
    ],
)
def test_age_code(age, code) -> None:
    assert age_code(age) == code


@pytest.mark.parametrize(
    ("site", "side", "code"),
    [
        ("C49.6", "right", "0"),
        ("C50.9", "right", "1"),
        ("C34.1", "left", "2"),
        ("C64.9", "bilateral", "4"),
        ("C71.1", "midline", "5"),
        ("C74.9", None, "9"),
        (None, "left", "0"),
        ("C41.2", None, "0"),
        ("C41.4", "left", "2"),
    ],
)
def test_laterality_code(site, side, code) -> None:
    assert laterality_code(site, side) == code


def test_format_item_pads_cleans_and_refuses() -> None:
    items = naaccr_items()
    assert format_item(items["patientIdNumber"], "12") == "00000012"
    assert format_item(items["textHistologyTitle"], "glomus\n\n tumour\x0c") == "glomus tumour"
    long = format_item(items["textHistologyTitle"], "x" * 150)
    assert len(long) == 100 and long.endswith("...")
    with pytest.raises(NaaccrValueError):
        format_item(items["tumorSizeSummary"], "45")
    with pytest.raises(NaaccrValueError):
        format_item(ItemDef("x", 1, "Tumor", 1, "digits"), "A")


def test_document_refuses_a_report_twice(registry_record) -> None:
    record = _case_record(registry_record, CASES[0][1])
    with pytest.raises(RecordsFileError, match="twice"):
        naaccr_document([record, record])


# ---------------------------------------------------------------- against the standard


def _table_records(registry_record):
    return [
        _case_record(registry_record, {**c[1], "report_id": f"case-{n}"})
        for n, c in enumerate(CASES)
    ]


def test_code_table_matches_the_dictionary(naaccr_dir: Path) -> None:
    dictionary = read_dictionary(naaccr_dir / DICTIONARY_NAME)
    tree = etree.parse(str(naaccr_dir / DICTIONARY_NAME))
    padding = {el.get("naaccrId"): el.get("padding") for el in tree.iter("{*}ItemDef")}
    for item in naaccr_items().values():
        spec = dictionary[item.naaccr_id]
        assert (item.num, item.parent, item.length, item.type) == (
            spec.num,
            spec.parent,
            spec.length,
            spec.data_type,
        ), item
        assert item.padding == padding[item.naaccr_id], item
        assert "A" in spec.record_types, item


def test_table_file_validates(registry_record, naaccr_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "table.xml"
    assert write_naaccr(_table_records(registry_record), out) == len(CASES)
    assert check_naaccr_file(out, naaccr_dir) == []
    root = etree.parse(str(out)).getroot()
    assert root.get("recordType") == "A" and root.get("specificationVersion") == "1.8"
    assert len(root.findall("n:Patient", NS)) == len(CASES)
    written = {el.get("naaccrId") for el in root.iter("{*}Item")}
    assert {"sexAssignedAtBirth", "primarySite", "tumorSizeSummary", "textDxProcPath"} <= written


def test_corpus_records_validate(corpus_records, naaccr_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.xml"
    records = list(corpus_records.values())
    write_naaccr(records, out)
    assert check_naaccr_file(out, naaccr_dir) == []
    root = etree.parse(str(out)).getroot()
    ids = [el.get("id") for el in root.iter("{*}report")]
    assert ids == [r.report_id for r in records]
    # every corpus report with an ICD-O-3 final diagnosis becomes a Tumor
    coded = [r for r in records if r.summary.final_diagnosis and r.summary.final_diagnosis.icdo3]
    assert len(root.findall("n:Patient/n:Tumor", NS)) == len(coded) > 0


BAD_ITEMS = [
    ('<Item naaccrId="noSuchItem">1</Item>', "not in the dictionary"),
    ('<Item naaccrId="primarySite">C496</Item>', "under Patient"),
    ('<Item naaccrId="sexAssignedAtBirth" naaccrNum="220">2</Item>', "naaccrNum 220"),
    ('<Item naaccrId="sexAssignedAtBirth">22</Item>', "longer than 1"),
    ('<Item naaccrId="patientIdNumber">12ab</Item>', "data type digits"),
    ('<Item naaccrId="patientIdNumber">1</Item><Bad/>', "schema"),
]


@pytest.mark.parametrize(("item", "problem"), BAD_ITEMS)
def test_checker_finds_problems(naaccr_dir: Path, tmp_path: Path, item, problem) -> None:
    xml = tmp_path / "bad.xml"
    xml.write_text(
        '<NaaccrData xmlns="http://naaccr.org/naaccrxml" recordType="A" '
        'baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml" '
        f'specificationVersion="1.8"><Patient>{item}</Patient></NaaccrData>',
        encoding="utf-8",
    )
    assert any(problem in p for p in check_naaccr_file(xml, naaccr_dir))


def test_checker_knows_record_types(naaccr_dir: Path, tmp_path: Path) -> None:
    xml = tmp_path / "incidence.xml"
    xml.write_text(
        '<NaaccrData xmlns="http://naaccr.org/naaccrxml" recordType="I" '
        'baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml" '
        'specificationVersion="1.8"><Patient><Tumor>'
        '<Item naaccrId="textDxProcPath">x</Item></Tumor></Patient></NaaccrData>',
        encoding="utf-8",
    )
    dictionary = read_dictionary(naaccr_dir / DICTIONARY_NAME)
    assert any("record type I" in p for p in dictionary_problems(xml, dictionary))


# ---------------------------------------------------------------- command line


def test_cli_writes_naaccr(registry_record, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    recs = _table_records(registry_record)
    records.write_text("".join(r.model_dump_json() + "\n" for r in recs), encoding="utf-8")
    out = tmp_path / "out" / "registry.xml"
    assert main(["export", str(records), "--naaccr", str(out)]) == 0
    root = etree.parse(str(out)).getroot()
    assert root.get("timeGenerated")
    assert len(root.findall("n:Patient", NS)) == len(recs)
    assert not (tmp_path / "registry.sqlite").exists()


def test_cli_bad_records_write_nothing(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text("{not json\n", encoding="utf-8")
    out = tmp_path / "registry.xml"
    assert main(["export", str(records), "--naaccr", str(out)]) == 1
    assert not out.exists()
    assert main(["export", str(tmp_path / "missing.jsonl"), "--naaccr", str(out)]) == 2


def _doc_block(marker: str, lang: str) -> str:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "registry.md").read_text("utf-8")
    after = doc.split(f"<!-- {marker}", 1)[1]
    return after.split(f"```{lang}\n", 1)[1].split("```", 1)[0]


def test_docs_example_is_the_export(corpus_records) -> None:
    record = corpus_records["000_bcca8ddb07401b26"]
    assert naaccr_document([record]).decode("utf-8") == _doc_block("naaccr-example", "xml")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["naaccr"].pop("paired_sites"), "naaccr: missing keys ['paired_sites']"),
        (lambda d: d.pop("fhir"), "fhir: missing keys"),
        (lambda d: d["naaccr"]["items"]["laterality"].pop("length"), "item laterality: needs"),
        (lambda d: d["naaccr"]["items"]["laterality"].update(len=1), "keys must be among"),
    ],
)
def test_broken_code_table_fails_loudly(edit, message) -> None:
    data = copy.deepcopy(registry_codes())
    edit(data)
    with pytest.raises(RuleFileError, match=re.escape(message)):
        parse_registry_codes("registry_codes.json", data)
