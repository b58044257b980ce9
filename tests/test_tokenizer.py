"""The chunk-cache warming of :class:`extractor.tokenizer.SafeTokenizer` (same tokens
as spaCy's tokenizer alone, fewer chunk splits) and the lexical attributes of new words."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy
from spacy.lang.en import lex_attrs as english
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from extractor.text import normalize
from extractor.tokenizer import (
    LEXICAL_ATTRIBUTES,
    InfixGate,
    SafeTokenizer,
    SuffixGate,
    check_token_pattern,
    doc_text,
    english_like_num,
    gate_affix_searches,
    plain_chunk,
)
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
    assert isinstance(safe.tokenizer.suffix_search, SuffixGate)
    assert isinstance(safe.tokenizer.infix_finditer, InfixGate)
    assert not isinstance(plain.suffix_search, SuffixGate | InfixGate)
    assert not isinstance(plain.infix_finditer, SuffixGate | InfixGate)
    blank = spacy.blank("en").tokenizer  # spaCy's own construction, no gate
    for _ in range(2):  # first sight, then from the warmed cache
        for text in texts:
            doc = safe(text)
            assert _rows(doc) == _rows(plain(text))
            assert doc_text(doc) == doc.text == text
    for text in texts:
        spans = [(t.idx, t.text, t.whitespace_) for t in blank(text)]
        assert [(t.idx, t.text, t.whitespace_) for t in nlp.make_doc(text)] == spans


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


@pytest.mark.parametrize(
    ("texts", "chunks", "calls"),
    [
        (["a b a c"], 3, 1),  # the plain chunks in one call
        (["a b a c", "c d b"], 4, 2),  # only "d" is new in the second text
        (["a b", "a b"], 2, 1),  # nothing new: no call
        (["Seen by Dr. Smith"], 4, 2),  # "Dr." is a special case: a call of its own
        (["e.g. (biopsy) it's"], 3, 3),  # none plain
    ],
)
def test_warmer_tokenizes_each_new_chunk_once(
    nlp,  # noqa: ANN001
    texts: list[str],
    chunks: int,
    calls: int,
) -> None:
    safe = SafeTokenizer(_fresh(nlp))
    for text in texts:
        safe(text)
    assert (safe.warmer.chunks, safe.warmer.calls) == (chunks, calls)


@pytest.mark.parametrize(
    ("chunk", "plain"),
    [
        ("lesion", True),
        ("lesion.,", True),  # the trailing marks are suffixes, "lesion" no special case
        ("T11", True),
        ("5cm", True),
        ("Dr.", False),  # a special case itself
        ("Dr.,", False),  # holds one once "," is split off
        ("n.", False),
        ("Im", False),
        ("e.g.", False),
        ("L4-L5", False),  # not letters and digits only
        ("(biopsy)", False),
        ("it's", False),
        ("", False),
    ],
)
def test_plain_chunk(nlp, chunk: str, plain: bool) -> None:  # noqa: ANN001
    specials = frozenset(nlp.tokenizer.tokenizer.rules)
    assert plain_chunk(chunk, specials) is plain


# --------------------------------------------------------- lexical attributes


@pytest.mark.parametrize(
    "text",
    [
        "three",
        "Third",
        "THIRTEEN",
        "thirds",
        "3rd",
        "21st",
        "1/2",
        "1/2/3",
        "+5",
        "-1.5",
        "1,000",
        "±2",
        "~10",
        "x",
        "X2",
        "²",
        "",
        "one-third",
        "naïve",
        "lesion",
        "tenth",
    ],
)
def test_english_like_num_is_spacys(text: str) -> None:
    assert english_like_num(text) is english.like_num(text)


def test_english_like_num_is_spacys_on_a_report(nlp) -> None:  # noqa: ANN001
    words = {t.text for t in nlp.make_doc(_read(sorted(CORPUS.glob("*.txt"))[0]))}
    assert len(words) > 100
    assert [english_like_num(w) for w in words] == [english.like_num(w) for w in words]


def test_new_words_compute_the_read_attributes_only(nlp) -> None:  # noqa: ANN001
    full = spacy.blank("en").vocab
    text = "Qzv-17 stained; Xylomatosis (3rd) was seen, 2.5 cm, 4/5 nodes.\n"
    ours = [t for t in nlp.make_doc(text)]
    theirs = [full[t.text] for t in ours]
    for name in LEXICAL_ATTRIBUTES:
        attr = name.lower()
        assert [getattr(t, attr) for t in ours] == [getattr(t, attr) for t in theirs], name
    # not computed: a new word has no shape (counter-example, by design)
    assert nlp.vocab["Qzvxylo99"].shape_ == ""
    assert full["Qzvxylo99"].shape_ == "Xxxxxdd"


@pytest.mark.parametrize(
    ("pattern", "unread"),
    [
        ([{"LOWER": "no"}, {"IS_PUNCT": True, "OP": "?"}], None),
        ([{"ORTH": "("}, {"LIKE_NUM": True}, {"TEXT": {"REGEX": "^c?m$"}}], None),
        ("no (evidence|sign) of", None),  # a regex pattern: no token attributes
        ([{"LOWER": "no"}, {"IS_STOP": True}], "['IS_STOP']"),
        ([{"SHAPE": "dd", "LIKE_URL": False}], "['LIKE_URL', 'SHAPE']"),
    ],
)
def test_check_token_pattern(pattern: object, unread: str | None) -> None:
    if unread is None:
        check_token_pattern(pattern, "rules.json: rule x")
        return
    with pytest.raises(ValueError, match="rules.json: rule x") as err:
        check_token_pattern(pattern, "rules.json: rule x")
    assert unread in str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 150 + "x" * 150 + " tail.\n",  # a chunk longer than MAX_CHUNK: pre-split
        "A 4 x 3 cm mass (schwannoma).\n\n  Next  line",
    ],
)
def test_doc_text_is_the_input(nlp, text: str) -> None:  # noqa: ANN001
    doc = SafeTokenizer(_fresh(nlp))(text)
    assert doc_text(doc) == doc.text == text


# ------------------------------------------------------------- suffix gate


@pytest.mark.parametrize(
    ("string", "suffix"),
    [
        ("lesion", None),  # gated: ends in a letter, no digit, no apostrophe
        ("T11", None),  # searched (a digit), no suffix
        ("lesion.", "."),
        ("(biopsy)", ")"),
        ("5cm", "cm"),  # a unit after a digit
        ("3x4mm", "mm"),
        ("patient's", "'s"),
        ("Smith\u2019s", "\u2019s"),
        ("12+", "+"),
        ("40\u00b0C.", "."),
        ("etc...", "..."),
    ],
)
def test_suffix_gate_finds_what_spacy_finds(nlp, string: str, suffix: str | None) -> None:  # noqa: ANN001
    search = _fresh(nlp).suffix_search
    gate = SuffixGate(search)
    found = gate(string)
    assert (found and found.group()) == suffix
    assert (found and found.span()) == ((m := search(string)) and m.span())


def test_no_english_suffix_ends_in_a_letter_or_digit_without_digit_or_apostrophe(
    nlp,  # noqa: ANN001
) -> None:
    search = _fresh(nlp).suffix_search
    ends = [c for c in map(chr, range(0x110000)) if c.isalnum() and c not in "0123456789"]
    assert len(ends) > 100_000
    for before in ("", "a", "A.", "US"):
        assert [before + c for c in ends if search(before + c)] == []


@pytest.mark.parametrize(
    ("string", "infixes"),
    [
        ("schwannoma", []),  # gated: letters only
        ("T11", []),  # gated: letters and digits
        ("L4-L5", ["-"]),
        ("CD3/CD8", ["/"]),
        ("3-4", ["-"]),
        ("mass,which", [","]),
        ("end.Next", ["."]),
        ("wait...what", ["..."]),
    ],
)
def test_infix_gate_finds_what_spacy_finds(nlp, string: str, infixes: list[str]) -> None:  # noqa: ANN001
    finditer = _fresh(nlp).infix_finditer
    found = list(InfixGate(finditer)(string))
    assert [m.group() for m in found] == infixes
    assert [m.span() for m in found] == [m.span() for m in finditer(string)]


def test_no_english_infix_in_letters_and_digits(nlp) -> None:  # noqa: ANN001
    finditer = _fresh(nlp).infix_finditer
    ends = [c for c in map(chr, range(0x110000)) if c.isalnum()]
    for around in ("a", "A", "1"):
        assert [c for c in ends if list(finditer(around + c + around))] == []


def test_gates_only_on_the_english_affixes(nlp) -> None:  # noqa: ANN001
    tokenizer = _fresh(nlp)
    assert gate_affix_searches(tokenizer) is True
    assert isinstance(tokenizer.suffix_search, SuffixGate)
    assert isinstance(tokenizer.infix_finditer, InfixGate)
    assert gate_affix_searches(tokenizer) is False  # already gated
    custom = _fresh(nlp)
    custom.suffix_search = re.compile(r"(?:ss|\.)$").search  # ends in letters: no gate
    custom.infix_finditer = re.compile(r"(?<=a)b(?=c)").finditer  # a letter infix: no gate
    assert gate_affix_searches(custom) is False
    assert custom.suffix_search("class").group() == "ss"
    assert [m.group() for m in custom.infix_finditer("abc")] == ["b"]


def test_english_patterns_are_spacys() -> None:
    from spacy.lang.en import English
    from spacy.util import compile_infix_regex, compile_suffix_regex

    from extractor.tokenizer import _english_pattern

    assert _english_pattern("suffix") == compile_suffix_regex(English.Defaults.suffixes).pattern
    assert _english_pattern("infix") == compile_infix_regex(English.Defaults.infixes).pattern


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("x" * 100 + " end", True),  # a chunk of MAX_CHUNK characters: spaCy's tokenizer
        ("x" * 101 + " end", False),  # one more: pre-split
        ("x" * 60 + "\u00a0" + "y" * 60, True),  # no-break space separates chunks
        ("x" * 60 + "\u200b" + "y" * 60, False),  # zero-width space does not: 121
        ("", True),
    ],
)
def test_long_chunks_are_pre_split(nlp, text: str, whole: bool) -> None:  # noqa: ANN001
    from extractor.tokenizer import tokenized_whole

    doc = SafeTokenizer(_fresh(nlp))(text)
    assert tokenized_whole(doc) is whole
    assert doc.text == text


def test_str_split_white_space_is_regex_white_space() -> None:
    # the chunks SafeTokenizer measures (str.split) are spaCy's (str.isspace) and \S runs
    assert [c for c in map(chr, range(0x110000)) if c.isspace() != bool(re.match(r"\s", c))] == []
