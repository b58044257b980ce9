"""FHIR export: one R4 (R4B models) Bundle per report, mCODE-shaped; every written bundle
is parsed back with fhir.resources, and every evidence offset points at its mention."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from extractor.cli import main
from extractor.export import RecordsFileError
from extractor.export.fhir import OFFSETS_URL, bundle_file_name, report_bundle, write_fhir
from extractor.export.fhir_parts import MARKER_SYSTEM, onset_age, resource_model

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PRIMARY, SECONDARY = (
    MCODE + "mcode-primary-cancer-condition",
    MCODE + "mcode-secondary-cancer-condition",
)
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
SNOMED, LOINC = "http://snomed.info/sct", "http://loinc.org"

BENIGN = {
    "role": "index",
    "sites": [("paraspinal soft tissue", "C49.6", "right")],
    "size": [45.0, 35.0, 26.0],
    "dx": ("glomus tumour", "8711/0", "histopathology"),
    "stains": [
        ("smooth muscle actin", "positive", "diffuse", 80.0),
        ("S-100", "negative"),
        ("CD999", "positive"),
    ],
}
SPINE_METASTASIS = {
    "role": "index",
    "sites": [("vertebral column", "C41.2", None)],
    "dx": ("metastatic follicular thyroid carcinoma", "8330/6", "histopathology"),
}

# (case, record description, expected Conditions: (profile, code, body site, laterality text))
CASES = [
    (
        "benign primary",
        dict(age=45.0, sex="female", lesions=[BENIGN]),
        [(PRIMARY, "8711/0", "C49.6", "right")],
    ),
    (
        "metastasis and its primary",
        dict(
            age=57.0,
            sex="female",
            lesions=[
                SPINE_METASTASIS,
                {
                    "role": "primary",
                    "location": "thyroid gland",
                    "dx": ("follicular thyroid carcinoma", "8330/3", None),
                },
            ],
        ),
        [(PRIMARY, "8330/3", "C73.9", None), (SECONDARY, "8330/6", "C41.2", None)],
    ),
    (
        "metastasis of an unknown primary",
        dict(
            age=66.0,
            sex="male",
            lesions=[
                {
                    **SPINE_METASTASIS,
                    "dx": ("metastatic adenocarcinoma", "8140/6", "histopathology"),
                }
            ],
        ),
        [(PRIMARY, "8140/3", "C80.9", None), (SECONDARY, "8140/6", "C41.2", None)],
    ),
    (
        "primary with metastases",
        dict(
            age=60.0,
            lesions=[
                {
                    "role": "index",
                    "sites": [("kidney", "C64.9", "left")],
                    "dx": ("clear cell renal cell carcinoma", "8310/3", "radiology"),
                },
                {"role": "metastasis", "location": "liver", "sites": [("liver", "C22.0", None)]},
                {
                    "role": "metastasis",
                    "location": "lung",
                    "sites": [("lung", "C34.9", "bilateral")],
                    "dx": ("metastatic renal cell carcinoma", "8312/6", None),
                },
            ],
        ),
        [
            (PRIMARY, "8310/3", "C64.9", "left"),
            (SECONDARY, None, "C22.0", None),
            (SECONDARY, "8312/6", "C34.9", "bilateral"),
        ],
    ),
    (
        "non-neoplastic diagnosis: a plain Condition",
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
        [(None, None, "C41.2", None)],
    ),
    (
        "no diagnosis, midline",
        dict(lesions=[{"role": "index", "sites": [("sacrum", "C41.4", "midline")], "size": 20.0}]),
        [(None, None, "C41.4", "midline")],
    ),
    ("no lesion", dict(age=30.0, sex="male"), []),
]


def _bundle_json(registry_record, description: dict) -> tuple[dict, object, str]:
    record, text = registry_record(**description)
    return json.loads(report_bundle(record).model_dump_json()), record, text


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _offsets(resource: dict) -> list[dict]:
    return [
        {x["url"]: next(v for k, v in x.items() if k.startswith("value")) for x in e["extension"]}
        for e in resource.get("extension", [])
        if e["url"] == OFFSETS_URL
    ]


def _references(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return own + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def _check_bundle(bundle: dict, record, text: str | None) -> None:
    """What every bundle must hold: type collection, one Patient and DocumentReference,
    references that resolve inside it, and offsets that point at their mentions."""
    assert bundle["type"] == "collection"
    assert [len(_resources(bundle, k)) for k in ("Patient", "DocumentReference")] == [1, 1]
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert set(_references(bundle)) <= urls
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        for off in _offsets(resource):
            assert 0 <= off["start"] <= off["end"] <= record.source.n_chars
            if "mention" in off:
                m = record.mentions[off["mention"]]
                assert (m.start, m.end, m.field.value) == (off["start"], off["end"], off["field"])
                if text is not None:
                    assert text[off["start"] : off["end"]] == m.text
        if resource["resourceType"] in ("Condition", "Observation"):
            assert _offsets(resource), resource["resourceType"]


@pytest.mark.parametrize(("case", "description", "conditions"), CASES, ids=[c[0] for c in CASES])
def test_record_to_bundle(registry_record, case, description, conditions) -> None:
    bundle, record, text = _bundle_json(registry_record, description)
    _check_bundle(bundle, record, text)
    got = []
    for c in _resources(bundle, "Condition"):
        profile = (c.get("meta") or {}).get("profile", [None])[0]
        code = next((x["code"] for x in c.get("code", {}).get("coding", [])), None)
        site = c["bodySite"][0] if c.get("bodySite") else {}
        side = next((x["valueCodeableConcept"]["text"] for x in site.get("extension", [])), None)
        got.append((profile, code, site.get("coding", [{}])[0].get("code"), side))
    assert got == conditions
    patient = _resources(bundle, "Patient")[0]
    assert patient["gender"] == (description.get("sex") or "unknown")


def test_secondary_points_to_its_primary(registry_record) -> None:
    bundle, _, _ = _bundle_json(registry_record, CASES[1][1])
    primary, secondary = _resources(bundle, "Condition")
    related = [
        x for x in secondary["extension"] if x["url"].endswith("related-primary-cancer-condition")
    ]
    assert related[0]["valueReference"]["reference"] == f"urn:uuid:{primary['id']}"
    assert primary["onsetAge"] == {
        "value": 57,
        "unit": "years",
        "system": "http://unitsofmeasure.org",
        "code": "a",
    }
    histology = [
        x for x in primary["extension"] if x["url"].endswith("histology-morphology-behavior")
    ]
    assert histology[0]["valueCodeableConcept"]["coding"][0] == {"system": ICDO3, "code": "8330/3"}


def test_size_and_stain_observations(registry_record) -> None:
    bundle, _, _ = _bundle_json(registry_record, CASES[0][1])
    condition = f"urn:uuid:{_resources(bundle, 'Condition')[0]['id']}"
    size, *stains = _resources(bundle, "Observation")
    assert size["meta"]["profile"] == [MCODE + "mcode-tumor-size"]
    assert size["code"]["coding"][0] == {
        "system": LOINC,
        "code": "21889-1",
        "display": "Size Tumor",
    }
    assert [
        (c["code"]["coding"][0]["code"], c["valueQuantity"]["value"], c["valueQuantity"]["code"])
        for c in size["component"]
    ] == [("33728-7", 45, "mm"), ("33729-5", 35, "mm"), ("33729-5", 26, "mm")]
    assert size["focus"] == [{"reference": condition}]
    got = [
        (
            s["code"]["text"],
            [c["system"] for c in s["code"].get("coding", [])],
            s["valueCodeableConcept"]["coding"][0]["code"],
            [n["text"] for n in s.get("note", [])],
        )
        for s in stains
    ]
    assert got == [
        ("smooth muscle actin", [MARKER_SYSTEM], "10828004", ["extent: diffuse; 80% of cells"]),
        ("S-100", [MARKER_SYSTEM], "260385009", []),
        ("CD999", [], "10828004", []),  # not in our marker vocabulary: text only
    ]
    assert all(s["focus"] == [{"reference": condition}] for s in stains)
    assert all(s["meta"]["profile"] == [MCODE + "mcode-tumor-marker-test"] for s in stains)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (45.0, (45, "a")),
        (1.5, (1.5, "a")),
        (0.5, (6, "mo")),
        (0.0575, (21, "d")),
        (0.0, (0, "d")),
        (None, None),
    ],
)
def test_onset_age(age, expected) -> None:
    got = onset_age(age)
    assert (got and (got["value"], got["code"])) == expected


def test_models_validate(registry_record) -> None:
    with pytest.raises(ValidationError):
        resource_model({"resourceType": "Patient", "birthDate": "yesterday"})
    with pytest.raises(ValidationError):
        resource_model({"resourceType": "Observation", "code": {"text": "x"}})  # no status


def test_written_bundles_parse_back(registry_record, corpus_records, tmp_path: Path) -> None:
    table = [registry_record(**{**c[1], "report_id": f"case {n}/x"}) for n, c in enumerate(CASES)]
    records = [r for r, _ in table] + list(corpus_records.values())
    texts = [t for _, t in table] + [
        Path(r.source.path).read_text(encoding="utf-8") for r in corpus_records.values()
    ]
    paths = write_fhir(records, tmp_path)
    assert [p.name for p in paths] == [bundle_file_name(r.report_id) for r in records]
    kinds = {Patient, DocumentReference, Condition, Observation}
    for path, record, text in zip(paths, records, texts, strict=True):
        parsed = Bundle.model_validate_json(path.read_text(encoding="utf-8"))
        assert {type(e.resource) for e in parsed.entry} <= kinds
        assert parsed.identifier.value == record.report_id
        _check_bundle(json.loads(path.read_text(encoding="utf-8")), record, text)
    corpus_conditions = [json.loads(p.read_text())["entry"] for p in paths[len(table) :]]
    assert (
        sum(e["resource"]["resourceType"] == "Condition" for es in corpus_conditions for e in es)
        >= 5
    )


def test_export_is_deterministic(registry_record) -> None:
    record, _ = registry_record(**CASES[1][1])
    assert report_bundle(record).model_dump_json() == report_bundle(record).model_dump_json()


def test_same_file_name_twice_is_refused(registry_record, tmp_path: Path) -> None:
    a, _ = registry_record(report_id="a/b")
    b, _ = registry_record(report_id="a b")
    with pytest.raises(RecordsFileError):
        write_fhir([a, b], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_writes_both_exports(registry_record, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    recs = [registry_record(**{**c[1], "report_id": f"r{n}"})[0] for n, c in enumerate(CASES)]
    records.write_text("".join(r.model_dump_json() + "\n" for r in recs), encoding="utf-8")
    out = tmp_path / "fhir"
    code = main(["export", str(records), "--fhir", str(out), "--naaccr", str(tmp_path / "n.xml")])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"r{n}.json" for n in range(len(CASES)))
    assert (tmp_path / "n.xml").is_file()
    records.write_text("{}\n", encoding="utf-8")
    assert main(["export", str(records), "--fhir", str(tmp_path / "none")]) == 1
    assert not (tmp_path / "none").exists()


def test_docs_example_is_the_export(corpus_records) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "registry.md").read_text("utf-8")
    block = doc.split("<!-- fhir-condition-example", 1)[1].split("```json\n", 1)[1]
    bundle = json.loads(report_bundle(corpus_records["000_bcca8ddb07401b26"]).model_dump_json())
    assert json.loads(block.split("```", 1)[0]) == _resources(bundle, "Condition")[0]
