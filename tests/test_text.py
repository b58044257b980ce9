"""Normalization: clean text for the components, exact offsets back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.rules import load_rules
from extractor.text import _TOKEN_RE, is_soft_break, normalize, token_matches

NOISY_ALPHABET = st.sampled_from(
    list("ab Cd.-,(1)2x\n\t")
    + [
        "\u2009",
        "\u00a0",
        "\u00d7",
        "\u2013",
        "\u2014",
        "\u00ad",
        "-\n\n",
        "\r\n",
        "\u200b",
        "\u2019",
        "\ufeff",
        "\ufb01",
    ]
)


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("12\u2009\u00d7\u20094 cm", "12 x 4 cm"),
        ("4.5 cm\u00d75.1 cm\u00d7 4.8 cm", "4.5 cm x5.1 cm x 4.8 cm"),
        ("4\u00d73 cm", "4x3 cm"),
        ("C6\u2013T2 and T11\u2014L1", "C6-T2 and T11-L1"),
        ("S-100(\u2212)", "S-100(-)"),
        ("non-\n\ncontributory", "noncontributory"),
        ("lympho-\nvascular invasion", "lymphovascular invasion"),
        ("Clinico- radiological", "Clinico- radiological"),
        ("soft\u00adtissue", "softtissue"),
        ("a  mass \t here", "a mass here"),
        ("with the history of \n\npain and burning", "with the history of pain and burning"),
        ("Case Report \n\nA 45 yrs. female", "Case Report\nA 45 yrs. female"),
        ("was normal.\n\nThe mass", "was normal.\nThe mass"),
        ("neoplasms\n(1)\n\n. \n\nAlthough", "neoplasms (1) .\nAlthough"),
        ("\u2018Red flag\u2019 symptoms", "'Red flag' symptoms"),
        # ligatures spelt out
        ("glial \ufb01brillary acidic protein, \ufb02ow", "glial fibrillary acidic protein, flow"),
        # page furniture between two pages: the text around it joins, a hyphen rejoins
        ("C5-T3 posterior\nPage 3 of 8\nfusion", "C5-T3 posterior fusion"),
        ("a 48-year-old fe-\nPage 3 of 8\nhttps://doi.org/10.1186/s13256-019-2045-x\nmale",
         "a 48-year-old female"),
        ("the lesion\nDownloaded from https://x.org on 12 March 2024 by guest\nmeasuring 4 cm",
         "the lesion measuring 4 cm"),
        ("a thyroid follicular\nSmith et al. J Med Case Rep (2019) 13:45\ncarcinoma",
         "a thyroid follicular carcinoma"),
        # counter-examples: a report line that reads like furniture; furniture after a stop
        ("Page 3 of the chart\nshowed a mass", "Page 3 of the chart showed a mass"),
        ("was normal.\nPage 3 of 8\nThe mass", "was normal.\nThe mass"),
        # a heading line is never joined, whatever word ends the line before
        ("excision of\n\nReferences\n1. Smith", "excision of\nReferences\n1. Smith"),
        ("Cited by\nGiant cell tumour of L3", "Cited by\nGiant cell tumour of L3"),
    ],
)  # fmt: skip
def test_normalize_table(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize(
    ("prev", "nxt", "soft"),
    [
        ("with the history of", "pain and burning", True),
        ("Case Report", "A 45 yrs. female", False),
        ("Routine blood parameters were normal.", "Thyroid status", False),
        ("soft tissue neoplasm like", "Peripheral nerve sheath tumour", True),
        ("Similar articles", "- Inflammatory myofibroblastic tumor", False),
        ("MRI of Lumbo-sacral spine including SI joints", "(Plain & Contrast) reveals", True),
        ("", "anything", False),
        # heading lines (section rules written as words) stay on their own line
        ("Cited by", "Giant cell tumour of the L3 vertebra", False),
        ("after excision of", "References", False),
        ("2. Case presentation:", "the patient", False),
        # counter-example: a heading word inside running text
        ("the results of the", "discussion were shared", True),
        # a heading after a citation line that would join: still kept on its own line
        ("(12)", "references", False),
    ],
)
def test_soft_break_table(prev: str, nxt: str, soft: bool) -> None:
    assert is_soft_break(prev, nxt) is soft


@pytest.mark.parametrize(
    ("original", "needle"),
    [
        ("a mass measuring 12\u2009\u00d7\u20094 cm was", "12 x 4 cm"),
        ("other parameters are non-\n\ncontributory.", "noncontributory"),
        ("from C6\u2013T2 at", "C6-T2"),
    ],
)
def test_span_maps_back_to_original_evidence(original: str, needle: str) -> None:
    norm = normalize(original)
    start = norm.text.index(needle)
    s, e = norm.to_original(start, start + len(needle))
    assert normalize(original[s:e]).text == needle


@settings(max_examples=300, deadline=None)
@given(st.lists(NOISY_ALPHABET, max_size=80).map("".join))
def test_offset_map_round_trips(original: str) -> None:
    norm = normalize(original)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i in range(len(norm.text)):
        s, e = norm.to_original(i, i + 1)
        assert 0 <= s < e <= len(original)
        if norm.text[i] == original[s] and e - s == 1:
            continue
        # a replaced character stands for a non-empty original slice
        assert original[s:e]
    for i in range(len(norm.text)):
        for j in range(i + 1, min(len(norm.text), i + 6) + 1):
            s, e = norm.to_original(i, j)
            # the smallest normalized span covering (s, e): (i, j) itself, or wider where
            # one original character became several ("\ufb01" -> "fi", "cm\u00d7" -> "cm x")
            ns, ne = norm.to_normalized(s, e)
            assert ns <= i and j <= ne and norm.to_original(ns, ne) == (s, e)
    assert all(a <= b for a, b in zip(norm.starts, norm.starts[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_maps_inside_original(original: str) -> None:
    norm = normalize(original)
    if norm.text:
        s, e = norm.to_original(0, len(norm.text))
        assert 0 <= s <= e <= len(original)


def _spans(matches) -> list[tuple[int, int, str | None]]:  # noqa: ANN001 - re.Match iterable
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


@pytest.mark.parametrize(
    "original",
    [
        "plain text, no change",
        "a  b \t c\u00a0d",
        "end of line \n\n next  \r\n\tline",
        "lympho-\n  vascular and non- \n\nContributory",
        "12\u2009\u00d7\u20094 cm, C6\u2013T2 \u2018x\u2019 soft\u00ad\u200btissue",
        " ",
        "  ",
        "x -\n",
        "\ufeff\u3000a\u2060",
        "a 45-year-old non-smoker",  # hyphens inside lines: no match starts there
        "well-\ndefined, ill- \t\r\ndefined",  # hyphens before a line break do
        "para-\n\n(12)\n\nspinal",
        "end-",
    ],
)
def test_token_matches_are_the_pattern_matches(original: str) -> None:
    assert _spans(token_matches(original)) == _spans(_TOKEN_RE.finditer(original))


@settings(max_examples=300, deadline=None)
@given(st.lists(NOISY_ALPHABET, max_size=40).map("".join))
def test_token_matches_on_noisy_text(original: str) -> None:
    assert _spans(token_matches(original)) == _spans(_TOKEN_RE.finditer(original))


@pytest.mark.parametrize("rule", load_rules("extractor.text_rules", "page_furniture_rules.json"))
def test_page_furniture_rules_match_whole_lines(rule) -> None:
    assert rule.regex.fullmatch(rule.example), rule.id
    for counter in rule.counter_examples:
        assert not rule.regex.fullmatch(counter), (rule.id, counter)
