"""The noise transformations of benchmarks/noise_robustness.py keep what a record needs."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "noise_robustness.py"
_spec = importlib.util.spec_from_file_location("noise_robustness", PATH)
noise = importlib.util.module_from_spec(_spec)
sys.modules["noise_robustness"] = noise
_spec.loader.exec_module(noise)

PARAGRAPH = (
    "A 45-year-old woman presented with a 4 cm paraspinal schwannoma at T11-L1, "
    "measuring 3 x 4 x 5 cm. Immunohistochemistry showed synaptophysin and S-100 "
    "positivity, confirming the diagnosis. The tumour was completely resected, and "
    "she was well at 18 months."
)
REPORT = "\n".join(
    ["Abstract", PARAGRAPH, "", "Case presentation", PARAGRAPH, PARAGRAPH, "Discussion", PARAGRAPH]
)
SAMPLES = [PARAGRAPH, REPORT, "Short line.", ""]


def digits(text: str) -> list[str]:
    return re.findall(r"\d", text)


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(item in rest for item in part)


@pytest.mark.parametrize("name", sorted(noise.TRANSFORMS))
@pytest.mark.parametrize("text", SAMPLES)
def test_deterministic_for_a_seed(name: str, text: str) -> None:
    transform = noise.TRANSFORMS[name]
    assert transform(text, 7) == transform(text, 7)


@pytest.mark.parametrize("name", ["hard_wrap", "hyphenate", "citations", "boilerplate"])
def test_the_seed_changes_the_noise(name: str) -> None:
    transform = noise.TRANSFORMS[name]
    assert len({transform(REPORT, seed) for seed in range(5)}) > 1


# ---------------------------------------------------------------- hard_wrap


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("text", SAMPLES)
def test_hard_wrap_only_turns_spaces_into_line_breaks(text: str, seed: int) -> None:
    wrapped = noise.hard_wrap(text, seed)
    assert len(wrapped) == len(text)
    assert wrapped.replace("\n", " ") == text.replace("\n", " ")
    assert all(len(line) <= 90 for line in wrapped.split("\n"))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hard_wrap_hyphens_stay_at_line_ends(seed: int) -> None:
    text = " ".join(["immunohistochemistry", "synaptophysin", "schwannoma", "at", "T11"] * 9)
    wrapped = noise.hard_wrap(text, seed, hyphen_share=1.0)
    assert "-\n" in wrapped
    assert wrapped.replace("-\n", "").split() == text.split()
    assert all(not line.startswith(("-", " ")) for line in wrapped.split("\n"))


# ---------------------------------------------------------------- hyphenate


@pytest.mark.parametrize("share", [0.15, 1.0])
@pytest.mark.parametrize("text", SAMPLES)
def test_hyphenate_removing_the_breaks_gives_the_text_back(text: str, share: float) -> None:
    assert noise.hyphenate(text, 3, share=share).replace("-\n", "") == text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("CASE REPORT", "CASE REPORT"),  # a heading never reaches a line end
        (f"{PARAGRAPH} CD34 S100 Ki67 T2-weighted", "CD34 S100 Ki67 T2-weighted"),
        (f"{PARAGRAPH} 12345678 1.5x2.5", "12345678 1.5x2.5"),
    ],
)
def test_hyphenate_leaves_short_lines_numbers_and_markers_whole(text: str, kept: str) -> None:
    assert kept in noise.hyphenate(text, 0, share=1.0)


@pytest.mark.parametrize(
    ("word", "cuts"),
    [
        ("tumour", "tu|mour"),
        ("schwannoma", "schwan|noma"),
        ("synaptophysin", "sy|naptophysin synap|tophysin synaptophy|sin"),  # never p|h
        (
            "Immunohistochemistry",
            "Im|munohistochemistry Immu|nohistochemistry Immuno|histochemistry "
            "Immunohis|tochemistry Immunohistoche|mistry Immunohistochemis|try",
        ),
    ],
)
def test_hyphenate_cuts_between_syllables(word: str, cuts: str) -> None:
    seen = {noise.hyphenate(f"{'x ' * 40}{word}", seed, share=1.0)[80:] for seed in range(20)}
    assert seen <= {cut.replace("|", "-\n") for cut in cuts.split()}


# ---------------------------------------------------------------- citations


def letters(text: str) -> str:
    return re.sub(r"[^A-Za-z]", "", text.replace("[PubMed] [Google Scholar]", ""))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("text", SAMPLES)
def test_citations_only_add_marks(text: str, seed: int) -> None:
    cited = noise.citations(text, seed, share=1.0)
    assert letters(cited) == letters(text)
    assert is_subsequence(re.findall(r"\d+", text), re.findall(r"\d+", cited))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The mass measured 4 cm. It was resected.", "4 cm. It"),  # never after a unit
        ("The lesion was at L4. It was resected.", "L4. It"),  # never after a level
        ("Smith et al. reported it.", "et al. reported"),
        ("Case Report. A 22-year-old woman had back pain.", "Case Report. A 22"),  # a heading
    ],
)
def test_citations_never_follow_numbers_units_or_headings(text: str, kept: str) -> None:
    assert all(kept in noise.citations(text, seed, share=1.0) for seed in range(6))


def test_citations_use_the_usual_styles() -> None:
    cited = " ".join(noise.citations(REPORT, seed, share=1.0) for seed in range(10))
    for style in [r"[a-z] \[\d+\]", r"\[\d+, \d+\]", r" \(\d+\)", r"[a-z]\.\d+", r"Google Scholar"]:
        assert re.search(style, cited), style


# ---------------------------------------------------------------- no_headings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Abstract\nA 30-year-old man.\nCase Report\nHe had pain.",
            "A 30-year-old man. He had pain.",
        ),
        ("Title\n\n2. Case presentation\n\nA 9-year-old girl.", "Title A 9-year-old girl."),
        ("BACKGROUND\n\nOBSERVATIONS\n\nA man at T12–L1.", "A man at T12–L1."),
        ("Intro text.\nCase Presentation: A 12-year-old boy.", "Intro text.\nA 12-year-old boy."),
        ("Case report – A 10-year-old boy.", "A 10-year-old boy."),
        ("Case Report. A 22-year-old woman.", "A 22-year-old woman."),
        ("Discussion of these cases shows it.", "Discussion of these cases shows it."),
        ("References\n1. Smith J. Tumours.", "References\n1. Smith J. Tumours."),
        ("Text.\nDiscussion", "Text."),
    ],
)
def test_no_headings(text: str, expected: str) -> None:
    assert noise.no_headings(text) == expected


# ---------------------------------------------------------------- boilerplate


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("text", SAMPLES)
def test_boilerplate_keeps_the_text_whole_on_its_own_lines(text: str, seed: int) -> None:
    page = noise.boilerplate(text, seed)
    assert f"\n{text}\n" in page
    before, after = page.split(f"\n{text}\n", 1) if text else (page, page)
    assert "cookies" in before
    assert "Similar articles" in after and "Cited by" in after and "References" in after


def test_boilerplate_lists_other_reports() -> None:
    after = noise.boilerplate(PARAGRAPH, 0).split(PARAGRAPH)[1]
    assert sum(title in after for title in noise.DECOY_TITLES) >= 6


# ---------------------------------------------------------------- unicode

_BACK = {"\u00a0": " ", "\u2009": " ", "\u202f": " ", "–": "-", "—": "-", "×": "x", "’": "'"}


def plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # ligatures back to letters
    return "".join(_BACK.get(c, c) for c in text).replace("“", '"').replace("”", '"')


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("text", [*SAMPLES, 'the "flat" fibre\'s 10-15% staff - all'])
def test_unicode_keeps_digits_and_letters(text: str, seed: int) -> None:
    typeset = noise.unicode(text, seed)
    assert digits(typeset) == digits(text)
    assert plain(typeset) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 4 cm mass", {"a 4\u00a0cm mass", "a 4\u2009cm mass", "a 4\u202fcm mass"}),
        ("at T11-L1 and C6-7", {"at T11–L1 and C6–7"}),
        ("3 x 4 cm", {"3 × 4\u00a0cm", "3 × 4\u2009cm", "3 × 4\u202fcm"}),
        ("3.5×2 mm", {"3.5x2\u00a0mm", "3.5x2\u2009mm", "3.5x2\u202fmm"}),
        ("confirmed fibrillary flow", {"conﬁrmed ﬁbrillary ﬂow"}),
        ("Babinski's sign", {"Babinski’s sign"}),
        ("a 10-year-old boy", {"a 10-year-old boy"}),
    ],
)
def test_unicode_variants(text: str, expected: set[str]) -> None:
    assert noise.unicode(text, 0) in expected


# ---------------------------------------------------------------- page_furniture


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("text", SAMPLES)
def test_page_furniture_only_adds_lines(text: str, seed: int) -> None:
    page = noise.page_furniture(text, seed)
    assert is_subsequence(text.split(), page.split())
    if len(text) > 1100:
        assert re.search(r"\nPage \d+ of \d+\n|\nDownloaded from |doi\.org", page)
    if len(text) < 500:
        assert page == text


def test_page_furniture_breaks_at_line_ends_when_it_can() -> None:
    text = "\n".join([PARAGRAPH[:70]] * 40)
    page = noise.page_furniture(text, 0)
    assert PARAGRAPH[:70] in page
    assert all(line == PARAGRAPH[:70] or PARAGRAPH[:70] not in line for line in page.split("\n"))


# ---------------------------------------------------------------- combined


@pytest.mark.parametrize("seed", range(4))
def test_combined_keeps_every_number(seed: int) -> None:
    noisy = noise.combined(REPORT, seed)
    assert is_subsequence(digits(REPORT), digits(noisy))
    assert "Case presentation" not in noisy and "cookies" in noisy


# ---------------------------------------------------------------- the report


def test_regressions_leave_out_fields_wrong_on_the_clean_text(tmp_path: Path) -> None:
    def wrong(report: str, field: str) -> dict:
        return {"report": report, "field": field, "predicted": None, "gold": "male"}

    scores = {
        "clean": SimpleNamespace(wrong=[wrong("d1", "sex")]),
        "unicode": SimpleNamespace(wrong=[wrong("d1", "sex"), wrong("d2", "sex")]),
    }
    rows = noise.regressions(scores)
    assert rows == [{"noise": "unicode", **wrong("d2", "sex")}]
    path = tmp_path / "errors.tsv"
    noise.write_tsv(rows, path)
    header, line = path.read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == ["noise", "report", "field", "predicted", "gold"]
    assert line.split("\t") == ["unicode", "d2", "sex", "null", json.dumps("male")]


def test_run_scores_clean_and_noisy_texts_like_evaluate(tmp_path: Path) -> None:
    text = "Case report\nA 45-year-old woman had a 4 cm schwannoma at L4.\n"
    gold = {
        "id": "t1",
        "age_years": 45,
        "sex": "female",
        "levels": ["L4"],
        "size_max_mm": 40,
        "stains": [],
        "final_diagnosis": {"name": "schwannoma", "icdo3": "9560/0", "icdo3_alt": []},
    }
    (tmp_path / "t1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "t1.json").write_text(json.dumps(gold), encoding="utf-8")
    scores = noise.run(tmp_path, ["unicode"], seed=0, dump=tmp_path / "dump")
    assert list(scores) == ["clean", "unicode"]
    assert scores["clean"].reports == ["t1"] and scores["clean"].right == ["t1"]
    assert (tmp_path / "dump" / "unicode" / "t1.txt").read_text(encoding="utf-8") != text
    assert "| clean | 1.000 | 1/1 |" in noise.results_table(scores)
