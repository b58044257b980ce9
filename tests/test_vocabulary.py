"""Vocabulary loading, validation and matching (inline vocabularies, no spaCy)."""

from __future__ import annotations

import pytest

from extractor.fields import vocabulary_tokens as vt
from extractor.fields.vocabulary import (
    SPECS,
    PhraseIndex,
    VocabularyError,
    columns,
    damerau_levenshtein,
    fold,
    load_vocabulary,
    parse_vocabulary,
    parse_vocabulary_file,
    phrase_index,
    prime_columns,
    tokenize,
)

MARKERS = """# markers used by the tests
# second note line
canonical,synonyms,case_sensitive_synonyms,kind,note
smooth muscle actin,alpha-smooth muscle actin,SMA,ihc,
S100 protein,S-100|S-100 protein,,ihc,
ALK,anaplastic lymphoma kinase,ALK,ihc,
Ki-67,MIB-1,,ihc,
"""
DIAGNOSES = """canonical,synonyms,abbreviations,icdo3,category,note
glomus tumour,glomus tumor,GT,8711/0,neoplasm,
granular cell tumour,,GCT,9580/0,neoplasm,
giant cell tumour of bone,,GCT,9250/1,neoplasm,
neurofibroma,,,9540/0,neoplasm,
"""


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("Tumours", "tumor"),
        ("lipomas", "lipoma"),
        ("metastases", "metastasis"),
        ("vertebrae", "vertebra"),
        ("haemangioma", "hemangioma"),
        ("glomus", "glomus"),
        ("Ewing's", "ewing"),
        ("abscesses", "abscess"),
    ],
)
def test_fold(word: str, folded: str) -> None:
    assert fold(word) == folded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("positive for SMA and S-100 protein", ["smooth muscle actin", "S100 protein"]),
        ("S100 and S-100", ["S100 protein", "S100 protein"]),
        ("alk is lower case, ALK is not", ["ALK"]),
        ("MIB1 labelling", ["Ki-67"]),
        ("sma in lower case is not a marker", []),
    ],
)
def test_marker_matching(text: str, expected: list[str]) -> None:
    index = PhraseIndex(parse_vocabulary("markers.csv", MARKERS))
    assert [m.canonical for m in index.find(text)] == expected


def test_longest_match_wins() -> None:
    sites = (
        "canonical,synonyms,icdo3_topography,region,note\n"
        "paraspinal soft tissue,paraspinal,C49.6,,\nparaspinal subcutaneous fat,,C49.6,,\n"
    )
    index = PhraseIndex(parse_vocabulary("sites.csv", sites))
    found = index.find("mass in Right paraspinal subcutaneous fat")
    assert [m.canonical for m in found] == ["paraspinal subcutaneous fat"]


def test_ambiguous_abbreviation_is_not_matched() -> None:
    index = PhraseIndex(parse_vocabulary("diagnoses.csv", DIAGNOSES))
    assert [m.canonical for m in index.find("a GT and a GCT")] == ["glomus tumour"]
    assert index.ambiguous == ["GCT"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "canonical,synonyms,case_sensitive_synonyms,kind,note\nCD34,,,ihc\n",
            "markers.csv line 2",
        ),
        (
            "canonical,synonyms,case_sensitive_synonyms,kind,note\n,CD34,,ihc,\n",
            "markers.csv line 2",
        ),
        ("canonical,synonyms,kind,note\nCD34,,ihc,\n", "allowed columns"),
        (
            "# note\ncanonical,synonyms,case_sensitive_synonyms,kind,note\n"
            "CD34,,,,\nCD31,CD-34,,,\n",
            "line 4",
        ),
    ],
)
def test_bad_marker_file(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "markers.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(VocabularyError, match=message):
        parse_vocabulary_file(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "diagnoses.csv",
            "canonical,synonyms,abbreviations,icdo3,category,note\nlipoma,,,8850-0,neoplasm,\n",
            "diagnoses.csv line 2: invalid icdo3",
        ),
        (
            "sites.csv",
            "canonical,synonyms,icdo3_topography,region,note\nneck,,49.0,,\n",
            "sites.csv line 2: invalid icdo3_topography",
        ),
        ("laterality.csv", "word,laterality,note\nrt,rightish,\n", "laterality.csv line 2"),
        (
            "diagnoses.csv",
            "canonical,synonyms,abbreviations,icdo3,category,note\nlipoma,,,8850/0,,\nLipoma,,,8850/0,,\n",
            "duplicate entry",
        ),
    ],
)
def test_bad_other_files(tmp_path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(VocabularyError, match=message):
        parse_vocabulary_file(path)


@pytest.mark.parametrize(
    ("a", "b", "limit", "distance"),
    [
        ("neuro fibroma", "neurofibroma", 1, 1),
        ("protuberance", "protuberans", 2, 2),
        ("chodroma", "chordoma", 1, 1),
        ("neuroma", "neurofibroma", 2, 3),
    ],
)
def test_damerau_levenshtein(a: str, b: str, limit: int, distance: int) -> None:
    assert damerau_levenshtein(a, b, limit) == distance


@pytest.mark.parametrize("name", sorted(SPECS))
def test_package_vocabulary_validates(name: str) -> None:
    """The shipped vocabularies load without error (skipped until they exist)."""
    try:
        entries = load_vocabulary(name)
    except VocabularyError as exc:
        if "not found" in str(exc):
            pytest.skip(str(exc))
        raise
    assert entries


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "diagnoses.csv",
            "Diagnosis: synovial sarcoma, biphasic type.",
            ["biphasic synovial sarcoma"],
        ),
        ("diagnoses.csv", "a synovial sarcoma, which was large", ["synovial sarcoma"]),
        ("diagnoses.csv", "skin calcinosis and finger calcinosis", ["calcinosis cutis"] * 2),
        ("diagnoses.csv", "paraspinal thoracic calcinosis", ["calcinosis"]),
        (
            "diagnoses.csv",
            "Raynaud’s phenomenon, asthma and dyslipidemia",
            ["Raynaud phenomenon", "asthma", "dyslipidaemia"],
        ),
        (
            "diagnoses.csv",
            "Pericytic \n\n(Perivascular Tumour)",
            ["pericytic (perivascular) tumour"],
        ),
        ("diagnoses.csv", "smooth muscle cell tumours", ["smooth muscle tumour"]),
        (
            "diagnoses.csv",
            "a smooth muscle tumour of uncertain malignant potential",
            ["smooth muscle tumour of uncertain malignant potential"],
        ),
        ("diagnoses.csv", "a pyogenic granuloma", ["pyogenic granuloma"]),
        ("diagnoses.csv", "transcription factor 3", []),
        ("diagnoses.csv", "a metastatic ductal adenocarcinoma", ["ductal adenocarcinoma"]),
        # counter-example: an organ-named ductal adenocarcinoma keeps its own entry
        (
            "diagnoses.csv",
            "a pancreatic ductal adenocarcinoma",
            ["pancreatic ductal adenocarcinoma"],
        ),
        (
            "sites.csv",
            "dumbbell-shaped intraspinal and extraspinal",
            ["dumbbell", "spinal canal", "extraspinal"],
        ),
        ("sites.csv", "Right paraspinal subcutaneous fat", ["paraspinal subcutaneous fat"]),
        (
            "markers.csv",
            "human epidermal growth factor receptor 2 and epidermal growth factor receptor",
            ["HER2", "EGFR"],
        ),
        (
            "markers.csv",
            "PTH, parathyroid hormone-related protein and pth",
            ["parathyroid hormone", "PTHrP"],
        ),
    ],
)
def test_package_vocabulary_rows(kind: str, text: str, expected: list[str]) -> None:
    from extractor.fields.vocabulary import phrase_index

    assert [m.canonical for m in phrase_index(kind).find(text)] == expected


# ---------------------------------------------------------------- fast paths vs reference

TOKEN_TEXTS = [
    "S-100 and Ki-67 (MIB-1) were positive; Ewing's sarcoma-like.",
    "CD34+, SMA(-) and desmin: focal. TLE-1 +++ / BCL2 -",
    "Paravertebral  tumours\nat T11-T12, 3.5 x 2 cm.",
    "",
]


PRIME_TEXT = (
    "Ewing's sarcoma-like. S-100 and Ki-67 (MIB-1)\nwere positive;Ewing'sarcoma x\n"
    "  TLE-1 +++ / BCL2 -  tumours at T11-T12 ."
)


def test_primed_columns_equal_tokenizing_the_span() -> None:
    """Every span whose edges white space touches is cut from the one tokenization of
    the document and equals tokenizing its text; other spans are not cut."""
    n = len(PRIME_TEXT)
    spans = [(a, b) for a in range(0, n, 3) for b in range(a + 1, min(n, a + 40) + 1, 2)]
    assert prime_columns(PRIME_TEXT, spans) == len(spans)
    edges = [
        p
        for p in range(n + 1)
        if p in (0, n) or " " in PRIME_TEXT[p - 1 : p + 1] or "\n" in PRIME_TEXT[p - 1 : p + 1]
    ]
    cut = [(a, b) for a, b in spans if a in edges and b in edges]
    assert len(cut) > 50
    for a, b in spans:
        text = PRIME_TEXT[a:b]
        assert columns(text) == _columns_uncached(text), (a, b, text)
    assert {PRIME_TEXT[a:b] for a, b in cut} <= set(vt._PRIMED)
    assert prime_columns(PRIME_TEXT, spans) == 0  # same document: nothing recorded again
    prime_columns("", [])


def _columns_uncached(text: str):  # noqa: ANN202
    from extractor.fields.vocabulary import _columns

    return _columns.__wrapped__(text)


@pytest.mark.parametrize("text", TOKEN_TEXTS)
def test_columns_are_the_tokens(text: str) -> None:
    tokens = tokenize(text)
    cols = columns(text)
    assert cols.starts == tuple(t.start for t in tokens)
    assert cols.ends == tuple(t.end for t in tokens)
    assert cols.raw == tuple(t.raw for t in tokens)
    assert cols.folded == tuple(t.folded for t in tokens)
    for t in tokens:
        assert text[t.start : t.end].replace("-", "") == t.raw


# ---------------------------------------------------------------- widened marker and site rows


def _canonicals(kind: str, text: str) -> list[str]:
    return [m.canonical for m in phrase_index(kind).find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # pituitary typing
        ("stains for PRL and for human prolactin", ["prolactin", "prolactin"]),
        ("the α-subunit stain", ["alpha-subunit"]),
        ("Pit-1, SF-1 and T-PIT", ["Pit-1", "SF-1", "T-PIT"]),
        ("POU1F1, NR5A1 and TBX19", ["Pit-1", "SF-1", "T-PIT"]),
        ("Pit 1 and SF1 and TPIT", ["Pit-1", "SF-1", "T-PIT"]),
        # lipid, imprinting
        ("adipophilin and perilipin-2", ["adipophilin", "adipophilin"]),
        ("p57 and p57Kip2", ["p57", "p57"]),
        # keratins and epithelial markers
        ("CK14, CK-17 and cytokeratin 5", ["CK14", "CK17", "CK5"]),
        ("CK5/6 but not CK5", ["CK5/6", "CK5"]),
        ("MOC-31, Ber-EP4 and claudin-4", ["MOC-31", "Ber-EP4", "claudin-4"]),
        ("mesothelin and HBME-1", ["mesothelin", "HBME-1"]),
        # organ of origin
        ("SOX17, CDH17, villin and HNF-1β", ["SOX17", "CDH17", "villin", "HNF1B"]),
        ("TRPS1 and FOXL2", ["TRPS1", "FOXL2"]),
        ("PSMA, P501S, P504S and HOXB13", ["PSMA", "prostein", "AMACR", "HOXB13"]),
        # neural and glial
        ("MAP2, nestin, L1CAM, LIN28A and EZHIP", ["MAP2", "nestin", "L1CAM", "LIN28A", "EZHIP"]),
        # surrogates of gene alterations
        ("BAP1, MTAP and PTEN", ["BAP1", "MTAP", "PTEN"]),
        ("TFEB and DDIT3 and PLAG1", ["TFEB", "DDIT3", "PLAG1"]),
        ("Rb loss and HMGA2", ["RB1", "HMGA2"]),
        ("BRM and BRG1", ["SMARCA2", "SMARCA4"]),
        ("c-FOS and FOSB", ["FOS", "FOSB"]),
        # bone
        ("RUNX2, osteocalcin and osteonectin", ["RUNX2", "osteocalcin", "osteonectin"]),
        ("TRAP and GRIA2", ["tartrate-resistant acid phosphatase", "GRIA2"]),
        ("PAX7 and galectin-3", ["PAX7", "galectin-3"]),
        # haematolymphoid, adhesion
        ("E-cadherin, LEF1 and fascin", ["E-cadherin", "LEF1", "fascin"]),
        # special stains
        ("a Wright-Giemsa stain", ["Wright-Giemsa"]),
        (
            "Mallory trichrome, Gomori trichrome and Masson trichrome",
            [
                "Mallory trichrome",
                "Gomori trichrome",
                "Masson trichrome",
            ],
        ),
        ("Diff-Quik and a Pap stain", ["Diff-Quik", "Papanicolaou stain"]),
        ("PASM and the Jones stain", ["Jones methenamine silver"] * 2),
        ("rhodanine, safranin O and Feulgen", ["rhodanine", "safranin O", "Feulgen"]),
        ("calcofluor white and Schmorl's stain", ["calcofluor white", "Schmorl stain"]),
        ("Weigert's elastic stain", ["Weigert elastic stain"]),
        ("ERG was retained", ["ERG"]),
        # angiogenesis and drug-target markers of carcinoma work-ups
        (
            "vascular endothelial growth factor (VEGF) (+), GST-π (+++) and TOP2A",
            ["VEGF", "VEGF", "GST-pi", "topoisomerase II alpha"],
        ),
    ],
)
def test_widened_marker_rows(text: str, expected: list[str]) -> None:
    assert _canonicals("markers.csv", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "an energy of one erg",  # 'ERG' only in exact case
        "a pit in the bone and a trap door",  # 'Pit-1', 'TRAP'
        "rb and pap",  # 'Rb', 'PAP' only in exact case
        "Jones and Wright reported it",  # surnames without 'stain'
        "Schmorl's node at L4",  # a disc herniation, not a stain
        "a racemic mixture",
        "CHOP and R-CHOP chemotherapy",  # DDIT3 alias deliberately absent
        "serum CA 19-9 and CA 125 were normal",  # serum tumour markers are not listed
        "a vascular growth pattern and a topoisomerase inhibitor",  # not the markers
    ],
)
def test_widened_marker_counter_examples(text: str) -> None:
    assert _canonicals("markers.csv", text) == []


@pytest.mark.parametrize(
    ("text", "canonical", "topography", "region"),
    [
        # spinal compartments and bones
        ("the left lateral recess", "lateral recess", "", "spinal_canal"),
        ("the S1 sacral foramina", "sacral foramen", "", "spinal_canal"),
        ("the C5 uncovertebral joint", "uncovertebral joint", "C41.2", "spine_bone"),
        ("the C4 lateral masses", "lateral mass", "C41.2", "spine_bone"),
        ("the ligamentum flavum", "spinal ligament", "C49.6", "soft_tissue"),
        ("the posterior longitudinal ligament", "spinal ligament", "C49.6", "soft_tissue"),
        ("the sacral spine", "sacrum", "C41.4", "spine_bone"),
        ("MRI of the lumbo-sacral spine", "vertebral column", "C41.2", "spine_bone"),
        # nervous system
        ("the cervicomedullary junction", "cervicomedullary junction", "C72.8", "neural"),
        ("the fourth ventricle", "brain stem", "C71.7", "neural"),
        ("the cerebellopontine angle", "cerebellum", "C71.6", "neural"),
        ("the lateral ventricle", "cerebral ventricle", "C71.5", "neural"),
        ("the vagus nerve", "cranial nerve", "C72.5", "neural"),
        ("the facial nerve trunk", "cranial nerve", "C72.5", "neural"),
        ("the vestibular nerve", "acoustic nerve", "C72.4", "neural"),
        ("the optic chiasm", "optic nerve", "C72.3", "neural"),
        # endocrine organs
        ("a sellar mass", "pituitary gland", "C75.1", "visceral"),
        ("the sella turcica", "pituitary gland", "C75.1", "visceral"),
        ("an inferior parathyroid gland", "parathyroid gland", "C75.0", "visceral"),
        ("the adrenal cortex", "adrenal cortex", "C74.0", "visceral"),
        ("the adrenal medulla", "adrenal medulla", "C74.1", "visceral"),
        ("the thyroid isthmus", "thyroid gland", "C73.9", "visceral"),
        ("the lower lobe of the thyroid", "thyroid gland", "C73.9", "visceral"),
        ("the organ of Zuckerkandl", "aortic body and other paraganglia", "C75.5", "visceral"),
        # kidney and urinary tract
        ("the upper pole of the kidney", "kidney", "C64.9", "visceral"),
        ("the renal pelvis", "renal pelvis", "C65.9", "visceral"),
        ("the ureter", "ureter", "C66.9", "visceral"),
        # thorax
        ("the right upper lobe", "upper lobe of lung", "C34.1", "visceral"),
        ("the lingula", "upper lobe of lung", "C34.1", "visceral"),
        ("a superior sulcus tumour", "upper lobe of lung", "C34.1", "visceral"),
        ("the right middle lobe", "middle lobe of lung", "C34.2", "visceral"),
        ("both lower lobes", "lower lobe of lung", "C34.3", "visceral"),
        ("the left main bronchus", "main bronchus", "C34.0", "visceral"),
        ("the thymus", "thymus", "C37.9", "visceral"),
        # breast
        ("the nipple", "nipple", "C50.0", "visceral"),
        ("the upper outer quadrant", "upper outer quadrant of breast", "C50.4", "visceral"),
        ("the axillary tail", "axillary tail of breast", "C50.6", "visceral"),
        # digestive organs
        ("the caudate lobe", "liver", "C22.0", "visceral"),
        ("the gall bladder", "gallbladder", "C23.9", "visceral"),
        ("the head of the pancreas", "head of pancreas", "C25.0", "visceral"),
        ("the pancreatic tail", "tail of pancreas", "C25.2", "visceral"),
        ("the gastro-oesophageal junction", "gastric cardia", "C16.0", "visceral"),
        ("the gastric antrum", "gastric antrum", "C16.3", "visceral"),
        ("the terminal ileum", "terminal ileum", "C17.2", "visceral"),
        ("the caecum", "caecum", "C18.0", "visceral"),
        ("the cecum", "caecum", "C18.0", "visceral"),
        ("the sigmoid colon", "sigmoid colon", "C18.7", "visceral"),
        ("the rectosigmoid junction", "rectosigmoid junction", "C19.9", "visceral"),
        ("the anal canal", "anus", "C21.1", "visceral"),
        # genital organs
        ("the uterine cervix", "cervix uteri", "C53.9", "visceral"),
        ("the uterine corpus", "corpus uteri", "C54.9", "visceral"),
        ("the endometrium", "endometrium", "C54.1", "visceral"),
        ("the fallopian tube", "fallopian tube", "C57.0", "visceral"),
        ("the epididymis", "epididymis", "C63.0", "visceral"),
        # head and neck
        ("the parotid gland", "parotid gland", "C07.9", "visceral"),
        ("the nasopharynx", "nasopharynx", "C11.9", "visceral"),
        ("the maxillary sinus", "paranasal sinus", "C31.9", "visceral"),
        ("the orbit", "orbit", "C69.6", "visceral"),
        # skin and lymph node regions
        ("the skin of the lower back", "skin of trunk", "C44.5", "skin"),
        ("the skin over the sacrum", "skin of trunk", "C44.5", "skin"),
        ("the skin of the foot", "skin of lower limb", "C44.7", "skin"),
        ("the paratracheal lymph nodes", "mediastinal lymph nodes", "C77.1", "lymph_node"),
        ("the coeliac lymph nodes", "retroperitoneal lymph nodes", "C77.2", "lymph_node"),
        ("the epitrochlear lymph nodes", "axillary lymph nodes", "C77.3", "lymph_node"),
        ("the popliteal lymph nodes", "inguinal lymph nodes", "C77.4", "lymph_node"),
        ("the presacral lymph nodes", "pelvic lymph nodes", "C77.5", "lymph_node"),
        ("the occipital lymph nodes", "cervical lymph nodes", "C77.0", "lymph_node"),
        # other bones
        ("the petrous apex", "skull", "C41.0", "spine_bone"),
        ("the mandible", "mandible", "C41.1", "spine_bone"),
        ("the proximal tibia", "tibia", "C40.2", "spine_bone"),
        ("the distal radius", "radial bone", "C40.0", "spine_bone"),
        ("the calcaneus", "short bones of lower limb", "C40.3", "spine_bone"),
        ("the metacarpals", "short bones of upper limb", "C40.1", "spine_bone"),
    ],
)
def test_widened_site_rows(text: str, canonical: str, topography: str, region: str) -> None:
    found = phrase_index("sites.csv").find(text)
    assert [m.canonical for m in found] == [canonical]
    assert found[0].entry.get("icdo3_topography") == (topography or None)
    assert found[0].entry.get("region") == region


@pytest.mark.parametrize(
    "text",
    [
        "visible to the naked eye",
        "within a radius of 2 cm",
        "see the appendix",
        "the ileum",  # often written for the ilium: not listed bare
        "the fundus and the antrum",
        "adnexa and adnexal glands",  # skin adnexa too: only "uterine adnexa"
        "scaphoid and lunate",
        "paraganglia",
        "the uncinate process",
        "the medulla",
    ],
)
def test_widened_site_counter_examples(text: str) -> None:
    assert _canonicals("sites.csv", text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GH, TSH, ACTH, LH and FSH",
            [
                "growth hormone",
                "TSH",
                "ACTH",
                "luteinizing hormone",
                "FSH",
            ],
        ),
        ("thyrotropin and corticotropin", ["TSH", "ACTH"]),
        ("gh and lh", []),  # exact case only
        ("pancytokeratin", ["pan-cytokeratin"]),
    ],
)
def test_held_back_marker_rows(text: str, expected: list[str]) -> None:
    assert _canonicals("markers.csv", text) == expected
