"""Case-report sectionizer: heading forms, labels, tiling, rule file, corpus end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from extractor.rules import RuleFileError
from extractor.schema import SECTION_KINDS, SectionKind
from extractor.sections import SectionSpan, section_at
from extractor.sections.headings import HeadingMatch, accept_headings, line_prefix_start
from extractor.sections.ruleset import ALLOWED_KEYS, load_ruleset, parse_ruleset
from extractor.sections.tiling import build_sections
from extractor.text import normalize

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
RULES = load_ruleset()
RULES_BY_ID = RULES.by_id()


@pytest.fixture(scope="module")
def sectionizer():
    import extractor.sections.component  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("case_sections")
    return nlp


def sections_of(nlp, text: str) -> list[SectionSpan]:
    return nlp(normalize(text).text)._.sections


def label_heading(nlp, text: str) -> list[tuple[str, str]]:
    return [(s.label, s.heading) for s in sections_of(nlp, text)]


FM = ("front_matter", "")


# --------------------------------------------------------------- headings -> labels
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # alone on a line: Title Case, CAPITALS, numbered, with a trailing colon
        ("Title\nCase Report\nA 45 yrs. female.", [FM, ("case_presentation", "Case Report")]),
        ("Title\nCASE REPORT\nA 45 yrs. female.", [FM, ("case_presentation", "CASE REPORT")]),
        (
            "Title\n2. Case presentation\nA woman.\n3. Discussion\nRare.",
            [FM, ("case_presentation", "2. Case presentation"), ("discussion", "3. Discussion")],
        ),
        ("Title\nII. Discussion\nRare.", [FM, ("discussion", "II. Discussion")]),
        ("Title\nDiscussion:\nRare.", [FM, ("discussion", "Discussion:")]),
        (
            "Title\nOutcome and follow-up\nNo recurrence.",
            [FM, ("outcome", "Outcome and follow-up")],
        ),
        # inline with a colon
        (
            "Case Report\nA woman.\nGross specimen: The histopathology laboratory received a mass.",
            [FM, ("case_presentation", "Case Report"), ("pathology", "Gross specimen:")],
        ),
        (
            "Case Report\nA woman.\nHPE findings: Microscopic examination reveals a lesion.",
            [FM, ("case_presentation", "Case Report"), ("pathology", "HPE findings:")],
        ),
        # a heading word inside a sentence or a non-heading "X: y" line
        (
            "Case Report\nWe begin the discussion of the differential diagnosis.",
            [FM, ("case_presentation", "Case Report")],
        ),
        (
            "Case Report\nDiscussion of these cases shows a mixed picture.",
            [FM, ("case_presentation", "Case Report")],
        ),
        (
            "Case Report\nThyroid hormonal status: Euthyroid at the time of admission.",
            [FM, ("case_presentation", "Case Report")],
        ),
        (
            "Case Report\nMicroscopic examination reveals sheets of cells.",
            [FM, ("case_presentation", "Case Report")],
        ),
        (
            "Case Report\nA woman.\ntreatment: surgery was done.",
            [FM, ("case_presentation", "Case Report")],
        ),
        (
            "Intro text with Case report in the middle of a line.\nMore.",
            [FM],
        ),
        # a heading broken across lines by the PDF is rejoined by normalization
        (
            "Title\n\nCase\n\nReport\n\nA 45 yrs. female.",
            [FM, ("case_presentation", "Case")],
        ),
        # structured abstract labels inline with a colon
        (
            "Abstract\nRationale: IMT is rare.\nPatient concerns: Leg pain.\nInterventions: "
            "Resection.\nDiagnoses: IMT.\nOutcomes: Well.\nLessons: Excise it.",
            [
                FM,
                ("abstract", "Abstract"),
                ("abstract_background", "Rationale:"),
                ("abstract_case", "Patient concerns:"),
                ("abstract_case", "Interventions:"),
                ("abstract_case", "Diagnoses:"),
                ("abstract_case", "Outcomes:"),
                ("abstract_conclusion", "Lessons:"),
            ],
        ),
        (
            "STUDY DESIGN: Case report.\nOBJECTIVES: To report.\nSUMMARY OF LITERATURE REVIEW: "
            "Few.\nMATERIALS AND METHODS The tumour was resected.\nRESULTS: Healed.\n"
            "CONCLUSIONS: Rare.\nIntroduction\nGiant cell tumours are rare.",
            [
                FM,
                ("abstract_background", "STUDY DESIGN:"),
                ("abstract_background", "OBJECTIVES:"),
                ("abstract_background", "SUMMARY OF LITERATURE REVIEW:"),
                ("abstract_case", "MATERIALS AND METHODS"),
                ("abstract_case", "RESULTS:"),
                ("abstract_conclusion", "CONCLUSIONS:"),
                ("introduction", "Introduction"),
            ],
        ),
        (
            "Abstract\nBackground: Rare.\nCase presentation: A man.\nConclusions: Excise.\n"
            "Background\nGlomus tumours are rare.\nCase presentation\nA man.\nConclusions\nRare.",
            [
                FM,
                ("abstract", "Abstract"),
                ("abstract_background", "Background:"),
                ("abstract_case", "Case presentation:"),
                ("abstract_conclusion", "Conclusions:"),
                ("introduction", "Background"),
                ("case_presentation", "Case presentation"),
                ("conclusion", "Conclusions"),
            ],
        ),
        (
            "Abstract\nA paraspinal mass may be caused by many conditions.\nIntroduction\nRare.",
            [FM, ("abstract", "Abstract"), ("introduction", "Introduction")],
        ),
        (
            "Abstract\nBackground\nRare.\nCase presentation\nA man.\nConclusion\nRare.\n"
            "Keywords: IMT\nBackground\nRare.",
            [
                FM,
                ("abstract", "Abstract"),
                ("abstract_background", "Background"),
                ("abstract_case", "Case presentation"),
                ("abstract_conclusion", "Conclusion"),
                ("keywords", "Keywords:"),
                ("introduction", "Background"),
            ],
        ),
        # outside an abstract the same words keep their body labels
        (
            "Case Report\nA man.\nOutcome\nWell.\nLessons\nExcise it.",
            [
                FM,
                ("case_presentation", "Case Report"),
                ("outcome", "Outcome"),
                ("learning_points", "Lessons"),
            ],
        ),
        # other-article blocks and PubMed metadata
        (
            "Abstract\nRare.\nSimilar articles\n-\nExtradural nodular fasciitis.\nCited by\n-\n"
            "Treatment, pathological characteristics, and prognosis of IMT.\nReferences\n- Coffin.",
            [
                FM,
                ("abstract", "Abstract"),
                ("similar_articles", "Similar articles"),
                ("cited_by", "Cited by"),
                ("references", "References"),
            ],
        ),
        (
            "Abstract\nRare.\nCited by\n\nPublication types\n\nMeSH terms\n\n"
            "LinkOut - more resources",
            [
                FM,
                ("abstract", "Abstract"),
                ("cited_by", "Cited by"),
                ("metadata", "Publication types"),
                ("metadata", "MeSH terms"),
                ("metadata", "LinkOut - more resources"),
            ],
        ),
        (
            "Abstract\nRare.\nBibliography\n1. Smith.",
            [FM, ("abstract", "Abstract"), ("references", "Bibliography")],
        ),
        # declarations, including run-in bullets and glued publisher headings
        (
            "Footnotes\n\u2022 Contributors ATT drafted the article.\n\u2022 Competing interests "
            "None declared.\n\u2022 Patient consent Obtained.\n\u2022 Provenance and peer review "
            "Not commissioned.",
            [
                FM,
                ("declarations", "Footnotes"),
                ("declarations", "Contributors"),
                ("declarations", "Competing interests"),
                ("declarations", "Patient consent"),
                ("declarations", "Provenance and peer review"),
            ],
        ),
        (
            "Discussion\nRare.\nEthical ResponsibilitiesProtection of persons and animals\nNone.\n"
            "Data confidentiality\nKept.\nAcknowledgements\nWe thank the patient.",
            [
                FM,
                ("discussion", "Discussion"),
                ("declarations", "Ethical Responsibilities"),
                ("declarations", "Data confidentiality"),
                ("declarations", "Acknowledgements"),
            ],
        ),
        # learning points
        (
            "Discussion\nRare.\nLearning points\n\u2022 Red flags may be absent.",
            [FM, ("discussion", "Discussion"), ("learning_points", "Learning points")],
        ),
    ],
)
def test_labels_and_headings(sectionizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert label_heading(sectionizer, text) == expected


# ------------------------------------------------------- captions and continuations
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Description\nA man had back pain.\nTable 1\nRed flag symptoms\nFigure 1\n"
            "Tumour eroding L2.\nAlveolar soft part sarcoma is rare.\nFigure 2\nA 16 cm mass.\n"
            "Learning points\n- Suspect it.",
            [
                (FM, ""),
                (("case_presentation", "Description"), "Description\nA man had back pain.\n"),
                (("figures", "Table 1"), "Table 1\nRed flag symptoms\n"),
                (("figures", "Figure 1"), "Figure 1\nTumour eroding L2.\n"),
                (("case_presentation", ""), "Alveolar soft part sarcoma is rare.\n"),
                (("figures", "Figure 2"), "Figure 2\nA 16 cm mass.\n"),
                (("learning_points", "Learning points"), "Learning points\n- Suspect it."),
            ],
        ),
        (
            "Full Text\nA woman.\nFig. 1.\nCervical X-ray.\n(0.13MB).\nFig. 2.\nCervical CT.\n"
            "(0.08MB).\nThe calcinosis was removed.",
            [
                (FM, ""),
                (("case_presentation", "Full Text"), "Full Text\nA woman.\n"),
                (("figures", "Fig. 1."), "Fig. 1.\nCervical X-ray.\n(0.13MB).\n"),
                (("figures", "Fig. 2."), "Fig. 2.\nCervical CT.\n(0.08MB).\n"),
                (("case_presentation", ""), "The calcinosis was removed."),
            ],
        ),
        (
            "HPE findings: Sheets of cells.\nFigure 1 HPE image showing sheets of cells [100X]\n"
            "Figure 2 HPE image 400X\nThe tumour was excised.",
            [
                (FM, ""),
                (("pathology", "HPE findings:"), "HPE findings: Sheets of cells.\n"),
                (("figures", "Figure 1"), "Figure 1 HPE image showing sheets of cells [100X]\n"),
                (("figures", "Figure 2"), "Figure 2 HPE image 400X\n"),
                (("pathology", ""), "The tumour was excised."),
            ],
        ),
    ],
)
def test_captions_and_continuations(sectionizer, text: str, expected) -> None:
    norm = normalize(text).text
    got = [((s.label, s.heading), norm[s.start : s.end]) for s in sectionizer(norm)._.sections]
    assert got == expected


@pytest.mark.parametrize(
    "line",
    [
        "Figure 1 shows the MRI of the lumbar spine.",
        "Figure 2 and 3 demonstrate the lesion.",
        "Table 1 summarizes the reported cases.",
        "Figures 1 and 2 show the tumour.",
    ],
)
def test_figure_reference_in_a_sentence_is_not_a_caption(sectionizer, line: str) -> None:
    assert label_heading(sectionizer, f"Case Report\nA woman.\n{line}\nMore.") == [
        FM,
        ("case_presentation", "Case Report"),
    ]


# ------------------------------------------------------------------- web chrome
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Skip to main page content\nU.S. flag\nAn official website of the United States "
            "government\nDot gov\nThe .gov means it's official.\nHttps\nThe site is secure.\n"
            "Case Reports\nA title\nAbstract\nRare.",
            # the chrome lines that open the text are front matter; a headline opens a block
            [
                FM,
                ("web_chrome", "An official website of the United States government"),
                FM,
                ("abstract", "Abstract"),
            ],
        ),
        (
            "Article Text\nDownload PDFPDF\nAlveolar soft part sarcoma\nStatistics from "
            "Altmetric.com\nRequest Permissions\nIf you wish to reuse this article use the link.\n"
            "Description\nA man.",
            [
                FM,
                ("web_chrome", "Download PDF"),
                FM,
                ("web_chrome", "Statistics from Altmetric.com"),
                ("web_chrome", "Request Permissions"),
                ("case_presentation", "Description"),
            ],
        ),
        (
            "Discussion\nRare.\nArticle options\nTools\nAre you a health professional able to "
            "prescribe or dispense drugs?",
            [FM, ("discussion", "Discussion"), ("web_chrome", "Article options")],
        ),
        (
            "Discussion\nRare.\nTalk to us\nHelp\nWe use cookies to improve your experience.",
            [
                FM,
                ("discussion", "Discussion"),
                ("web_chrome", "Talk to us"),
                ("web_chrome", "We use cookies"),
            ],
        ),
        # an on-page table of contents is not a run of empty sections
        (
            "Title\nArticle information\nFull Text\nBibliography\nDownload PDF\nStatistics\n"
            "Figures (2)\nFull Text\nThe patient was a woman.\nFig. 1.\nX-ray.\n"
            "References\n1. Smith.",
            [
                FM,
                ("metadata", "Article information"),
                ("web_chrome", "Download PDF"),
                ("metadata", "Statistics"),
                ("case_presentation", "Full Text"),
                ("figures", "Fig. 1."),
                ("references", "References"),
            ],
        ),
    ],
)
def test_web_chrome_and_navigation(sectionizer, text: str, expected) -> None:
    assert label_heading(sectionizer, text) == expected


# ------------------------------------------- structured abstracts, labels inline
AB = ("abstract", "Abstract")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one paragraph, CAPITALS run into the text, no "Abstract" heading
        (
            "A title\nBACKGROUND Glomus tumours are rare. CASE REPORT We present a man with back "
            "pain. CONCLUSIONS Excision cures it.\nIntroduction\nGlomus tumours are rare.",
            [
                FM,
                ("abstract_background", "BACKGROUND"),
                ("abstract_case", "CASE REPORT"),
                ("abstract_conclusion", "CONCLUSIONS"),
                ("introduction", "Introduction"),
            ],
        ),
        # colon labels inline after an "Abstract" heading
        (
            "Abstract\nBackground: Dermoid cysts are rare. Case Description: A 30-year-old woman "
            "had leg weakness. Conclusion: Partial excision is enough.",
            [
                FM,
                AB,
                ("abstract_background", "Background:"),
                ("abstract_case", "Case Description:"),
                ("abstract_conclusion", "Conclusion:"),
            ],
        ),
        (
            "Abstract\nRationale: IMT is rare. Patient concerns: A man had leg pain. "
            "Interventions: The mass was resected. Outcomes: No recurrence. Lessons: Excise it.",
            [
                FM,
                AB,
                ("abstract_background", "Rationale:"),
                ("abstract_case", "Patient concerns:"),
                ("abstract_case", "Interventions:"),
                ("abstract_case", "Outcomes:"),
                ("abstract_conclusion", "Lessons:"),
            ],
        ),
        (
            "Abstract\nObjective: To report a rare cyst. Case summary: A boy had back pain. "
            "Conclusion: Rare.",
            [
                FM,
                AB,
                ("abstract_background", "Objective:"),
                ("abstract_case", "Case summary:"),
                ("abstract_conclusion", "Conclusion:"),
            ],
        ),
        # a label followed by a full stop, at the line start and inline
        (
            "Abstract\n\nBackground. Hematopoiesis may compress the cord. Case Report. A woman had "
            "paraparesis. Conclusion. Suspect it.\n\n1. Introduction\nThalassemia is common.",
            [
                FM,
                AB,
                ("abstract_background", "Background."),
                ("abstract_case", "Case Report."),
                ("abstract_conclusion", "Conclusion."),
                ("introduction", "1. Introduction"),
            ],
        ),
        # a label followed by a dash (an en dash in the file)
        (
            "A title\n\nObjective \u2013 To report a rare tumour.\n\nCase report \u2013 A boy had "
            "back pain.\n\nConclusion \u2013 Rare.",
            [
                FM,
                ("abstract_background", "Objective"),
                ("abstract_case", "Case report"),
                ("abstract_conclusion", "Conclusion"),
            ],
        ),
        # labels on their own lines
        (
            "Abstract\nBACKGROUND\nHemangioblastomas are rare.\nOBSERVATIONS\nA man had back "
            "pain.\nLESSONS\nThink of it.\nIllustrative Case\nA man had back pain.",
            [
                FM,
                AB,
                ("abstract_background", "BACKGROUND"),
                ("abstract_case", "OBSERVATIONS"),
                ("abstract_conclusion", "LESSONS"),
                ("case_presentation", "Illustrative Case"),
            ],
        ),
        (
            "Abstract\nIntroduction\nHydatid cysts are rare.\nPresentation of the case\nWe present "
            "a boy with leg weakness.\nDiscussion\nRare.",
            [
                FM,
                AB,
                ("abstract_background", "Introduction"),
                ("abstract_case", "Presentation of the case"),
                ("discussion", "Discussion"),
            ],
        ),
        (
            "Abstract\nObjective\nTuberculosis mimics tumours.\nClinical Presentation\nA man had "
            "back pain.\nIntervention\nA biopsy was done.\nConclusion\nRare.",
            [
                FM,
                AB,
                ("abstract_background", "Objective"),
                ("abstract_case", "Clinical Presentation"),
                ("abstract_case", "Intervention"),
                ("abstract_conclusion", "Conclusion"),
            ],
        ),
        # labelled parts in a row are an abstract even without an "Abstract" heading
        (
            "A title\nBackground: Osteosarcoma is rare.\nCase Presentation: A boy had neck pain.\n"
            "Conclusion: Rare.\nIntroduction\nPrimary tumours are rare.",
            [
                FM,
                ("abstract_background", "Background:"),
                ("abstract_case", "Case Presentation:"),
                ("abstract_conclusion", "Conclusion:"),
                ("introduction", "Introduction"),
            ],
        ),
        # ... and a body heading is still a body heading
        (
            "Observations\nSuch tumours are rare.\nClinical presentation\nA man had pain.",
            [
                FM,
                ("discussion", "Observations"),
                ("case_presentation", "Clinical presentation"),
            ],
        ),
    ],
)
def test_structured_abstracts(sectionizer, text: str, expected) -> None:
    assert label_heading(sectionizer, text) == expected


def test_inline_label_splits_the_paragraph(sectionizer) -> None:
    text = "Abstract\nBackground: Rare. Case presentation: A man had pain. Conclusion: Rare."
    norm = normalize(text).text
    got = [(s.label, norm[s.start : s.end]) for s in sections_of(sectionizer, text)]
    assert got == [
        ("front_matter", ""),
        ("abstract", "Abstract\n"),
        ("abstract_background", "Background: Rare. "),
        ("abstract_case", "Case presentation: A man had pain. "),
        ("abstract_conclusion", "Conclusion: Rare."),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an abstract label inside a case section is text
        (
            "Case Report\nA man had pain. Diagnosis: schwannoma. Outcome: well.",
            [FM, ("case_presentation", "Case Report")],
        ),
        (
            "Pathology\nSpindle cells were seen. Diagnosis: schwannoma.",
            [FM, ("pathology", "Pathology")],
        ),
        # ... and after a body heading that is no abstract label
        (
            "Discussion: Such tumours are rare. Conclusion: Excise them.",
            [FM, ("discussion", "Discussion:")],
        ),
        # not a label: no colon, full stop or dash, or not after a sentence end
        (
            "Abstract\nWe present a case. Conclusions drawn from one case are limited.",
            [FM, AB],
        ),
        ("Abstract\nThis Case Report: a man.", [FM, AB]),
        ("Abstract\nWe present a case. case report: a man.", [FM, AB]),
        ("Abstract\nSee the discussion - background noise.", [FM, AB]),
        # a full stop after a heading word makes a heading only of an abstract label
        ("Discussion\nRare.\nSurgery. The mass was excised.", [FM, ("discussion", "Discussion")]),
        # after the text of an unstructured abstract, a label on a new line opens the body
        (
            "Abstract\nA man had back pain and a T10 lesion.\n\nCase report: A man had back "
            "pain.\nInvestigations: MRI showed a mass.\nDiscussion: Rare.",
            [
                FM,
                AB,
                ("case_presentation", "Case report:"),
                ("investigations", "Investigations:"),
                ("discussion", "Discussion:"),
            ],
        ),
        # a journal's article-type line is not a case section
        ("Skip to main content\nCASE REPORT article\nA title\nAbstract\nRare.", [FM, AB]),
        # a "Full Text:" link over a DOI line
        ("A title\nFull Text:\n\nDOI: https://doi.org/10.1/x\n", [FM]),
    ],
)
def test_abstract_labels_outside_abstracts(sectionizer, text: str, expected) -> None:
    assert label_heading(sectionizer, text) == expected


# ---------------------------------------------------------------- term lists
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Abstract\nRare.\nMeSH Terms\n\nChild\nDiagnosis\nDiagnosis, Differential\nHumans\n"
            "Spine*\n\nFig. 1 MRI of the spine.\nReferences\n1. Smith J.",
            [
                FM,
                AB,
                ("metadata", "MeSH Terms"),
                ("figures", "Fig. 1"),
                ("references", "References"),
            ],
        ),
        (
            "Keywords\nSpinal cord\nTreatment\nHumans\nIntroduction\nSpinal tumours are rare "
            "in children and are often missed.",
            [FM, ("keywords", "Keywords"), ("introduction", "Introduction")],
        ),
        # a heading after the list whose next line is a sentence is a heading
        (
            "Keywords\nSpinal cord\nNeurosurgery\nINTRODUCTION\nGlioblastoma is rare.",
            [FM, ("keywords", "Keywords"), ("introduction", "INTRODUCTION")],
        ),
        # ... and so is one followed by another heading
        (
            "Keywords\nSpinal cord\nAbstract\nBackground\nRare.",
            [FM, ("keywords", "Keywords"), AB, ("abstract_background", "Background")],
        ),
        # outside a term list a heading word on its own line stays a heading
        (
            "Case Report\nA man.\nDiagnosis\nDiagnosis was made on biopsy.",
            [FM, ("case_presentation", "Case Report"), ("investigations", "Diagnosis")],
        ),
    ],
)
def test_term_lists(sectionizer, text: str, expected) -> None:
    assert label_heading(sectionizer, text) == expected


# ------------------------------------- other articles and chrome are never the patient
@pytest.mark.parametrize(
    "text",
    [
        "Case Report\nA woman.\nReferences\n1. Smith J. A 45-year-old man with schwannoma. "
        "Spine. 2001.\n2. Case report: a man with a lipoma. Spine. 2003.\n- Diagnosis: a cyst.",
        "Case Report\nA woman.\nSimilar articles\n- Schwannoma of the cauda equina in a man.\n"
        "- Diagnosis: glomus tumour in a child.\nCited by\n- Case presentation of a lipoma.",
        "Abstract\nRare.\nCited by\n- A 45-year-old man. Case Report. A lipoma.",
        "Case Report\nA woman.\nThere are currently no refbacks.\nCase presentation of lipoma, "
        "licensed under Creative Commons.",
        "Discussion\nRare.\nWe use cookies.\nClinical presentation, diagnosis: see our guide.",
    ],
)
def test_other_articles_and_chrome_are_never_patient_sections(sectionizer, text: str) -> None:
    norm = normalize(text).text
    spans = sections_of(sectionizer, text)
    tail = min(
        s.start
        for s in spans
        if s.kind in (SectionKind.OTHER_ARTICLES, SectionKind.NON_CONTENT) and s.start > 0
    )
    assert [s.label for s in spans if s.start >= tail and s.kind == SectionKind.PATIENT] == [], [
        (s.label, norm[s.start : s.end]) for s in spans
    ]


# ---------------------------------------------------------------- kinds, tiling
@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("front_matter", SectionKind.NON_CONTENT),
        ("case_presentation", SectionKind.PATIENT),
        ("abstract_case", SectionKind.PATIENT),
        ("abstract_background", SectionKind.LITERATURE),
        ("figures", SectionKind.PATIENT),
        ("similar_articles", SectionKind.OTHER_ARTICLES),
        ("web_chrome", SectionKind.NON_CONTENT),
    ],
)
def test_section_kinds(sectionizer, label: str, kind: SectionKind) -> None:
    text = (
        "Title\nSkip to main page content\nAbstract\nRationale: Rare.\nPatient concerns: Pain.\n"
        "Lessons: Excise.\n"
        "Case presentation\nA man.\nFigure 1 MRI.\nSimilar articles\n- Other."
    )
    spans = [s for s in sections_of(sectionizer, text) if s.label == label]
    assert spans and all(s.kind == kind for s in spans)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No heading at all.",
        "Abstract",
        "Discussion\n",
        " Title\nCase Report\nA.\nFigure 1\nX.\nY.\nDiscussion\nZ.\nFig. 2.\n(0.1MB).",
    ],
)
def test_sections_tile_the_text(sectionizer, text: str) -> None:
    norm = normalize(text).text
    spans = sectionizer(norm)._.sections
    assert spans[0].label == "front_matter" and spans[0].start == 0 and spans[0].heading == ""
    assert spans[-1].end == len(norm)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))
    assert all(s.label in SECTION_KINDS for s in spans)
    assert all(norm.startswith(s.heading, s.start) for s in spans)


def test_section_at_finds_the_open_section(sectionizer) -> None:
    norm = normalize("Title\nCase Report\nA 45 yrs. female.\nDiscussion\nRare.").text
    spans = sectionizer(norm)._.sections
    assert section_at(spans, norm.index("45")).label == "case_presentation"
    assert section_at(spans, norm.index("Rare")).label == "discussion"


def test_sections_do_not_touch_sentence_boundaries() -> None:
    import extractor.sections.component  # noqa: F401
    import extractor.sentences  # noqa: F401

    text = "Abstract\nRationale: IMT is rare. It recurs.\nCase Report\nA man. He had pain."
    nlp = spacy.blank("en")
    nlp.add_pipe("case_sentences")
    before = [s.text for s in nlp(text).sents]
    nlp.add_pipe("case_sections")
    assert [s.text for s in nlp(text).sents] == before


# ----------------------------------------------------------------- pure helpers
@pytest.mark.parametrize(
    ("text", "pos", "expected"),
    [
        ("Case Report", 0, 0),
        ("x\n2. Case presentation", 5, 2),
        ("x\n\u2022 Contributors ATT", 4, 4),
        ("x\nIII. Discussion", 7, 2),
        ("the Case Report", 4, None),
        ("x\n" + "y" * 40 + " Discussion", 43, None),
    ],
)
def test_line_prefix_start(text: str, pos: int, expected: int | None) -> None:
    assert line_prefix_start(text, pos) == expected


@pytest.mark.parametrize(
    ("text", "rule_id", "form"),
    [
        ("Discussion\nRare.", "discussion", "alone"),
        ("Discussion.\nRare.", "discussion", "alone"),
        ("Discussion: Rare.", "discussion", "colon"),
        ("DISCUSSION Rare.", "discussion", "caps_run_in"),
        ("Discussion Rare.", "discussion", None),
        ("Figure 1 HPE image", "figure_caption", "run_in"),
        ("Figure 1 shows the MRI", "figure_caption", None),
        ("Rationale\nRare.", "rationale", "alone"),
        ("Background. Rare.", "background", "period"),
        ("Discussion. Rare.", "discussion", None),
    ],
)
def test_heading_form(text: str, rule_id: str, form: str | None) -> None:
    rule = RULES_BY_ID[rule_id]
    word_end = 8 if rule_id == "figure_caption" else len(text.split()[0].rstrip(".:"))
    found = accept_headings(text, [HeadingMatch(rule, 0, word_end)])
    assert [h.form for h in found] == ([form] if form else [])


# ------------------------------------------------------------------- rule file
@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_every_rule_example_opens_its_section(sectionizer, rule) -> None:
    spans = sections_of(sectionizer, "A title\n" + rule.example)
    assert any(s.rule == rule.id for s in spans), [(s.label, s.heading, s.rule) for s in spans]


@pytest.mark.parametrize(("trailer_id", "regex", "example"), RULES.caption_trailers)
def test_every_caption_trailer_example_matches(trailer_id: str, regex, example: str) -> None:
    assert regex.fullmatch(example), trailer_id


def test_rule_labels_are_schema_labels() -> None:
    used = {r.category for r in RULES.rules} | {r.in_abstract for r in RULES.rules} - {None}
    assert set(SECTION_KINDS) - used == {"front_matter"}


_GOOD = {"id": "x1", "literal": "Discussion", "category": "discussion", "example": "Discussion"}


@pytest.mark.parametrize(
    ("rule", "message_parts"),
    [
        ({**_GOOD, "direction": "FORWARD"}, ["bad.json", "rule x1", "unknown keys", "literal"]),
        ({**_GOOD, "category": "history"}, ["bad.json", "rule x1", "unknown category"]),
        ({**_GOOD, "in_abstract": "summary"}, ["rule x1", "unknown in_abstract"]),
        ({**_GOOD, "forms": ["inline"]}, ["rule x1", "bad forms"]),
        ({**_GOOD, "scope": "page"}, ["rule x1", "unknown scope"]),
        ({k: v for k, v in _GOOD.items() if k != "example"}, ["rule x1", "missing keys"]),
        ({**_GOOD, "pattern": "(unclosed"}, ["rule x1", "invalid pattern"]),
        ({**_GOOD, "pattern": [{"SHAPE": "Xxxx"}]}, ["bad.json", "rule x1", "['SHAPE']"]),
    ],
)
def test_bad_rule_file_fails_loudly(rule: dict, message_parts: list[str]) -> None:
    with pytest.raises(RuleFileError) as err:
        parse_ruleset("bad.json", {"rules": [rule]})
    for part in message_parts:
        assert part in str(err.value)


def test_unknown_key_error_lists_allowed_keys() -> None:
    with pytest.raises(RuleFileError) as err:
        parse_ruleset("bad.json", {"rules": [{**_GOOD, "colour": "red"}]})
    assert all(key in str(err.value) for key in ALLOWED_KEYS)


def test_duplicate_rule_ids_fail() -> None:
    with pytest.raises(RuleFileError, match="duplicate id"):
        parse_ruleset("bad.json", {"rules": [_GOOD, _GOOD]})


def test_shipped_rule_file_is_valid_json_with_unique_ids() -> None:
    from importlib import resources

    raw = json.loads(
        resources.files("extractor.sections.rules").joinpath("section_rules.json").read_text()
    )
    ids = [r["id"] for r in raw["rules"]]
    assert len(ids) == len(set(ids)) == len(RULES.rules)


# --------------------------------------------------------------- normalization
def test_reference_numbers_keep_the_references_heading_alone() -> None:
    text = "Consent given.\n\nReferences\n[1]\nN. Boulman, G. Slobodin.\n[2]\nA. Nitsche."
    assert normalize(text).text.split("\n")[:3] == ["Consent given.", "References", "[1]"]


# ------------------------------------------------------------------ linear time
# Work is counted (tests/conftest.py::count_steps), never timed: 8x the input must cost
# < 16x the steps (linear ~8x, quadratic ~64x), whatever the load of the machine.
@pytest.mark.slow
@pytest.mark.parametrize(
    "make",
    [
        lambda n: "no " * n,
        lambda n: "Discussion\n" * n,
        lambda n: "Discussion " * n,
        lambda n: "Figure 1 " * n,
        lambda n: "Gross: x\n" * n,
        lambda n: "Download PDFPDF\n" * n,
    ],
)
def test_sectionizer_is_linear(sectionizer, steps, make) -> None:
    component = sectionizer.get_pipe("case_sections")

    def cost(n: int) -> int:
        doc = sectionizer.make_doc(make(n))
        return steps(lambda: component(doc))

    component(sectionizer.make_doc(make(10)))  # lazy set-up is not the cost of the input
    small, large = cost(2_000), cost(16_000)
    assert large < 16 * small


@pytest.mark.slow
def test_pure_steps_are_linear_on_pathological_text(steps) -> None:
    rule = RULES_BY_ID["discussion"]
    labels: list[list[str]] = []

    def cost(n: int) -> int:
        text = "(" * n + "x" * n + "\nDiscussion\n" + "no " * (3 * n // 5)
        headings = [HeadingMatch(rule, 2 * n + 1, 2 * n + 11)]
        return steps(
            lambda: labels.append(
                [s.label for s in build_sections(text, accept_headings(text, headings))]
            )
        )

    small, large = cost(12_500), cost(100_000)
    assert labels[0] == labels[1] == ["front_matter", "discussion"]
    assert large < 16 * small


# --------------------------------------------------------------------- corpus
EXPECTED = {
    "000_bcca8ddb07401b26": [
        FM,
        ("abstract", "Abstract"),
        ("introduction", "Introduction"),
        ("case_presentation", "Case Report"),
        ("pathology", "Gross specimen:"),
        ("pathology", "HPE findings:"),
        ("figures", "Figure 1"),
        ("figures", "Figure 2"),
        ("figures", "Figure 3"),
        ("discussion", "Discussion"),
        ("conclusion", "Conclusion"),
    ],
    "001_ab4cfead4e9ce65b": [
        FM,
        ("abstract", "Abstract"),
        ("abstract_background", "Rationale:"),
        ("abstract_case", "Patient concerns:"),
        ("abstract_case", "Interventions:"),
        ("abstract_case", "Diagnoses:"),
        ("abstract_case", "Outcomes:"),
        ("abstract_conclusion", "Lessons:"),
        ("declarations", "Conflict of interest statement"),
        ("figures", "Figures"),
        ("similar_articles", "Similar articles"),
        ("cited_by", "Cited by"),
        ("references", "References"),
        ("metadata", "Publication types"),
        ("metadata", "MeSH terms"),
        ("metadata", "LinkOut - more resources"),
        ("metadata", "Full Text Sources"),
        ("metadata", "Other Literature Sources"),
    ],
    "002_5319ae1f09e49777": [
        FM,
        ("web_chrome", "Download PDF"),
        FM,
        ("web_chrome", "Statistics from Altmetric.com"),
        ("web_chrome", "Request Permissions"),
        ("case_presentation", "Description"),
        ("figures", "Table 1"),
        ("figures", "Figure 1"),
        ("case_presentation", ""),
        ("figures", "Figure 2"),
        ("learning_points", "Learning points"),
        ("references", "References"),
        ("declarations", "Footnotes"),
        ("declarations", "Contributors"),
        ("declarations", "Competing interests"),
        ("declarations", "Patient consent"),
        ("declarations", "Provenance and peer review"),
    ],
    "003_bf639ee0369763f3": [
        FM,
        ("web_chrome", "An official website of the United States government"),
        FM,
        ("metadata", "Affiliations"),
        ("abstract", "Abstract"),
        ("metadata", "PubMed Disclaimer"),
        ("similar_articles", "Similar articles"),
        ("cited_by", "Cited by"),
        ("metadata", "Publication types"),
        ("metadata", "MeSH terms"),
        ("metadata", "LinkOut - more resources"),
    ],
    "004_a8038762a1551523": [
        FM,
        ("metadata", "Article information"),
        ("web_chrome", "Download PDF"),
        ("metadata", "Statistics"),
        ("case_presentation", "Full Text"),
        ("figures", "Fig. 1."),
        ("figures", "Fig. 2."),
        ("discussion", "Discussion"),
        ("declarations", "Ethical Responsibilities"),
        ("declarations", "Data confidentiality"),
        ("declarations", "Right to privacy and informed consent"),
        ("references", "References"),
        ("declarations", "Please cite this article as:"),
        ("declarations", "Copyright"),
        ("web_chrome", "Idiomas"),
        ("web_chrome", "Article options"),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("report_id", sorted(EXPECTED))
def test_corpus_sections_end_to_end(corpus_records, report_id: str) -> None:
    record = corpus_records[report_id]
    assert [(s.label, s.heading) for s in record.sections] == EXPECTED[report_id]
    sections = record.sections
    assert sections[0].start == 0 and sections[-1].end == record.source.n_chars
    assert all(a.end == b.start for a, b in zip(sections, sections[1:], strict=False))
