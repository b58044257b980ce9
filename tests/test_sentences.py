from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.sentences import _BOUNDARY_RE, _boundaries, sentence_spans, sentence_starts


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "A 45 yrs. female was admitted. She was well.",
            ["A 45 yrs. female was admitted.", "She was well."],
        ),
        (
            "See Fig. 2 for details. Dr. Smith agreed.",
            ["See Fig. 2 for details.", "Dr. Smith agreed."],
        ),
        ("Case Report\nA 45 yrs. female", ["Case Report", "A 45 yrs. female"]),
        (
            "Excision of rt. Paraspinal lesion was done.",
            ["Excision of rt. Paraspinal lesion was done."],
        ),
        (
            "Johannes Woitzik et al. Clin Neurol Neurosurg.",
            ["Johannes Woitzik et al. Clin Neurol Neurosurg."],
        ),
        ("It was 4.5 cm. Margins were clear.", ["It was 4.5 cm.", "Margins were clear."]),
        # a superscript citation after the stop; counter-examples: decimals, "Fig.3"
        ("It was reported.39 Next we saw T4.", ["It was reported.39", "Next we saw T4."]),
        ("It was seen.12,13 The mass grew.", ["It was seen.12,13", "The mass grew."]),
        ("It measured 3.5 Ki-67 was high.", ["It measured 3.5 Ki-67 was high."]),
        ("See Fig.3 Shows it.", ["See Fig.3 Shows it."]),
        ("", []),
    ],
)
def test_sentence_table(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def test_pipeline_sentences_follow_the_splitter(nlp) -> None:
    doc = nlp("Gross specimen: a mass.\nHPE findings: Microscopic examination. No necrosis.")
    assert [s.text.strip() for s in doc.sents] == [
        "Gross specimen: a mass.",
        "HPE findings: Microscopic examination.",
        "No necrosis.",
    ]


def _starts_token_by_token(doc) -> list[bool]:  # noqa: ANN001 - the loop sentence_starts replaces
    starts = {s for s, _ in sentence_spans(doc.text)}
    flags, new_sent = [], True
    for token in doc:
        flags.append(token.idx in starts or new_sent)
        new_sent = token.is_space and "\n" in token.text
    return flags


@pytest.mark.parametrize(
    "text",
    [
        "Case Report\nA 45 yrs. female. She was well.",
        # newline tokens of several characters, white space around them, a last newline
        "Title\n\n  \nBody text here.\t\n\nEnd.\n",
        " \nLeading white space. Then text.",
        # a newline inside white space before a token that is itself white space
        "One.\n \n\n Two",
        # no newline, one sentence: only the first token starts
        "A mass was seen",
        "\n",
    ],
)
def test_sentence_starts_as_token_by_token(nlp, text: str) -> None:  # noqa: ANN001
    doc = nlp.make_doc(text)
    starts = [s for s, _ in sentence_spans(text)]
    assert sentence_starts(doc, text, starts).tolist() == _starts_token_by_token(doc)


@pytest.mark.parametrize(
    "text",
    [
        "It ends.\nNext line. And more!\nLast? Yes.",
        # a stop at a line's end, a citation at a line's start: no cut across the newline
        "Seen in the tumour.\n12 The next line.",
        "e.g.\nFig. 3 shows it.",
    ],
)
def test_whole_text_scan_as_line_by_line(text: str) -> None:
    by_line, pos = [], 0
    for line in text.split("\n"):
        by_line += [(pos + s, pos + e) for s, e in sentence_spans(line)]
        pos += len(line) + 1
    assert sentence_spans(text) == by_line


def _spans(matches) -> list[tuple[int, int]]:  # noqa: ANN001 - re.Match iterable
    return [m.span() for m in matches]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No stop at all",
        "Really?! Yes. No!",
        # matches ending at the next stop's position, or overlapping stops
        "A. B. C.",
        "end?) The",
        "!?. A",
        "It was seen.12,13 The mass grew.",
        # counter-examples: stops that start no match (decimal, no capital after)
        "It was 4.5 cm. x.y",
    ],
)
def test_boundaries_are_the_pattern_matches(text: str) -> None:
    assert _spans(_boundaries(text)) == _spans(_BOUNDARY_RE.finditer(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('.!?) \t\nAa1,-"')), max_size=40).map("".join))
def test_boundaries_on_stop_heavy_text(text: str) -> None:
    assert _spans(_boundaries(text)) == _spans(_BOUNDARY_RE.finditer(text))
