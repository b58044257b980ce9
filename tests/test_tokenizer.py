"""The chunk-cache warming of :class:`extractor.tokenizer.SafeTokenizer`: same tokens
as spaCy's tokenizer alone, fewer chunk splits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from extractor.text import normalize
from extractor.tokenizer import SafeTokenizer, doc_text
from tests.conftest import CORPUS, SHARED_CANDIDATES

SHARED_SETS = ("pages-dev", "maccrobat-dev", "e3c-dev")


def _dev_texts() -> list[str]:
    paths = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "synthetic").glob("*.txt"))
    shared = next((p for p in SHARED_CANDIDATES if p.is_dir()), None)
    if shared is not None:
        for name in SHARED_SETS:
            paths += sorted((shared / name).glob("*.txt"))
    raw = [_read(p) for p in paths]
    return raw + [normalize(text).text for text in raw]


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:  # E3C has CRLF line ends
        return f.read()


def _fresh(nlp) -> Tokenizer:  # noqa: ANN001 - spaCy Language
    """A copy of the pipeline's tokenizer with an empty chunk cache."""
    raw = nlp.tokenizer.tokenizer
    return Tokenizer(raw.vocab).from_bytes(raw.to_bytes())


def _rows(doc: Doc) -> list[tuple]:
    attrs = list(Doc._get_array_attrs())
    return [
        (t.idx, t.text, t.whitespace_, t.norm_, *row)
        for t, row in zip(doc, doc.to_array(attrs).tolist(), strict=True)
    ]


def test_same_tokens_as_spacy_on_dev_texts(nlp) -> None:  # noqa: ANN001
    texts = _dev_texts()
    assert len(texts) > 50
    safe = SafeTokenizer(_fresh(nlp))
    plain = _fresh(nlp)
    for _ in range(2):  # first sight, then from the warmed cache
        for text in texts:
            assert _rows(safe(text)) == _rows(plain(text))


def _counting(tokenizer: Tokenizer) -> Callable[[], int]:
    """Count the prefix searches (one or more per chunk split) of ``tokenizer``."""
    calls = [0]
    search = tokenizer.prefix_search

    def counted(string: str):  # noqa: ANN202 - re.Match | None
        calls[0] += 1
        return search(string)

    tokenizer.prefix_search = counted
    return lambda: calls[0]


TEXT = "Seen by Dr. Smith, e.g. for (biopsy) of the left breast mass; 2.5 cm.\nPlan: excision."


@pytest.mark.parametrize("warm", [False, True])
def test_second_text_splits_no_chunk_when_warmed(nlp, warm: bool) -> None:  # noqa: ANN001
    tokenizer = _fresh(nlp)
    count = _counting(tokenizer)
    call = SafeTokenizer(tokenizer) if warm else tokenizer
    call(TEXT)
    before = count()
    again = call(TEXT.replace("Plan", "Next"))
    assert [t.text for t in again] == [t.text for t in _fresh(nlp)(again.text)]
    # spaCy alone stops caching at "Dr." and splits the rest again; warmed, only the
    # new chunk "Next:" is split
    splits = count() - before
    assert (splits <= 2) if warm else (splits > 10)


def test_warmer_tokenizes_each_new_chunk_once(nlp) -> None:  # noqa: ANN001
    safe = SafeTokenizer(_fresh(nlp))
    safe("a b a c")
    assert safe.warmer.calls == 3
    safe("c d b")
    assert safe.warmer.calls == 4


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "Case report\n\n  A 45-year-old woman.\t\n",
        " leading space, trailing newline\n",
        # a chunk over MAX_CHUNK characters: tokenized piece by piece, text joined by spaCy
        "Marker " + "x" * 150 + " seen.",
        "",
    ],
)
def test_doc_text_is_the_tokenized_text(nlp, text: str) -> None:  # noqa: ANN001
    doc = SafeTokenizer(_fresh(nlp))(text)
    assert doc_text(doc) == doc.text == text
