"""Both registry exports on the real pages-dev excerpts (read in place from shared/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from lxml import etree

from extractor.export.fhir import write_fhir
from extractor.export.naaccr import naaccr_tumours, write_naaccr
from extractor.export.naaccr_check import check_naaccr_file
from extractor.export.tumours import registry_tumours

NS = {"n": "http://naaccr.org/naaccrxml"}
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-"


@pytest.fixture(scope="module")
def pages_records(pages_dev_dir: Path):
    from extractor import extract_file

    return [extract_file(p) for p in sorted(pages_dev_dir.glob("*.txt"))]


def test_pages_dev_naaccr_validates(pages_records, naaccr_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "pages.xml"
    assert write_naaccr(pages_records, out) == len(pages_records) > 0
    assert check_naaccr_file(out, naaccr_dir) == []
    root = etree.parse(str(out)).getroot()
    tumours = sum(len(naaccr_tumours(r)) for r in pages_records)
    assert len(root.findall("n:Patient/n:Tumor", NS)) == tumours > 0


def test_pages_dev_fhir_parses_back(pages_records, tmp_path: Path) -> None:
    paths = write_fhir(pages_records, tmp_path)
    assert len(paths) == len(pages_records)
    profiles: dict[str, int] = {}
    for path, record in zip(paths, pages_records, strict=True):
        bundle = Bundle.model_validate_json(path.read_text(encoding="utf-8"))
        resources = [e.resource for e in bundle.entry]
        conditions = [r for r in resources if r.get_resource_type() == "Condition"]
        assert len(conditions) == len(registry_tumours(record))
        for c in conditions:
            for profile in c.meta.profile if c.meta else []:
                profiles[profile] = profiles.get(profile, 0) + 1
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert raw["identifier"]["value"] == record.report_id
    # the dev set has metastatic index lesions (spinal metastases of thyroid cancer)
    assert profiles.get(MCODE + "secondary-cancer-condition", 0) > 0
    assert profiles.get(MCODE + "primary-cancer-condition", 0) > 0
