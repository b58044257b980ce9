"""End to end on the real reports: summaries come only from the patient's sections."""

from __future__ import annotations

import pytest

from extractor.schema import FALLBACK_SECTIONS, SECTION_KINDS, SectionKind


def _allowed(section: str) -> bool:
    return SECTION_KINDS[section] == SectionKind.PATIENT or section in FALLBACK_SECTIONS


@pytest.mark.slow
def test_other_articles_yield_no_mentions(corpus_records) -> None:
    for report_id, record in corpus_records.items():
        for m in record.mentions:
            kind = SECTION_KINDS[m.section]
            assert kind != SectionKind.OTHER_ARTICLES, (report_id, m.text, m.section)


@pytest.mark.slow
def test_every_summary_diagnosis_and_stain_has_patient_evidence(corpus_records) -> None:
    for report_id, record in corpus_records.items():
        s = record.summary
        names = [d.name for d in s.differential_diagnoses]
        names += [s.final_diagnosis.name] if s.final_diagnosis else []
        evidence = {
            m.value.get("name") or m.value.get("marker")
            for m in record.mentions
            if m.field in ("diagnosis", "stain") and _allowed(m.section)
        }
        for name in names + [st.marker for st in s.stains]:
            assert name in evidence, (report_id, name)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("report_id", "final", "icdo3"),
    [
        ("000_bcca8ddb07401b26", "glomus tumour", "8711/0"),
        ("001_ab4cfead4e9ce65b", "inflammatory myofibroblastic tumour", "8825/1"),
        ("002_5319ae1f09e49777", "alveolar soft part sarcoma", "9581/3"),
        ("003_bf639ee0369763f3", None, "9150/3"),
        ("004_a8038762a1551523", None, None),
    ],
)
def test_final_diagnosis_of_each_real_report(corpus_records, report_id, final, icdo3) -> None:
    fd = corpus_records[report_id].summary.final_diagnosis
    assert fd is not None and fd.icdo3 == icdo3
    if final:
        assert fd.name == final
