"""Diagnosis statements whose name no vocabulary lists (rules/stated_diagnosis_rules.json)."""

from __future__ import annotations

import pytest

from extractor import extract
from extractor.fields.diagnosis_stated import find_stated, stated_rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He was diagnosed as having Blau syndrome based on typical features.", "Blau syndrome"),
        ("A diagnosis of congenital heart block was made.", "congenital heart block"),
        ("Catheterization confirmed the diagnosis of pulmonary hypertension (Table 2).",
         "pulmonary hypertension"),
        ("An infant with a genetically-confirmed diagnosis of Jarcho-Levin syndrome and apnoea.",
         "Jarcho-Levin syndrome"),
        ("She was clinically diagnosed as biliary ascariasis with a duct infection.",
         "biliary ascariasis"),
        ("The diagnosis of acute fatty liver of pregnancy was confirmed.",
         "acute fatty liver of pregnancy"),
        ("Final diagnosis: Kikuchi disease.", "Kikuchi disease"),
        ("Finally, the patient was diagnosed with PRES.", "PRES"),
        # the name ends before a participle or a time
        ("A final diagnosis of Richter's hernia presenting as a fistula was made.",
         "Richter's hernia"),
        ("She was diagnosed with HIV around the time of delivery.", "HIV"),
    ],
)  # fmt: skip
def test_stated_names(text: str, expected: str) -> None:
    assert [s.name for s in find_stated(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        # an earlier, presumed, denied or family diagnosis
        "She was previously diagnosed with endometriosis.",
        "At the age of 3 she had syncope and was diagnosed with epilepsy.",
        "A presumptive diagnosis of intestinal duplication was made.",
        "He was not diagnosed with diabetes.",
        "His mother was diagnosed with breast cancer.",
        "She was diagnosed with HIV in May 2010 and had been on treatment.",
        "He was diagnosed with achondroplasia in early childhood.",
        "According to her medical history, she was diagnosed with refractory ITP.",
        "Pulmonary arterial hypertension was diagnosed with 74 mmHg of mean pressure.",
        # no diagnosis statement, or no noun phrase that ends in reach
        "The diagnosis of this entity is difficult.",
        "Differential diagnosis: Kikuchi disease.",
        "Biopsy is needed to confirm the diagnosis.",
        "He was diagnosed with very long rare disease names never seeming ending anywhere near",
    ],
)
def test_blocked_or_no_statement(text: str) -> None:
    assert find_stated(text) == []


def test_rule_examples_state_a_name_and_counter_examples_do_not() -> None:
    for rule in stated_rules().rules:
        assert find_stated(rule.example), rule.id
        for counter in rule.counter_examples:
            assert not find_stated(counter), (rule.id, counter)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no listed final diagnosis: the stated name, without a code
        ("He was diagnosed as having Blau syndrome based on noncaseating granulomas.",
         ("Blau syndrome", None)),
        # only a pattern word ("granuloma") from the vocabulary: the stated name wins
        ("Biopsy showed granulomas. He was diagnosed as having Blau syndrome.",
         ("Blau syndrome", None)),
        # the vocabulary names the wider statement: "hypertension" alone is listed
        ("Catheterization confirmed the diagnosis of pulmonary hypertension.",
         ("pulmonary hypertension", None)),
        # counter-examples: a listed final diagnosis wins over any statement
        ("Histology confirmed a schwannoma. She was diagnosed with neurofibromatosis type 5.",
         ("schwannoma", "9560/0")),
        ("A 60-year-old man. He was previously diagnosed with sarcoidosis.", None),
    ],
)  # fmt: skip
def test_summary_final_from_statement(text: str, expected: tuple | None) -> None:
    final = extract("Case presentation\n" + text).summary.final_diagnosis
    assert ((final.name, final.icdo3) if final else None) == expected
