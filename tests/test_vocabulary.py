"""Vocabulary loading, validation and matching (inline vocabularies, no spaCy)."""

from __future__ import annotations

import pytest

from extractor.fields.vocabulary import (
    SPECS,
    PhraseIndex,
    VocabularyError,
    damerau_levenshtein,
    fold,
    load_vocabulary,
    parse_vocabulary,
    parse_vocabulary_file,
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
    ],
)
def test_package_vocabulary_rows(kind: str, text: str, expected: list[str]) -> None:
    from extractor.fields.vocabulary import phrase_index

    assert [m.canonical for m in phrase_index(kind).find(text)] == expected
