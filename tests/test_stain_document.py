"""The stain component matches the marker vocabulary once per document and parses only
sentences that can hold a marker: its candidates equal parsing every sentence on its
own (corpus reports, no timing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.fields import stain
from extractor.fields.stain import GENERAL_RE, GENERAL_SUFFIX, StainField, parse_stains
from extractor.fields.stain_markers import default_index, find_markers, may_have_markers

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _per_sentence(doc) -> list[tuple[int, int, dict, str]]:  # noqa: ANN001
    """The candidates as computed before: every allowed sentence parsed on its own."""
    from extractor.tokenizer import doc_text

    full, sections, index = doc_text(doc), doc._.sections or [], default_index()
    out = []
    for start, end in [(s.start_char, s.end_char) for s in doc.sents]:
        if not stain.stain_section_allowed(sections, start):
            continue
        text = full[start:end]
        suffix = GENERAL_SUFFIX if GENERAL_RE.search(text) else ""
        for f in parse_stains(text, index):
            out.append((start + f.start, start + f.end, f.value(), f.rule + suffix))
    return out


def test_corpus_candidates_equal_per_sentence_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.pipeline import get_nlp
    from extractor.text import normalize

    nlp = get_nlp()
    paths = sorted(CORPUS.glob("*.txt"))
    assert paths
    parsed = skipped = 0
    for path in paths:
        doc = nlp(normalize(path.read_text(encoding="utf-8")).text)
        expected = _per_sentence(doc)
        calls: list[str] = []

        def counted(text: str, *args: object, _calls: list[str] = calls) -> list:
            _calls.append(text)
            return parse_stains(text, *args)

        with monkeypatch.context() as patch:
            patch.setattr(stain, "parse_stains", counted)
            got = [(c.start, c.end, c.value, c.rule) for c in StainField().find(doc)]
        assert got == expected, path.name
        parsed += len(calls)
        skipped += len(list(doc.sents)) - len(calls)
    assert parsed and skipped > parsed  # most sentences hold no marker and are not parsed


@pytest.mark.parametrize(
    ("text", "possible"),
    [
        ("CD3+/8+ T cells", True),
        ("The mass was excised.", False),
        ("vimentin positive", True),
    ],
)
def test_may_have_markers_is_false_only_without_markers(text: str, possible: bool) -> None:
    index = default_index()
    vocab = index.find(text) if index else []
    assert may_have_markers(text, vocab) == possible
    if not possible:
        assert find_markers(text, index) == []
