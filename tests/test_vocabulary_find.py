"""PhraseIndex.find walks its tries only from the tokens that start a key (no spaCy)."""

from __future__ import annotations

import pytest

from extractor.fields.vocabulary import PhraseIndex, _longest, columns, parse_vocabulary

MARKERS = """canonical,synonyms,case_sensitive_synonyms,kind,note
smooth muscle actin,alpha-smooth muscle actin,SMA,ihc,
S100 protein,S-100|S-100 protein,,ihc,
ALK,anaplastic lymphoma kinase,ALK,ihc,
"""


def _reference_find(index: PhraseIndex, text: str) -> list[tuple[int, int, str, str]]:
    """:meth:`PhraseIndex.find` without its pre-filter: both tries walked from every
    token."""
    starts, ends, raw, folded = columns(text)
    out: list[tuple[int, int, str, str]] = []
    i = 0
    while i < len(raw):
        n1, e1 = _longest(index._folded.root, folded, i)
        n2, e2 = _longest(index._raw.root, raw, i)
        n, entry, how = (n2, e2, "exact") if n2 > n1 else (n1, e1, "synonym")
        if entry is None:
            i += 1
            continue
        out.append((starts[i], ends[i + n - 1], entry.canonical, how))
        i += n
    return out


@pytest.mark.parametrize(
    "text",
    [
        "SMA, then smooth muscle actin",  # a case-sensitive key first
        "smooth muscle actin, then SMA; S-100 ALK",  # and last
        "alpha-SMA",  # inside a longer folded key's place
        "sma and alk in lower case, S-100 protein",  # no raw token starts a key
        "nothing here",
        "alpha-smooth muscle",  # the walk reaches the text's end inside a key
        "S-100 protein",  # the longer key ends at the text's end
        "stained for S-100",  # a key's prefix that is a key, at the end
        "S-100 S-100 protein smooth",
        "",
    ],
)
def test_find_equals_walking_from_every_token(text: str) -> None:
    """Only tokens starting a key are walked from; the raw tokens are tested only when
    one of them starts a case-sensitive key: the same matches as walking from all."""
    index = PhraseIndex(parse_vocabulary("markers.csv", MARKERS))
    found = [(m.start, m.end, m.canonical, m.how) for m in index.find(text)]
    assert found == _reference_find(index, text)


@pytest.mark.parametrize(
    ("text", "may_end", "match_ends"),
    [
        ("positive for smooth muscle actin", True, True),  # a folded key's last word
        ("Positive for smooth muscle ACTINS ", True, True),  # folded, white space after
        ("stained for SMA", True, True),  # the last word of a raw (case-sensitive) key
        ("and then S-100", True, True),  # "S-100" is one token, "s100" a key's last word
        ("immunoreactive for\tS-100\n", True, True),  # other white space
        ("smooth muscle actin-", True, False),  # may: the last token ends a key
        ("smooth muscle actin was negative", False, False),  # a key, not at the end
        ("stained for sma", False, False),  # a raw key in another case: no match
        ("", False, False),
        (" \n", False, False),
    ],
)
def test_may_end_match(text: str, may_end: bool, match_ends: bool) -> None:
    """False only where no match of :meth:`PhraseIndex.find` ends at the end of the
    text (its last token is the last word of no key); True may still have none."""
    index = PhraseIndex(parse_vocabulary("markers.csv", MARKERS))
    assert index.may_end_match(text) is may_end
    ends = [m.end for m in index.find(text)]
    assert (len(text.rstrip()) in ends) is match_ends
