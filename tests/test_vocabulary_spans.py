"""PhraseIndex.find_in_spans: per-sentence matches cut from one match of the document
equal matching each sentence on its own (package vocabularies, no timing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.fields.vocabulary import PhraseIndex, phrase_index, prime_columns

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
VOCABULARIES = ("sites.csv", "diagnoses.csv", "markers.csv")
TEXT = (
    "Mass lesion in right paraspinal subcutaneous fat tissue. S-100 positive\n"
    "giant cell tumour of bone; intraspinal and extraspinal tumor in the paravertebral "
    "soft tissue, SMA(-)."
)


class _Counted:
    """Counts the calls of ``index.find`` (one for the document, one per span matched
    on its own)."""

    def __init__(self, index: PhraseIndex, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        find = index.find

        def counted(text: str) -> list:
            self.calls += 1
            return find(text)

        monkeypatch.setattr(index, "find", counted)


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_span_equals_matching_it_alone(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """All spans of a text, also those cutting tokens or multi-word matches (those are
    matched on their own: the fallback)."""
    index = phrase_index(name)
    n = len(TEXT)
    spans = [(a, b) for a in range(0, n, 2) for b in range(a, min(n, a + 60) + 1, 3)]
    prime_columns(TEXT, spans)
    expected = [index.find(TEXT[a:b]) for a, b in spans]
    counter = _Counted(index, monkeypatch)
    assert index.find_in_spans(TEXT, spans) == expected
    assert 1 < counter.calls < len(spans)  # some cut, some matched alone


def test_span_crossing_a_match_is_matched_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """'paraspinal | subcutaneous fat': the document's one match crosses the edge."""
    index = phrase_index("sites.csv")
    text = "right paraspinal subcutaneous fat"
    spans = [(0, 16), (17, len(text))]
    prime_columns(text, spans)
    counter = _Counted(index, monkeypatch)
    got = index.find_in_spans(text, spans)
    assert counter.calls == 3
    assert [[m.canonical for m in ms] for ms in got] == [
        ["paraspinal soft tissue"],
        ["subcutaneous tissue"],
    ]


def test_corpus_sentences_are_cut_from_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentences of the corpus reports: equal to matching each sentence, and all
    cut from the one match of the document (no sentence matched again)."""
    from extractor.fields.scope import doc_sentences
    from extractor.pipeline import get_nlp
    from extractor.text import normalize
    from extractor.tokenizer import doc_text

    nlp = get_nlp()
    paths = sorted(CORPUS.glob("*.txt"))
    assert paths
    for path in paths:
        doc = nlp(normalize(path.read_text(encoding="utf-8")).text)
        full, spans = doc_text(doc), doc_sentences(doc)
        prime_columns(full, spans)
        assert len(spans) > 1
        for name in VOCABULARIES:
            index = phrase_index(name)
            expected = [index.find(full[a:b]) for a, b in spans]
            with monkeypatch.context() as patch:
                counter = _Counted(index, patch)
                assert index.find_in_spans(full, spans) == expected, (path.name, name)
                assert counter.calls == 1


@pytest.mark.parametrize(
    ("span", "cut"),
    [
        ((0, 56), True),  # the first sentence: offsets already relative
        ((57, 71), True),  # "S-100 positive"
        ((72, 98), True),  # "giant cell tumour of bone;"
        ((2, 30), False),  # the counter-example: an edge inside "Mass", never primed
    ],
)
def test_primed_columns_are_cut_when_first_asked_for(span: tuple[int, int], cut: bool) -> None:
    """Priming records where each sentence is (by its length); its columns are cut
    from the document's on the first :func:`columns` call (equal to tokenizing the
    sentence) and kept for the later calls. A span with an edge inside a token is not
    cut."""
    from extractor.fields import vocabulary_tokens as vt

    a, b = span
    prime_columns(TEXT, [span])
    text = TEXT[a:b]
    assert vt._PRIMED_AT == {b - a: [a]} and not vt._PRIMED  # nothing sliced or cut yet
    got = vt.columns(text)
    assert got == vt._columns.__wrapped__(text)
    assert (text in vt._PRIMED) is cut
    if cut:
        assert vt._PRIMED[text] is got  # built once, then the same columns
        assert vt.columns(text) is got
    prime_columns("", [])  # the next document: the primed sentences are dropped
    assert text not in vt._PRIMED and not vt._PRIMED_AT


@pytest.mark.parametrize(
    ("spans", "text", "cut"),
    [
        ([(1, 6), (7, 12)], "ab cd", True),  # the second place's edges are open
        ([(1, 6)], "ab cd", False),  # the counter-example: only inside "xab"
        ([(7, 12)], "zz cd", False),  # the same length, another text
        ([(7, 12), (0, 3)], "xab", True),
    ],
)
def test_primed_text_is_found_by_its_length(
    spans: list[tuple[int, int]], text: str, cut: bool
) -> None:
    """A text is looked up among the primed spans of its length: cut from the first
    one holding it whose edges white space touches, else tokenized on its own."""
    from extractor.fields import vocabulary_tokens as vt

    full = "xab cd ab cd"
    prime_columns(full, spans)
    assert vt.columns(text) == vt._columns.__wrapped__(text)
    assert (text in vt._PRIMED) is cut
    prime_columns("", [])
