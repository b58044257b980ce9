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


# ---------------------------------------------------------------- specificity

SPECIFIC = (
    DIAGNOSES
    + """osteoma,,,9180/0,neoplasm_benign,
osteoid osteoma,,,9191/0,neoplasm_benign,
carcinoma,,,8010/3,neoplasm_malignant,
follicular thyroid carcinoma,,,8330/3,neoplasm_malignant,
metastatic follicular thyroid carcinoma,,,8330/6,metastasis,
papillary thyroid carcinoma,,,8260/3,neoplasm_malignant,
thyroid carcinoma,carcinoma of thyroid,,8010/3,neoplasm_malignant,
metastasis,spinal metastasis,,8000/6,metastasis,
malignant neoplasm,,,8000/3,neoplasm_malignant,
"""
)


@pytest.fixture(scope="module")
def specific() -> PhraseIndex:
    return PhraseIndex(parse_vocabulary("diagnoses.csv", SPECIFIC))


@pytest.mark.parametrize(
    ("text", "defined", "expected"),
    [
        # the detector's shortest long form ("osteoma") is inside a longer vocabulary name
        ("Osteoid osteoma (OO) of L2. The OO was excised.", {"OO": "osteoma"}, "osteoid osteoma"),
        ("An osteoid osteoma (OO). OO recurred.", {"OO": "osteoid osteoma"}, "osteoid osteoma"),
        # counter-example: the long form itself is the name
        ("Ivory osteoma (OO) of the skull. OO grew.", {"OO": "osteoma"}, "osteoma"),
    ],
)
def test_defined_abbreviation_takes_the_longer_name(
    text: str, defined: dict[str, str], expected: str, specific: PhraseIndex
) -> None:
    found = find_diagnoses(text, specific, defined)
    assert {m.entry.canonical for m in found if text[m.start : m.end] == "OO"} == {expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # another word order of a longer name
        ("a left thyroid follicular carcinoma", [("thyroid follicular carcinoma", "follicular")]),
        ("a thyroid papillary carcinoma", [("thyroid papillary carcinoma", "papillary")]),
        # counter-examples: punctuation or a non-word between, or no longer name
        ("the thyroid, follicular carcinoma", [("carcinoma", "carcinoma")]),
        ("a pulmonary carcinoma", [("carcinoma", "carcinoma")]),
        # counter-example: a function word is not part of the name
        ("a case of thyroid carcinoma", [("thyroid carcinoma", "thyroid")]),
        # "X with ... metastasis" is one mention of X (coded as the primary, /3)
        (
            "a follicular thyroid carcinoma with C7 spine metastasis",
            [("follicular thyroid carcinoma with C7 spine metastasis", "follicular")],
        ),
        # counter-example: a lesion "with" something else
        (
            "a papillary thyroid carcinoma with necrosis",
            [("papillary thyroid carcinoma", "papillary")],
        ),
        # a misspelt generic metastasis is still generic
        ("a spine metastasis", []),
        # metastases are coded as the malignant primary
        (
            "metastatic follicular thyroid carcinoma",
            [("metastatic follicular thyroid carcinoma", "follicular")],
        ),
    ],
)
def test_longest_specific_name(text: str, expected: list[tuple], specific: PhraseIndex) -> None:
    found = find_diagnoses(text, specific)
    got = [(text[m.start : m.end], m.entry.canonical.split()[0]) for m in found]
    assert got == expected


def test_metastasis_coded_as_primary(specific: PhraseIndex) -> None:
    (m,) = find_diagnoses("a follicular thyroid carcinoma with spine metastasis", specific)
    assert (m.entry.get("icdo3"), m.how) == ("8330/3", "metastatic")


# ---------------------------------------------------------------- statements and differentials


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        # diagnosis statements -> final
        ("The histopathological finding was [osteoid osteoma].", [("final", "histopathology")]),
        ("[Osteosarcoma] was confirmed.", [("final", None)]),
        ("A [schwannoma] was histologically confirmed.", [("final", "histopathology")]),
        ("The findings were consistent with [lipoma].", [("final", None)]),
        ("The lesion was diagnosed as [ganglioneuroma].", [("final", "histopathology")]),
        ("A diagnosis of [chordoma] was made.", [("final", None)]),
        ("Pathology revealed [myxopapillary ependymoma].", [("final", "histopathology")]),
        ("A needle biopsy suggested [chondrosarcoma].", [("final", "histopathology")]),
        # counter-examples: suggestion by imaging or clinically stays a differential
        ("MRI suggested [chondrosarcoma].", [("differential", "radiology")]),
        ("The clinical picture suggested [lipoma].", [("differential", "clinical")]),
        # a report's own case, with adjectives, and not a "previous" one for "7-year-old"
        ("An unusual case of a large sacral [chondrosarcoma] is reported.", [("final", None)]),
        ("The paper describes an uncommon case of [myxopapillary ependymoma].", [("final", None)]),
        ("We describe a 7-year-old girl with [ganglioneuroblastoma].", [("final", None)]),
        ("We present a 30 years old woman with [ganglioneuroma].", [("final", None)]),
        # counter-example: "old" as an adjective still means history
        ("There was an old [fracture] of T12.", [("history", None)]),
        # differentials
        (
            "The differential diagnosis included [schwannoma] and [meningioma].",
            [("differential", None)] * 2,
        ),
        ("[Lymphoma] or [myeloma] was suspected.", [("differential", None)] * 2),
        ("A biopsy was planned to rule out [lymphoma].", [("differential", "histopathology")]),
        # counter-example: "confirmed" in the same sentence does not make a rule-out final
        (
            "Biopsy confirmed [chordoma] and excluded [chondrosarcoma].",
            [
                ("final", "histopathology"),
                ("differential", "histopathology"),
            ],
        ),
        # a precursor lesion is history, the lesion arising from it is not
        (
            "A secondary [chondrosarcoma] arising from an [osteochondroma] was resected.",
            [(None, None), ("history", None)],
        ),
        (
            "a sarcoma after malignant transformation of a [neurofibroma]",
            [("history", None)],
        ),
        # counter-example: a site after "arising from" is not a precursor
        (
            "a mass arising from the L5 nerve root, consistent with [schwannoma]",
            [("final", None)],
        ),
        # a wrong first diagnosis or one the findings contradict is a differential
        ("She was misdiagnosed as having [tuberculosis].", [("differential", None)]),
        ("Surgery showed findings inconsistent with [tuberculosis].", [("differential", None)]),
        # counter-example: "consistent with" is a diagnosis statement
        ("Surgery showed findings consistent with [tuberculosis].", [("final", None)]),
        # a relative's disease is not the patient's
        ("His father had [renal cell carcinoma].", [("other", None)]),
        ("There was a family history of [neurofibromatosis type 1].", [("other", None)]),
    ],
)
def test_statement_and_differential_cues(marked: str, expected: list[tuple]) -> None:
    assert [(r, b) for r, b, _ in sentence_roles(marked)] == expected


def test_pathology_suggestion_is_exempt_from_uncertainty() -> None:
    assert "dx.pathology_suggested" in config().certain_rules
    assert "dx.suspected" not in config().certain_rules


# ---------------------------------------------------------------- the lesion, not its sequelae


@pytest.mark.parametrize(
    ("finals", "expected"),
    [
        # a fracture, syrinx or hydrocephalus accompanies the lesion; the lesion is final
        (
            [
                ("vertebral compression fracture", None, "dx.revealed"),
                ("osteosarcoma", None, "dx.default"),
            ],
            "osteosarcoma",
        ),
        (
            [("ependymoma", None, "dx.default"), ("syringomyelia", "radiology", "dx.revealed")],
            "ependymoma",
        ),
        (
            [
                ("hydrocephalus", None, "dx.default"),
                ("myxopapillary ependymoma", None, "dx.default"),
            ],
            "myxopapillary ependymoma",
        ),
        (
            [("tethered cord syndrome", None, "dx.diagnosis_was"), ("lipoma", None, "dx.default")],
            "lipoma",
        ),
        # counter-examples: alone it is still the final diagnosis; lesions keep their order
        (
            [("vertebral compression fracture", "radiology", "dx.revealed")],
            "vertebral compression fracture",
        ),
        (
            [
                ("tuberculous spondylodiscitis", "histopathology", "dx.revealed"),
                ("lipoma", None, "dx.default"),
            ],
            "tuberculous spondylodiscitis",
        ),
    ],
)
def test_lesion_before_accompanying_condition(finals: list[tuple], expected: str) -> None:
    mentions = [mention(n, "final", b, r, i * 10) for i, (n, b, r) in enumerate(finals)]
    assert summarize_diagnoses(mentions)["final_diagnosis"]["name"] == expected


@pytest.mark.parametrize("category", sorted(config().non_lesion_categories))
def test_non_lesion_categories_are_used(category: str) -> None:
    from extractor.fields.vocabulary import phrase_index

    cats = {(e.get("category") or "").lower() for e in phrase_index("diagnoses.csv").entries}
    assert category in cats


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("a cervical intradural lipoma", "intradural lipoma", "8850/0"),
        ("a lipomyelomeningocele", "lipomyelomeningocele", None),
        ("a giant cell-rich osteosarcoma", "osteosarcoma", "9180/3"),
        ("a thyroid follicular carcinoma", "follicular thyroid carcinoma", "8330/3"),
        ("an osteoid osteoma", "osteoid osteoma", "9191/0"),
        ("a hydrocephalus", "hydrocephalus", None),
    ],
)
def test_package_vocabulary_names(text: str, name: str, code: str | None) -> None:
    from extractor.fields.diagnosis import default_index

    (m,) = find_diagnoses(text, default_index())
    assert (m.entry.canonical, m.entry.get("icdo3")) == (name, code)


@pytest.mark.parametrize(
    ("rule", "negated", "absent"),
    [
        # "There was no syrinx.": a finding that is absent
        ("dx.default", True, True),
        ("dx.default|fuzzy", True, True),
        # counter-examples: "A syrinx was ruled out." was considered; an affirmed finding
        ("dx.suspected_after", True, False),
        ("dx.default", False, False),
    ],
)
def test_absent_finding_is_not_a_differential(rule: str, negated: bool, absent: bool) -> None:
    from extractor.fields.base import Candidate
    from extractor.fields.diagnosis import _absent_finding
    from extractor.schema import FieldName

    cand = Candidate(FieldName.DIAGNOSIS, 0, 6, {"role": "differential"}, rule)
    cand.assertion = Assertion(negated=negated)
    assert _absent_finding(cand) is absent
