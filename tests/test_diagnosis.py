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
        # another author's case named in the text of this one; counter-example: a method
        ("Kim et al. described a case of [small cell carcinoma].", [("other", None)]),
        ("Biopsy, as Kim et al. advise, showed [schwannoma].", [("final", "histopathology")]),
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
        # a confirmed diagnosis supersedes an initial one, whatever their bases
        (
            [
                ("small cell carcinoma", "histopathology", "dx.diagnosis_was"),
                ("Ewing sarcoma", None, "dx.confirming"),
            ],
            "Ewing sarcoma",
        ),
        # counter-example: with no confirmation cue the histological basis still decides
        (
            [
                ("small cell carcinoma", "histopathology", "dx.diagnosis_was"),
                ("Ewing sarcoma", None, "dx.consistent_with"),
            ],
            "small cell carcinoma",
        ),
        # a biopsy diagnosis beats an imaging impression however explicitly it is worded
        (
            [
                ("villous adenoma", "histopathology", "dx.default"),
                ("rectal carcinoma", "radiology", "dx.consistent_with"),
            ],
            "villous adenoma",
        ),
        # counter-example: of two histological finals the explicit cue still decides
        (
            [
                ("glomus tumour", "histopathology", "dx.consistent_with"),
                ("haemangioma", "histopathology", "dx.default"),
            ],
            "glomus tumour",
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


# One phrase per entry of the widened vocabulary (carcinomas by organ and type, germ cell,
# skin adnexal, melanoma and neuroendocrine types, endocrine and other adenomas, CNS,
# haematolymphoid, bone and soft-tissue additions, non-neoplastic lesions): a synonym
# resolves to the entry and its ICD-O-3 code.
@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("biopsy showed a cutaneous myxoma", "superficial angiomyxoma", "8841/0"),
        ("histology confirmed acral fibromyxoma", "superficial acral fibromyxoma", "8811/0"),
        ("the final diagnosis was malignant mesenchymoma", "malignant mesenchymoma", "8990/3"),
        (
            "a fibrocartilaginous mesenchymoma of bone was resected",
            "fibrocartilaginous mesenchymoma",
            "8990/1",
        ),
        (
            "pathology revealed Nora lesion",
            "bizarre parosteal osteochondromatous proliferation",
            "9212/0",
        ),
        ("consistent with subungual exostosis", "subungual exostosis", "9213/0"),
        ("biopsy showed an osteochondromyxoma", "osteochondromyxoma", "9211/0"),
        (
            "histology confirmed giant cell reparative granuloma",
            "giant cell lesion of the small bones",
            None,
        ),
        ("the final diagnosis was pilomyxoid astrocytoma", "pilomyxoid astrocytoma", "9425/3"),
        ("a pituitary neuroendocrine tumour was resected", "pituitary adenoma", "8272/0"),
        ("pathology revealed prolactin-secreting pituitary adenoma", "prolactinoma", "8271/0"),
        ("consistent with somatotroph adenoma", "somatotroph pituitary adenoma", "8272/0"),
        ("biopsy showed a corticotroph adenoma", "corticotroph pituitary adenoma", "8272/0"),
        (
            "histology confirmed metastatic pituitary neuroendocrine tumour",
            "pituitary carcinoma",
            "8272/3",
        ),
        ("the final diagnosis was craniopharyngioma", "craniopharyngioma", "9350/1"),
        ("the final diagnosis was rectal hemolymphangioma", "hemolymphangioma", "9175/0"),
        ("consistent with a goblet cell carcinoid", "goblet cell adenocarcinoma", "8243/3"),
        ("histology confirmed an inflammatory fibroid polyp", "inflammatory fibroid polyp", None),
        (
            "an adamantinomatous craniopharyngioma was resected",
            "adamantinomatous craniopharyngioma",
            "9351/1",
        ),
        ("pathology revealed papillary craniopharyngioma", "papillary craniopharyngioma", "9352/1"),
        ("consistent with follicular adenoma", "follicular thyroid adenoma", "8330/0"),
        ("biopsy showed a Hürthle cell adenoma", "oncocytic adenoma of the thyroid", "8290/0"),
        ("histology confirmed oncocytoma", "renal oncocytoma", "8290/0"),
        ("the final diagnosis was adenoma of the parathyroid", "parathyroid adenoma", "8140/0"),
        ("an atypical parathyroid adenoma was resected", "atypical parathyroid tumour", "8140/1"),
        ("pathology revealed adrenocortical adenoma", "adrenal cortical adenoma", "8370/0"),
        ("consistent with villous adenoma of the colon", "villous adenoma", "8261/0"),
        ("biopsy showed a tubulo-villous adenoma", "tubulovillous adenoma", "8263/0"),
        ("histology confirmed tubular adenoma of the colon", "tubular adenoma", "8211/0"),
        ("the final diagnosis was colorectal adenoma", "adenomatous polyp", "8210/0"),
        ("an adenoma was resected", "adenoma", "8140/0"),
        ("pathology revealed desmoplastic/nodular medulloblastoma", "medulloblastoma", "9470/3"),
        (
            "consistent with atypical teratoid rhabdoid tumour",
            "atypical teratoid/rhabdoid tumour",
            "9508/3",
        ),
        (
            "biopsy showed an embryonal tumour with multilayered rosettes",
            "embryonal tumour with multilayered rosettes",
            "9478/3",
        ),
        ("histology confirmed pineoblastoma", "pineoblastoma", "9362/3"),
        (
            "the final diagnosis was oligodendroglioma IDH-mutant and 1p/19q-codeleted",
            "oligodendroglioma",
            "9450/3",
        ),
        ("an oligodendroglioma grade 3 was resected", "anaplastic oligodendroglioma", "9451/3"),
        (
            "pathology revealed anaplastic pleomorphic xanthoastrocytoma",
            "pleomorphic xanthoastrocytoma",
            "9424/3",
        ),
        (
            "consistent with subependymal giant cell astrocytoma",
            "subependymal giant cell astrocytoma",
            "9384/1",
        ),
        (
            "biopsy showed a diffuse leptomeningeal glioneuronal tumor",
            "diffuse leptomeningeal glioneuronal tumour",
            "9509/3",
        ),
        ("histology confirmed central neurocytoma", "central neurocytoma", "9506/1"),
        ("the final diagnosis was spinal neurocytoma", "extraventricular neurocytoma", "9506/1"),
        ("a gangliocytoma was resected", "gangliocytoma", "9492/0"),
        ("pathology revealed choroid plexus papilloma", "choroid plexus papilloma", "9390/0"),
        (
            "consistent with atypical choroid plexus papilloma",
            "atypical choroid plexus papilloma",
            "9390/1",
        ),
        ("biopsy showed a choroid plexus carcinoma", "choroid plexus carcinoma", "9390/3"),
        (
            "histology confirmed primary CNS lymphoma",
            "primary central nervous system lymphoma",
            "9680/3",
        ),
        (
            "the final diagnosis was high grade B-cell lymphoma",
            "high-grade B-cell lymphoma",
            "9680/3",
        ),
        (
            "a primary mediastinal (thymic) large B-cell lymphoma was resected",
            "primary mediastinal large B-cell lymphoma",
            "9679/3",
        ),
        (
            "pathology revealed intravascular lymphoma",
            "intravascular large B-cell lymphoma",
            "9712/3",
        ),
        (
            "consistent with T-cell histiocyte-rich large B-cell lymphoma",
            "T-cell/histiocyte-rich large B-cell lymphoma",
            "9688/3",
        ),
        ("biopsy showed a follicular lymphoma grade I", "follicular lymphoma grade 1", "9695/3"),
        (
            "histology confirmed follicular lymphoma grade II",
            "follicular lymphoma grade 2",
            "9691/3",
        ),
        (
            "the final diagnosis was follicular lymphoma grade III",
            "follicular lymphoma grade 3",
            "9698/3",
        ),
        (
            "a nodular sclerosis Hodgkin lymphoma was resected",
            "nodular sclerosis classical Hodgkin lymphoma",
            "9663/3",
        ),
        (
            "pathology revealed mixed cellularity Hodgkin lymphoma",
            "mixed cellularity classical Hodgkin lymphoma",
            "9652/3",
        ),
        (
            "consistent with lymphocyte-rich Hodgkin lymphoma",
            "lymphocyte-rich classical Hodgkin lymphoma",
            "9651/3",
        ),
        (
            "biopsy showed a lymphocyte-depleted Hodgkin lymphoma",
            "lymphocyte-depleted classical Hodgkin lymphoma",
            "9653/3",
        ),
        (
            "histology confirmed nodular lymphocyte predominant Hodgkin lymphoma",
            "nodular lymphocyte-predominant Hodgkin lymphoma",
            "9659/3",
        ),
        (
            "the final diagnosis was anaplastic large cell lymphoma ALK-negative",
            "ALK-negative anaplastic large cell lymphoma",
            "9715/3",
        ),
        (
            "an angioimmunoblastic lymphoma was resected",
            "angioimmunoblastic T-cell lymphoma",
            "9705/3",
        ),
        (
            "pathology revealed extranodal NK/T-cell lymphoma nasal type",
            "extranodal NK/T-cell lymphoma",
            "9719/3",
        ),
        (
            "consistent with adult T-cell leukemia/lymphoma",
            "adult T-cell leukaemia/lymphoma",
            "9827/3",
        ),
        ("biopsy showed a mycosis fungoides", "mycosis fungoides", "9700/3"),
        ("histology confirmed Sezary syndrome", "Sézary syndrome", "9701/3"),
        (
            "the final diagnosis was precursor lymphoblastic lymphoma",
            "lymphoblastic lymphoma",
            "9727/3",
        ),
        (
            "a B-lymphoblastic leukemia/lymphoma was resected",
            "B-lymphoblastic leukaemia/lymphoma",
            "9811/3",
        ),
        (
            "pathology revealed T-lymphoblastic leukemia/lymphoma",
            "T-lymphoblastic leukaemia/lymphoma",
            "9837/3",
        ),
        ("consistent with acute lymphoblastic leukemia", "acute lymphoblastic leukaemia", "9835/3"),
        ("biopsy showed a lymphoplasmacytoid lymphoma", "lymphoplasmacytic lymphoma", "9671/3"),
        (
            "histology confirmed Waldenstrom macroglobulinemia",
            "Waldenström macroglobulinaemia",
            "9761/3",
        ),
        (
            "the final diagnosis was splenic marginal zone B-cell lymphoma",
            "splenic marginal zone lymphoma",
            "9689/3",
        ),
        (
            "a nodal marginal zone B-cell lymphoma was resected",
            "nodal marginal zone lymphoma",
            "9699/3",
        ),
        ("pathology revealed hairy cell leukemia", "hairy cell leukaemia", "9940/3"),
        ("consistent with plasma cell leukemia", "plasma cell leukaemia", "9733/3"),
        (
            "biopsy showed a monoclonal gammopathy of unknown significance",
            "monoclonal gammopathy of undetermined significance",
            "9765/1",
        ),
        ("histology confirmed osteosclerotic myeloma", "POEMS syndrome", "9732/3"),
        ("the final diagnosis was acute leukemia", "acute leukaemia", "9801/3"),
        ("an acute promyelocytic leukemia was resected", "acute promyelocytic leukaemia", "9866/3"),
        ("pathology revealed chronic myeloid leukemia", "chronic myeloid leukaemia", "9875/3"),
        (
            "consistent with chronic myelomonocytic leukemia",
            "chronic myelomonocytic leukaemia",
            "9945/3",
        ),
        ("biopsy showed a myelodysplasia", "myelodysplastic syndrome", "9989/3"),
        (
            "histology confirmed myeloproliferative disorder",
            "myeloproliferative neoplasm",
            "9975/3",
        ),
        ("the final diagnosis was polycythemia vera", "polycythaemia vera", "9950/3"),
        ("an essential thrombocythemia was resected", "essential thrombocythaemia", "9962/3"),
        ("pathology revealed agnogenic myeloid metaplasia", "primary myelofibrosis", "9961/3"),
        (
            "consistent with systemic mastocytosis with an associated haematological neoplasm",
            "systemic mastocytosis",
            "9741/3",
        ),
        ("biopsy showed a mast cell sarcoma", "mast cell sarcoma", "9740/3"),
        ("histology confirmed Gaucher's disease", "Gaucher disease", None),
        ("the final diagnosis was thyroid cancer", "thyroid carcinoma", "8010/3"),
        (
            "a follicular variant papillary thyroid carcinoma was resected",
            "follicular variant of papillary thyroid carcinoma",
            "8340/3",
        ),
        (
            "pathology revealed NIFTP",
            "noninvasive follicular thyroid neoplasm with papillary-like nuclear features",
            "8349/1",
        ),
        ("consistent with papillary microcarcinoma", "papillary thyroid microcarcinoma", "8341/3"),
        (
            "biopsy showed a tall cell papillary thyroid carcinoma",
            "tall cell variant of papillary thyroid carcinoma",
            "8344/3",
        ),
        (
            "histology confirmed oxyphilic papillary thyroid carcinoma",
            "oncocytic variant of papillary thyroid carcinoma",
            "8342/3",
        ),
        (
            "the final diagnosis was diffuse sclerosing papillary thyroid carcinoma",
            "diffuse sclerosing variant of papillary thyroid carcinoma",
            "8350/3",
        ),
        (
            "a minimally invasive follicular carcinoma was resected",
            "minimally invasive follicular thyroid carcinoma",
            "8335/3",
        ),
        (
            "pathology revealed Hürthle cell carcinoma",
            "oncocytic carcinoma of the thyroid",
            "8290/3",
        ),
        ("consistent with medullary carcinoma of thyroid", "medullary thyroid carcinoma", "8345/3"),
        ("biopsy showed an anaplastic thyroid cancer", "anaplastic thyroid carcinoma", "8021/3"),
        (
            "histology confirmed poorly differentiated thyroid cancer",
            "poorly differentiated thyroid carcinoma",
            "8337/3",
        ),
        ("the final diagnosis was papillary RCC", "papillary renal cell carcinoma", "8260/3"),
        ("a chromophobe RCC was resected", "chromophobe renal cell carcinoma", "8317/3"),
        (
            "pathology revealed carcinoma of the collecting ducts of Bellini",
            "collecting duct carcinoma",
            "8319/3",
        ),
        ("consistent with renal medullary carcinoma", "renal medullary carcinoma", "8510/3"),
        (
            "biopsy showed a translocation renal cell carcinoma",
            "MiT family translocation renal cell carcinoma",
            "8311/3",
        ),
        (
            "histology confirmed renal cell carcinoma with sarcomatoid differentiation",
            "sarcomatoid renal cell carcinoma",
            "8318/3",
        ),
        ("the final diagnosis was Wilms tumour", "nephroblastoma", "8960/3"),
        (
            "a squamous cell carcinoma of the lung was resected",
            "lung squamous cell carcinoma",
            "8070/3",
        ),
        ("pathology revealed large cell lung carcinoma", "large cell carcinoma", "8012/3"),
        (
            "consistent with large-cell neuroendocrine carcinoma",
            "large cell neuroendocrine carcinoma",
            "8013/3",
        ),
        ("biopsy showed a non-small cell lung cancer", "non-small cell lung carcinoma", "8046/3"),
        ("histology confirmed lobular carcinoma", "invasive lobular carcinoma", "8520/3"),
        (
            "the final diagnosis was metaplastic carcinoma of the breast",
            "metaplastic breast carcinoma",
            "8575/3",
        ),
        ("a mucinous adenocarcinoma was resected", "mucinous carcinoma", "8480/3"),
        ("pathology revealed tubular carcinoma", "tubular adenocarcinoma", "8211/3"),
        ("consistent with signet-ring cell carcinoma", "signet ring cell carcinoma", "8490/3"),
        ("biopsy showed a gastric carcinoma", "gastric adenocarcinoma", "8140/3"),
        (
            "histology confirmed esophageal squamous cell carcinoma",
            "oesophageal squamous cell carcinoma",
            "8070/3",
        ),
        (
            "the final diagnosis was esophageal adenocarcinoma",
            "oesophageal adenocarcinoma",
            "8140/3",
        ),
        ("an esophageal carcinoma was resected", "oesophageal carcinoma", "8010/3"),
        (
            "pathology revealed small bowel adenocarcinoma",
            "small intestinal adenocarcinoma",
            "8140/3",
        ),
        ("consistent with pancreatic adenocarcinoma", "pancreatic ductal adenocarcinoma", "8500/3"),
        ("biopsy showed a pancreatic acinar cell carcinoma", "acinar cell carcinoma", "8550/3"),
        (
            "histology confirmed fibrolamellar carcinoma",
            "fibrolamellar hepatocellular carcinoma",
            "8171/3",
        ),
        ("the final diagnosis was intrahepatic cholangiocarcinoma", "cholangiocarcinoma", "8160/3"),
        ("a gallbladder adenocarcinoma was resected", "gallbladder carcinoma", "8140/3"),
        ("pathology revealed hepatoid carcinoma", "hepatoid adenocarcinoma", "8576/3"),
        ("consistent with bladder cancer", "bladder carcinoma", "8010/3"),
        ("biopsy showed an adrenocortical carcinoma", "adrenal cortical carcinoma", "8370/3"),
        ("histology confirmed carcinoma of the parathyroid", "parathyroid carcinoma", "8140/3"),
        ("the final diagnosis was basal-cell carcinoma", "basal cell carcinoma", "8090/3"),
        (
            "a squamous cell carcinoma of the skin was resected",
            "cutaneous squamous cell carcinoma",
            "8070/3",
        ),
        (
            "pathology revealed squamous cell carcinoma of the head and neck",
            "head and neck squamous cell carcinoma",
            "8070/3",
        ),
        ("consistent with nasopharyngeal cancer", "nasopharyngeal carcinoma", "8010/3"),
        (
            "biopsy showed a lymphoepithelioma-like carcinoma",
            "lymphoepithelial carcinoma",
            "8082/3",
        ),
        ("histology confirmed malignant mixed Müllerian tumour", "carcinosarcoma", "8980/3"),
        ("the final diagnosis was cylindromatous carcinoma", "adenoid cystic carcinoma", "8200/3"),
        ("a mucoepidermoid tumour was resected", "mucoepidermoid carcinoma", "8430/3"),
        ("pathology revealed salivary duct carcinoma", "salivary duct carcinoma", "8500/3"),
        (
            "consistent with carcinoma ex-pleomorphic adenoma",
            "carcinoma ex pleomorphic adenoma",
            "8941/3",
        ),
        ("biopsy showed a benign mixed tumour", "pleomorphic adenoma", "8940/0"),
        ("histology confirmed type A thymoma", "thymoma", "8580/3"),
        ("the final diagnosis was thymic squamous cell carcinoma", "thymic carcinoma", "8586/3"),
        ("an ovarian cancer was resected", "ovarian carcinoma", "8010/3"),
        (
            "pathology revealed high-grade serous ovarian carcinoma",
            "high-grade serous carcinoma",
            "8461/3",
        ),
        (
            "consistent with low-grade serous ovarian carcinoma",
            "low-grade serous carcinoma",
            "8460/3",
        ),
        ("biopsy showed a borderline serous tumour", "serous borderline tumour", "8442/1"),
        ("histology confirmed endometrioid adenocarcinoma", "endometrioid carcinoma", "8380/3"),
        (
            "the final diagnosis was squamous cell carcinoma of the cervix",
            "cervical squamous cell carcinoma",
            "8070/3",
        ),
        ("a clear cell carcinoma of the ovary was resected", "clear cell carcinoma", "8310/3"),
        ("pathology revealed adult granulosa cell tumour", "granulosa cell tumour", "8620/3"),
        (
            "consistent with low-grade endometrial stromal sarcoma",
            "endometrial stromal sarcoma",
            "8931/3",
        ),
        (
            "biopsy showed a high grade endometrial stromal sarcoma",
            "high-grade endometrial stromal sarcoma",
            "8930/3",
        ),
        ("histology confirmed classic seminoma", "seminoma", "9061/3"),
        ("the final diagnosis was spermatocytic seminoma", "spermatocytic tumour", "9063/3"),
        ("an intracranial germinoma was resected", "germinoma", "9064/3"),
        ("pathology revealed ovarian dysgerminoma", "dysgerminoma", "9060/3"),
        ("consistent with yolk sac tumor", "yolk sac tumour", "9071/3"),
        ("biopsy showed an embryonal cell carcinoma", "embryonal carcinoma", "9070/3"),
        ("histology confirmed gestational choriocarcinoma", "choriocarcinoma", "9100/3"),
        ("the final diagnosis was mixed germ cell tumor", "mixed germ cell tumour", "9085/3"),
        (
            "a nonseminomatous germ cell tumor was resected",
            "nonseminomatous germ cell tumour",
            "9065/3",
        ),
        ("pathology revealed germ cell tumor", "germ cell tumour", "9064/3"),
        ("consistent with sebaceous adenocarcinoma", "sebaceous carcinoma", "8410/3"),
        ("biopsy showed an eccrine porocarcinoma", "porocarcinoma", "8409/3"),
        ("histology confirmed eccrine poroma", "poroma", "8409/0"),
        (
            "the final diagnosis was syringomatous carcinoma",
            "microcystic adnexal carcinoma",
            "8407/3",
        ),
        ("a sweat gland adenocarcinoma was resected", "sweat gland carcinoma", "8400/3"),
        ("pathology revealed malignant hidradenoma", "hidradenocarcinoma", "8402/3"),
        ("consistent with nodular hidradenoma", "hidradenoma", "8402/0"),
        ("biopsy showed an eccrine spiradenoma", "spiradenoma", "8403/0"),
        ("histology confirmed dermal cylindroma", "cylindroma", "8200/0"),
        ("the final diagnosis was Merkel cell tumour", "Merkel cell carcinoma", "8247/3"),
        (
            "a superficial spreading malignant melanoma was resected",
            "superficial spreading melanoma",
            "8743/3",
        ),
        ("pathology revealed nodular malignant melanoma", "nodular melanoma", "8721/3"),
        ("consistent with lentigo maligna melanoma", "lentigo maligna melanoma", "8742/3"),
        ("biopsy showed an acral melanoma", "acral lentiginous melanoma", "8744/3"),
        ("histology confirmed neurotropic melanoma", "desmoplastic melanoma", "8745/3"),
        ("the final diagnosis was amelanotic malignant melanoma", "amelanotic melanoma", "8730/3"),
        ("a spindle cell malignant melanoma was resected", "spindle cell melanoma", "8772/3"),
        ("pathology revealed mucosal malignant melanoma", "mucosal melanoma", "8720/3"),
        ("consistent with choroidal melanoma", "uveal melanoma", "8720/3"),
        ("biopsy showed a meningeal melanocytoma", "melanocytoma", "8728/1"),
        ("histology confirmed meningeal melanomatosis", "meningeal melanomatosis", "8728/3"),
        (
            "the final diagnosis was neuroendocrine tumor grade 1",
            "neuroendocrine tumour grade 1",
            "8240/3",
        ),
        ("a neuroendocrine tumor grade 2 was resected", "neuroendocrine tumour grade 2", "8249/3"),
        (
            "pathology revealed neuroendocrine tumor grade 3",
            "neuroendocrine tumour grade 3",
            "8249/3",
        ),
        (
            "consistent with small-cell neuroendocrine carcinoma",
            "small cell neuroendocrine carcinoma",
            "8041/3",
        ),
        (
            "biopsy showed a mixed neuroendocrine non-neuroendocrine neoplasm",
            "mixed neuroendocrine-non-neuroendocrine neoplasm",
            "8154/3",
        ),
        (
            "histology confirmed pancreatic neuroendocrine tumor",
            "pancreatic neuroendocrine tumour",
            "8240/3",
        ),
        (
            "the final diagnosis was extra adrenal paraganglioma",
            "extra-adrenal paraganglioma",
            "8693/3",
        ),
        ("a carotid body tumour was resected", "head and neck paraganglioma", "8692/3"),
        (
            "pathology revealed Masson tumour",
            "intravascular papillary endothelial hyperplasia",
            None,
        ),
        ("consistent with chronic hepatitis C", "hepatitis C", None),
        ("biopsy showed a hemophilic pseudotumor", "haemophilic pseudotumour", None),
        ("histology confirmed false aneurysm", "pseudoaneurysm", None),
        ("the final diagnosis was aortic aneurysm", "aneurysm", None),
        (
            "biopsy showed a post-transplantation lymphoproliferative disorder",
            "post-transplant lymphoproliferative disorder",
            "9971/1",
        ),
        ("she had Kikuchi-Fujimoto disease", "Kikuchi disease", None),
        ("the final diagnosis was intraepithelial carcinoma", "carcinoma in situ", "8010/2"),
        ("a squamous carcinoma in situ was resected", "squamous cell carcinoma in situ", "8070/2"),
        ("pathology revealed intraductal carcinoma", "ductal carcinoma in situ", "8500/2"),
        (
            "consistent with lobular carcinoma in situ of the breast",
            "lobular carcinoma in situ",
            "8520/2",
        ),
        ("biopsy showed a malignant melanoma in situ", "melanoma in situ", "8720/2"),
        ("histology confirmed Hutchinson melanotic freckle", "lentigo maligna", "8742/2"),
        ("the final diagnosis was conventional ameloblastoma", "ameloblastoma", "9310/0"),
        ("a metastasising ameloblastoma was resected", "metastasizing ameloblastoma", "9310/3"),
        ("pathology revealed compound odontoma", "odontoma", "9280/0"),
        ("consistent with cementoossifying fibroma", "cemento-ossifying fibroma", "9274/0"),
        ("a history of keratocystic odontogenic tumour", "odontogenic keratocyst", None),
        ("she had periapical cyst", "radicular cyst", None),
        ("the work-up showed dentigerous cyst", "dentigerous cyst", None),
        ("a history of coccidioidal infection", "coccidioidomycosis", None),
        ("she had Blastomyces infection", "blastomycosis", None),
        ("the work-up showed Histoplasma infection", "histoplasmosis", None),
        ("a history of Candida infection", "candidiasis", None),
        ("she had Mucorales infection", "mucormycosis", None),
        ("the work-up showed syphilitic gumma", "syphilis", None),
        ("a history of schistosomiasis", "schistosomiasis", None),
        ("she had cat scratch disease", "cat-scratch disease", None),
        (
            "the work-up showed synovitis acne pustulosis hyperostosis osteitis syndrome",
            "SAPHO syndrome",
            None,
        ),
        (
            "a history of chronic recurrent multifocal osteomyelitis",
            "chronic recurrent multifocal osteomyelitis",
            None,
        ),
        ("she had Crohn's disease", "Crohn disease", None),
        ("the work-up showed ulcerative colitis", "ulcerative colitis", None),
        ("a history of inflammatory bowel disease", "inflammatory bowel disease", None),
        ("she had psoriatic arthropathy", "psoriatic arthritis", None),
        (
            "the work-up showed granulomatosis with polyangiitis",
            "granulomatosis with polyangiitis",
            None,
        ),
        ("a history of Sjogren syndrome", "Sjögren syndrome", None),
        ("she had Behcet disease", "Behçet disease", None),
        ("the work-up showed coronary heart disease", "coronary artery disease", None),
        ("a history of paroxysmal atrial fibrillation", "atrial fibrillation", None),
        ("she had multiple endocrine neoplasia 1", "multiple endocrine neoplasia type 1", None),
        (
            "the work-up showed multiple endocrine neoplasia 2",
            "multiple endocrine neoplasia type 2",
            None,
        ),
        ("a history of Klippel–Trenaunay syndrome", "Klippel-Trenaunay syndrome", None),
        ("she had Cobb syndrome", "Cobb syndrome", None),
        ("the work-up showed Ehlers–Danlos syndrome", "Ehlers-Danlos syndrome", None),
        ("biopsy showed an angiomatosis of bone", "angiomatosis", "9120/0"),
        ("histology confirmed acquired tufted angioma", "tufted angioma", "9161/0"),
        (
            "the final diagnosis was fibrous hamartomas of infancy",
            "fibrous hamartoma of infancy",
            "8992/0",
        ),
        ("a Stewart-Treves syndrome was resected", "lymphangiosarcoma", "9170/3"),
        ("she had Morton's neuroma", "Morton neuroma", None),
        (
            "consistent with high-grade astrocytoma with piloid features",
            "high-grade astrocytoma with piloid features",
            "9421/3",
        ),
        ("biopsy showed an astroblastoma MN1-altered", "astroblastoma", "9430/3"),
        ("histology confirmed angiocentric glioma", "angiocentric glioma", "9431/1"),
        (
            "the final diagnosis was chordoid glioma of the third ventricle",
            "chordoid glioma",
            "9444/1",
        ),
        (
            "a rosette-forming glioneuronal tumor was resected",
            "rosette-forming glioneuronal tumour",
            "9509/1",
        ),
        (
            "pathology revealed papillary glioneuronal tumor",
            "papillary glioneuronal tumour",
            "9509/1",
        ),
        (
            "consistent with dysembryoplastic neuroepithelial tumor",
            "dysembryoplastic neuroepithelial tumour",
            "9413/0",
        ),
        ("biopsy showed a gliosarcoma", "gliosarcoma", "9442/3"),
        ("histology confirmed esthesioneuroblastoma", "olfactory neuroblastoma", "9522/3"),
        (
            "the final diagnosis was melanotic neuroectodermal tumor of infancy",
            "melanotic neuroectodermal tumour of infancy",
            "9363/0",
        ),
        ("a neurolymphomatosis was resected", "neurolymphomatosis", "9590/3"),
        ("she had xanthogranuloma", "juvenile xanthogranuloma", None),
        ("the work-up showed Burkholderia pseudomallei infection", "melioidosis", None),
        ("a history of Toxoplasma infection", "toxoplasmosis", None),
        ("she had Hansen disease", "leprosy", None),
        ("the work-up showed Whipple's disease", "Whipple disease", None),
        ("a history of Borrelia burgdorferi infection", "Lyme disease", None),
        ("she had adult osteomalacia", "osteomalacia", None),
        ("the work-up showed tumor-induced osteomalacia", "tumour-induced osteomalacia", None),
        ("a history of X-linked hypophosphataemia", "rickets", None),
        ("she had chronic kidney disease-mineral and bone disorder", "renal osteodystrophy", None),
        ("the work-up showed giant bone island", "bone island", None),
        ("a history of osteopoikilia", "osteopoikilosis", None),
        ("she had melorheostosis", "melorheostosis", None),
        ("the work-up showed bone infarct", "osteonecrosis", None),
        ("a history of generalised lymphatic anomaly", "generalized lymphatic anomaly", None),
    ],
)
def test_widened_vocabulary_names(text: str, name: str, code: str | None) -> None:
    from extractor.fields.diagnosis import default_index

    (m,) = find_diagnoses(text, default_index())
    assert (m.entry.canonical, m.entry.get("icdo3")) == (name, code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the longer, more specific name wins over the family name inside it
        (
            "a follicular variant of papillary thyroid carcinoma",
            [("follicular variant of papillary thyroid carcinoma", "8340/3")],
        ),
        ("a papillary thyroid carcinoma", [("papillary thyroid carcinoma", "8260/3")]),
        ("non-small cell lung cancer", [("non-small cell lung carcinoma", "8046/3")]),
        ("small cell lung cancer", [("small cell carcinoma", "8041/3")]),
        (
            "a small cell neuroendocrine carcinoma",
            [("small cell neuroendocrine carcinoma", "8041/3")],
        ),
        (
            "a large cell neuroendocrine carcinoma",
            [("large cell neuroendocrine carcinoma", "8013/3")],
        ),
        ("an atypical carcinoid", [("neuroendocrine tumour grade 2", "8249/3")]),
        ("a carcinoid tumour", [("neuroendocrine tumour", "8240/3")]),
        ("a NET G3", [("neuroendocrine tumour grade 3", "8249/3")]),
        ("a pituitary macroadenoma", [("pituitary adenoma", "8272/0")]),
        ("an adrenocortical carcinoma", [("adrenal cortical carcinoma", "8370/3")]),
        ("follicular lymphoma grade 3B", [("follicular lymphoma grade 3", "9698/3")]),
        ("follicular lymphoma", [("follicular lymphoma", "9690/3")]),
        ("Hodgkin lymphoma, nodular sclerosis", [("Hodgkin lymphoma", "9650/3")]),
        (
            "ALK-negative anaplastic large cell lymphoma",
            [("ALK-negative anaplastic large cell lymphoma", "9715/3")],
        ),
        ("a mixed germ cell tumour", [("mixed germ cell tumour", "9085/3")]),
        ("a renal clear cell carcinoma", [("clear cell renal cell carcinoma", "8310/3")]),
        ("an ovarian clear cell carcinoma", [("clear cell carcinoma", "8310/3")]),
        ("gastric signet ring cell carcinoma", [("signet ring cell carcinoma", "8490/3")]),
        ("a thyroid follicular adenoma", [("follicular thyroid adenoma", "8330/0")]),
        ("a primary CNS lymphoma", [("primary central nervous system lymphoma", "9680/3")]),
        # counter-examples: an organ, an adjective or a gene is no diagnosis
        ("the thyroid was enlarged", []),
        ("the adrenal glands and the pituitary were normal", []),
        ("familial adenomatous polyposis", [("familial adenomatous polyposis", None)]),
        ("an adenomatous polyp", [("adenomatous polyp", "8210/0")]),
        ("a cervical spine carcinoma", [("carcinoma", "8010/3")]),
        ("ALL patients and the POEMS criteria", [("POEMS syndrome", "9732/3")]),
        ("she wrote poems", []),
        ("an aneurysmal bone cyst", [("aneurysmal bone cyst", "9260/0")]),
        ("germline testing", []),
        # in situ is its own entry; "ductal carcinoma" alone stays invasive
        ("ductal carcinoma in situ", [("ductal carcinoma in situ", "8500/2")]),
        ("a ductal carcinoma", [("invasive breast carcinoma of no special type", "8500/3")]),
        ("lentigo maligna melanoma", [("lentigo maligna melanoma", "8742/3")]),
        ("a MEN2A kindred", [("multiple endocrine neoplasia type 2", None)]),
        ("men and women", []),
        # a named variant wins over the family word inside it
        ("a Morton neuroma", [("Morton neuroma", None)]),
        ("a traumatic neuroma", [("traumatic neuroma", None)]),
        ("an olfactory neuroblastoma", [("olfactory neuroblastoma", "9522/3")]),
        ("an angiocentric glioma", [("angiocentric glioma", "9431/1")]),
        ("xanthogranulomatous inflammation", []),
        # primaries named by receptor status or clinical course keep their organ entry
        ("a triple-negative breast cancer", [("breast carcinoma", "8010/3")]),
        ("an inflammatory breast carcinoma", [("inflammatory breast carcinoma", "8530/3")]),
        ("castration-resistant prostate cancer", [("prostatic adenocarcinoma", "8140/3")]),
        (
            "ductal adenocarcinoma of the prostate",
            [("prostatic ductal adenocarcinoma", "8500/3")],
        ),
        ("a kidney cancer", [("renal cell carcinoma", "8312/3")]),
        ("a testicular germ cell tumour", [("germ cell tumour", "9064/3")]),
    ],
)
def test_widened_vocabulary_specificity(text: str, expected: list[tuple]) -> None:
    from extractor.fields.diagnosis import default_index

    found = find_diagnoses(text, default_index())
    assert [(m.entry.canonical, m.entry.get("icdo3") or None) for m in found] == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("a metastatic papillary renal cell carcinoma", "papillary renal cell carcinoma"),
        ("a papillary renal cell carcinoma", "papillary renal cell carcinoma"),  # counter
    ],
)
def test_metastatic_keeps_a_specific_name_of_a_shared_code(text: str, name: str) -> None:
    from extractor.fields.diagnosis import default_index

    (m,) = find_diagnoses(text, default_index())
    assert m.entry.canonical == name


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


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # counter-examples of the rows added for hemolymphangioma, goblet cell
        # adenocarcinoma and inflammatory fibroid polyp
        ("an epidural haemangioma", ["haemangioma"]),
        ("goblet cells were seen in the mucosa", []),
        ("a fibroid uterus and an inflammatory polyp", []),
    ],
)
def test_added_rows_counter_examples(text: str, names: list[str]) -> None:
    from extractor.fields.diagnosis import default_index

    assert [m.entry.canonical for m in find_diagnoses(text, default_index())] == names
