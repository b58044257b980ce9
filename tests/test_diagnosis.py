"""Diagnosis matching (vocabulary, defined abbreviations, misspellings) and roles."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from extractor.fields.diagnosis import (
    classify_sentence,
    config,
    find_diagnoses,
    resolve_role,
    role_after_assertions,
    summarize_diagnoses,
)
from extractor.fields.vocabulary import PhraseIndex, parse_vocabulary
from extractor.schema import Assertion, Mention
from extractor.sections import SectionSpan

DIAGNOSES = """canonical,synonyms,abbreviations,icdo3,category,note
glomus tumour,glomus tumor,,8711/0,neoplasm,
lipoma,,,8850/0,neoplasm,
neurofibroma,,,9540/0,neoplasm,
neuroma,,,9570/0,neoplasm,
myoma,,,8890/0,neoplasm,
angioleiomyoma,,,8894/0,neoplasm,
dermatofibrosarcoma protuberans,,DFSP,8832/1,neoplasm,
peripheral nerve sheath tumour,,PNST,9560/0,neoplasm,
inflammatory myofibroblastic tumour,inflammatory myofibroblastic tumor,,8825/1,neoplasm,
hemangiopericytoma,,,9150/1,neoplasm,
malignant hemangiopericytoma,,,9150/3,neoplasm,
hypertension,,,,comorbidity,
"""
BRACKETS = re.compile(r"\[([^\]]+)\]")


@pytest.fixture(scope="module")
def index() -> PhraseIndex:
    return PhraseIndex(parse_vocabulary("diagnoses.csv", DIAGNOSES))


def names(text: str, index: PhraseIndex, defined: dict[str, str] | None = None) -> list[str]:
    return [m.entry.canonical for m in find_diagnoses(text, index, defined)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Operative findings suggested - ? Neuro fibroma/? Lipoma.", ["neurofibroma", "lipoma"]),
        ("radiologically as Dermatofibrosarcoma Protuberance", ["dermatofibrosarcoma protuberans"]),
        ("Myofibromatosis Angioleiomyom", ["angioleiomyoma"]),
        ("multiple lipomas were removed", ["lipoma"]),
        ("a lipid-rich lesion", []),
        ("a traumatic neuroma", ["neuroma"]),
        ("a low-grade glioma", []),
        ("multiple myeloma", []),
        ("a uterine myoma", ["myoma"]),
        ("a soft tissue tumour, mass, lesion or neoplasm", []),
        ("a delayed metastatic hemangiopericytoma", ["malignant hemangiopericytoma"]),
        ("a DFSP of the trunk", ["dermatofibrosarcoma protuberans"]),
    ],
)
def test_matching_and_misspellings(text: str, expected: list[str], index: PhraseIndex) -> None:
    assert names(text, index) == expected


def test_neuroma_does_not_cross_to_neurofibroma() -> None:
    only_nf = PhraseIndex(
        parse_vocabulary("diagnoses.csv", DIAGNOSES.replace("neuroma,,,9570/0,neoplasm,\n", ""))
    )
    assert names("a traumatic neuroma", only_nf) == []


def test_defined_abbreviation(index: PhraseIndex) -> None:
    text = "Inflammatory myofibroblastic tumor (IMT) is rare. Thus, the diagnosis was an IMT."
    found = find_diagnoses(text, index, {"IMT": "Inflammatory myofibroblastic tumor"})
    assert [(text[m.start : m.end], m.entry.canonical) for m in found] == [
        ("Inflammatory myofibroblastic tumor", "inflammatory myofibroblastic tumour"),
        ("IMT", "inflammatory myofibroblastic tumour"),
    ]


def sentence_roles(marked: str) -> list[tuple]:
    spans, text, shift = [], "", 0
    for m in BRACKETS.finditer(marked):
        text += marked[shift : m.start()]
        spans.append((len(text), len(text) + len(m.group(1))))
        text += m.group(1)
        shift = m.end()
    text += marked[shift:]
    return [(r.role, r.basis, r.rule) for r in classify_sentence(text, spans)]


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (
            "diagnosed clinically as [Lipoma] /[Neurofibroma] and "
            "radiologically as [DFSP] /[PNST].",
            [("differential", "clinical")] * 2 + [("differential", "radiology")] * 2,
        ),
        ("The histopathological diagnosis was [Glomus tumour].", [("final", "histopathology")]),
        (
            "Based on histopathological findings the mass was diagnosed as a [pericytic tumour] "
            "consistent with [Glomus tumour].",
            [("final", "histopathology"), ("final", "histopathology")],
        ),
        (
            "MRI reveals a mass _ suggested HP correlation to rule out soft tissue neoplasm "
            "like [PNST]/ [DFSP].",
            [("differential", "radiology")] * 2,
        ),
        (
            "Operative findings suggested - ? [Neuro fibroma]/? [Lipoma].",
            [("differential", "intraoperative")] * 2,
        ),
        ("She was a known case of [hyperthyroidism] since 4yrs.", [("history", None)]),
        (
            "identical features to the primary [meningeal tumor] removed 8 years earlier.",
            [("history", None)],
        ),
        (
            "The present case was clinically suspected to be of neural origin as it mimics "
            "[Neurofibroma].",
            [("differential", "clinical")],
        ),
        ("[Alveolar soft part sarcoma] is a very rare condition.", [("other", None)]),
        (
            "a case of a delayed [metastatic hemangiopericytoma] to the cervicothoracic spine "
            "is reported",
            [("final", None)],
        ),
        ("He was diagnosed with [schwannoma] after an MRI.", [("final", "radiology")]),
        ("There was a painful mass and [hypertension].", [(None, None)]),
    ],
)
def test_roles(
    marked: str,
    expected: list[tuple],
) -> None:
    assert [(r, b) for r, b, _ in sentence_roles(marked)] == expected


@pytest.mark.parametrize(
    "rule", list(config().role_rules) + list(config().basis_rules), ids=lambda r: r.id
)
def test_rule_example_is_decided_by_its_rule(rule) -> None:
    found = sentence_roles(rule.example)
    assert len(found) == 1
    role, basis, rule_id = found[0]
    if rule.options["kind"] == "role":
        assert (rule_id, role) == (rule.id, rule.options["role"])
    else:
        assert basis == rule.options["basis"]


@pytest.mark.parametrize(
    ("label", "heading", "role", "category", "expected"),
    [
        ("discussion", "Discussion", None, "neoplasm", "other"),
        ("discussion", "Discussion", "differential", "neoplasm", "other"),
        ("case_presentation", "Case report", None, "neoplasm", "final"),
        ("investigations", "Differential diagnosis", None, "neoplasm", "differential"),
        ("case_presentation", "Case report", None, "comorbidity", "comorbidity"),
        ("case_presentation", "Case report", "history", "comorbidity", "comorbidity"),
        ("abstract", "Abstract", None, "neoplasm", "other"),
        ("references", "References", "final", "neoplasm", None),
    ],
)
def test_section_decides(label, heading, role, category, expected) -> None:
    from extractor.fields.diagnosis import DxRole
    from extractor.fields.vocabulary import VocabEntry

    name = "hypertension" if category == "comorbidity" else "lipoma"
    entry = VocabEntry(name, (name,), (), {"category": category})
    section = SectionSpan(label, heading, 0, 100)
    out = resolve_role(DxRole(role, None, "r"), entry, section, config())
    assert (out.role if out else None) == expected


@pytest.mark.parametrize(
    ("role", "flags", "expected"),
    [
        ("final", {"negated": True}, "differential"),
        ("final", {"uncertain": True}, "differential"),
        ("final", {"family": True}, "other"),
        ("comorbidity", {"negated": True}, "comorbidity"),
        ("final", {}, "final"),
    ],
)
def test_role_after_assertions(role: str, flags: dict, expected: str) -> None:
    assert role_after_assertions(role, Assertion(**flags)) == expected


def mention(name: str, role: str, basis: str | None, rule: str, start: int) -> Mention:
    value = {"name": name, "icdo3": None, "role": role, "basis": basis}
    return Mention(
        field="diagnosis",
        text=name,
        start=start,
        end=start + 1,
        section="pathology",
        value=value,
        rule=rule,
    )


def test_summary_ranks_histopathology_over_suspicion() -> None:
    mentions = [
        mention("lipoma", "differential", "clinical", "dx.clinically_as", 0),
        mention("lipoma", "final", None, "dx.default", 5),
        mention("pericytic tumour", "final", "histopathology", "dx.diagnosis_was", 10),
        mention("glomus tumour", "final", "histopathology", "dx.consistent_with", 20),
        mention("schwannoma", "final", "radiology", "dx.revealed", 30),
        mention("neurofibroma", "differential", "radiology", "dx.rule_out", 40),
    ]
    summary = summarize_diagnoses(mentions)
    assert summary["final_diagnosis"] == {
        "name": "glomus tumour",
        "icdo3": None,
        "basis": "histopathology",
    }
    assert [d["name"] for d in summary["differential_diagnoses"]] == ["lipoma", "neurofibroma"]


def test_summary_without_final() -> None:
    summary = summarize_diagnoses([mention("lipoma", "differential", None, "dx.question", 0)])
    assert summary == {
        "final_diagnosis": None,
        "differential_diagnoses": [{"name": "lipoma", "icdo3": None}],
    }


def test_historical_flag_keeps_final() -> None:
    # "history" comes from our own cues only (ConText over-fires "historical")
    flags = SimpleNamespace(
        family=False, negated=False, uncertain=False, hypothetical=False, historical=True
    )
    assert role_after_assertions("final", flags) == "final"


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        ("a [neurofibroma] was also considered.", [("differential", None)]),
        ("[lymphoma] was initially suspected.", [("differential", None)]),
        (
            '"?[schwannoma]", with [synovial sarcoma] as an alternative.',
            [("differential", None)] * 2,
        ),
        # counter-example: no adverb slot for a verb that confirms
        ("a [neurofibroma] was also resected.", [(None, None)]),
        ("A clinical diagnosis of [lipoma] was made.", [("final", "clinical")]),
        # counter-example: a clinical impression without "was made" stays a differential
        ("The clinical impression was [lipoma].", [("differential", "clinical")]),
        ("Final diagnosis: [lipoma].", [("final", "histopathology")]),
        ("Differential diagnosis: [lipoma].", [("differential", None)]),
    ],
)
def test_roles_added_cues(marked: str, expected: list[tuple]) -> None:
    assert [(r, b) for r, b, _ in sentence_roles(marked)] == expected


@pytest.mark.parametrize(
    ("finals", "expected"),
    [
        # a named disease beats a histological pattern word, whatever the basis
        (
            [("granuloma", "histopathology", "dx.revealed"), ("tuberculosis", None, "dx.default")],
            "tuberculosis",
        ),
        # a WHO family heading yields to the entity
        (
            [
                ("glomus tumour", "histopathology", "dx.consistent_with"),
                ("pericytic (perivascular) tumour", "histopathology", "dx.diagnosis_was"),
            ],
            "glomus tumour",
        ),
        # the pattern word alone is still the final diagnosis
        ([("granuloma", "histopathology", "dx.revealed")], "granuloma"),
        # the most specific subtype named as final
        (
            [
                ("biphasic synovial sarcoma", None, "dx.default"),
                ("synovial sarcoma", "histopathology", "dx.diagnosis_was"),
            ],
            "biphasic synovial sarcoma",
        ),
        # counter-example: a different entity with more words is not a subtype
        (
            [
                ("malignant peripheral nerve sheath tumour", None, "dx.default"),
                ("schwannoma", "histopathology", "dx.diagnosis_was"),
            ],
            "schwannoma",
        ),
    ],
)
def test_final_choice(finals: list[tuple], expected: str) -> None:
    mentions = [mention(n, "final", b, r, i * 10) for i, (n, b, r) in enumerate(finals)]
    final = summarize_diagnoses(mentions)["final_diagnosis"]
    assert final["name"] == expected


def test_specific_subtype_keeps_winner_basis() -> None:
    mentions = [
        mention("biphasic synovial sarcoma", "final", None, "dx.default", 0),
        mention("synovial sarcoma", "final", "histopathology", "dx.diagnosis_was", 10),
    ]
    assert summarize_diagnoses(mentions)["final_diagnosis"]["basis"] == "histopathology"


@pytest.mark.parametrize("name", sorted(config().nonspecific_finals))
def test_nonspecific_finals_are_vocabulary_names(name: str) -> None:
    from extractor.fields.vocabulary import key_of, phrase_index

    canon = {" ".join(key_of(e.canonical)) for e in phrase_index("diagnoses.csv").entries}
    assert name in canon
