"""Vocabulary loading, validation and matching (inline vocabularies, no spaCy)."""

from __future__ import annotations

import pytest

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


def _reference_best(index: PhraseIndex, window: str) -> tuple[int, str] | None:
    """Closest fuzzy key by brute force over every key (no buckets, no bigram test)."""
    best: tuple[int, str] | None = None
    for key, entry, limit in index._fuzzy_keys:
        if key[:2] != window[:2] or abs(len(key) - len(window)) > 2:
            continue
        d = damerau_levenshtein(window, key, limit)
        if 0 < d <= limit and (best is None or d < best[0]):
            best = (d, entry.canonical)
    return best


def _reference_fuzzy(index: PhraseIndex, text: str) -> list[tuple[int, int, str]]:
    """find_fuzzy without any pruning: every window, left to right."""
    tokens = tokenize(text)
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        best = None
        if tokens[i].folded.isalpha():
            for n in range(1, index.max_tokens + 2):
                if i + n > len(tokens) or not tokens[i + n - 1].raw.isalpha():
                    break
                found = _reference_best(index, " ".join(t.folded for t in tokens[i : i + n]))
                if found is not None and (best is None or found[0] < best[0]):
                    best = (found[0], n, found[1])
        if best is None:
            i += 1
            continue
        out.append((tokens[i].start, tokens[i + best[1] - 1].end, best[2]))
        i += best[1]
    return out


FUZZY_TEXTS = [
    "Histology confirmed a schwanoma of the cauda equina.",
    "A giant cell tumour of tendon sheeth was excised from the finger.",
    "Differential diagnosis included hemangiopericytoma and neurofibromatosys.",
    "The lesion was a myxoid liposarcom with round cell areas; no rhabdomyosarcoma.",
    "Final diagnosis: extraskeletal myxoid chondrosarcoma, not a chordoma.",
    "An intradural extramedullary menigioma at T4 in a 60-year-old woman.",
    "a b c cell lymphoma was suspected",
]


@pytest.mark.parametrize("text", FUZZY_TEXTS)
def test_fuzzy_matching_equals_brute_force(text: str) -> None:
    index = phrase_index("diagnoses.csv")
    found = [(m.start, m.end, m.canonical) for m in index.find_fuzzy(text, [])]
    assert found == _reference_fuzzy(index, text)


def test_fuzzy_matching_finds_misspellings() -> None:
    index = phrase_index("diagnoses.csv")
    text = FUZZY_TEXTS[0]
    found = index.find_fuzzy(text, [])
    assert [(text[m.start : m.end], m.canonical, m.distance) for m in found] == [
        ("schwanoma", "schwannoma", 1)
    ]
