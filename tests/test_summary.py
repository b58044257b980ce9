"""Summary keys fall back from patient sections to the abstract and title, key by key."""

from __future__ import annotations

import pytest

from extractor import extract

CASE_ONLY_DIFFERENTIALS = (
    "A rare schwannoma of the cauda equina\n\nAbstract\nWe report a schwannoma of the cauda "
    "equina in a 40-year-old man.\n\nCase presentation\nA 40-year-old man had back pain. MRI "
    "suggested an ependymoma or a meningioma."
)
CASE_WITH_FINAL = CASE_ONLY_DIFFERENTIALS + " Resection and histology showed a meningioma."


@pytest.mark.parametrize(
    ("text", "final", "differentials"),
    [
        # the case part names only differentials: the final diagnosis comes from the abstract
        (CASE_ONLY_DIFFERENTIALS, "schwannoma", ["ependymoma", "meningioma"]),
        # counter-example: the case part has its own final diagnosis, the abstract is not used
        (CASE_WITH_FINAL, "meningioma", ["ependymoma"]),
    ],
)
def test_final_diagnosis_falls_back_key_by_key(text, final, differentials):
    summary = extract(text).summary
    assert summary.final_diagnosis.name == final
    assert [d.name for d in summary.differential_diagnoses] == differentials
