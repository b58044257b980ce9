"""First-character scan (extractor.regex_scan) and the literal test on text
(extractor.regex_literals.searchable, may_contain): the same matches, fewer regex runs."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from importlib import resources
from pathlib import Path

import pytest

from extractor import regex_scan
from extractor.regex_literals import FOLDS_TO_ASCII, may_contain, searchable
from extractor.regex_windows import start_budget
from extractor.rules import COMMON_KEYS, load_rules, parse_rules
from extractor.text import normalize

ALL_CHARS = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\bman\b", re.I, "mM"),
        (r"(?<![-:/])\b(?:boy|girl)", re.I, "bBgG"),
        (r"(?:a|b)?c", 0, "abc"),
        (r"[\s-]{1,3}x", 0, ["-", r"\s"]),
        (r"\d+ ?(?=[MF])", 0, [r"\d"]),
        (r"sk", re.I, "sS\u017f"),  # long s folds to s under IGNORECASE
        (r"x?", 0, None),  # matches the empty string
        (r".x", 0, None),  # any character
        (r"[^a]x", 0, None),  # negated class
        (r"éx", re.I, None),  # non-ASCII letter under IGNORECASE
        (r"(?i:a)b", 0, None),  # a group changing flags
    ],
)
def test_first_chars(pattern: str, flags: int, expected: str | list[str] | None) -> None:
    found = regex_scan.first_chars(re.compile(pattern, flags))
    assert found == (None if expected is None else frozenset(expected))


@pytest.mark.parametrize("char", [chr(c) for c in range(128)])
def test_ignorecase_variants_of_ascii_are_complete(char: str) -> None:
    """Every code point IGNORECASE matches to an ASCII character is one of its variants."""
    matched = set(re.findall(re.escape(char), ALL_CHARS, re.IGNORECASE))
    assert matched == regex_scan._variants(ord(char), re.IGNORECASE)


def test_folds_to_ascii_are_all_non_ascii_characters_matching_a_letter() -> None:
    matched = {c for c in re.findall(r"[a-z]", ALL_CHARS, re.IGNORECASE) if ord(c) >= 128}
    assert matched == set(FOLDS_TO_ASCII.findall(ALL_CHARS))


@pytest.mark.parametrize(
    ("text", "literals", "expected"),
    [
        ("A 45-Year-Old man", frozenset({"year"}), True),
        ("A 45 yo man", frozenset({"year"}), False),
        ("Ki-67 μ 45 yo", frozenset({"year"}), False),  # non-ASCII without a fold: tested
        ("a 45 \u017fear old", frozenset({"year"}), True),  # long s: never tested
        ("anything", None, True),
    ],
)
def test_may_contain(text: str, literals: frozenset[str] | None, expected: bool) -> None:
    assert may_contain(literals, text) is expected
    assert (searchable(text) is None) is bool(FOLDS_TO_ASCII.search(text))


def _packaged_rules() -> list:  # noqa: ANN401 - Rule objects of every field rule file
    rules = []
    for path in sorted(resources.files("extractor.fields.rules").iterdir(), key=str):
        if path.name.endswith(".json"):
            raw = json.loads(path.read_text(encoding="utf-8"))["rules"]
            extra = frozenset().union(*(r.keys() for r in raw)) - COMMON_KEYS
            rules += load_rules("extractor.fields.rules", path.name, extra)
    return rules


SENTENCES = [
    "A 45-year-old woman presented with back pain.\nAbstract\nA 62 yo M, Mr. Smith.",
    "She is a gravida 2 para 1 housewife; her son, a 5-year-old boy, is well.",
    "MRI showed a 4 x 3 cm mass at L4-L5 and T12, S-100 (+), CD34 negative.",
    "The tumour was positive for SOX10 but not for HMB-45 - in the \u017facrum, 2 cm.",
]


def test_scanned_rules_find_the_same_matches() -> None:
    """Every packaged field rule: same spans and groups as ``regex.finditer`` on its
    example, its counter-examples, the sentences above and the corpus reports; most rules
    get a scanner."""
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    texts += [normalize(t).text for t in texts] + SENTENCES
    rules = _packaged_rules()
    assert sum(regex_scan.scanner(r.regex) is not None for r in rules) > len(rules) * 3 // 4
    compared = 0
    for rule in rules:
        for text in [*texts, rule.example, *rule.counter_examples]:
            want = [(m.span(), m.groupdict()) for m in rule.regex.finditer(text)]
            scanned = regex_scan.finditer(rule.regex, regex_scan.scanner(rule.regex), text)
            got = [(m.span(), m.groupdict()) for m in scanned]
            assert got == want, (rule.id, text[:60])
            compared += len(want)
    assert compared > 1000


@pytest.mark.parametrize(
    ("pattern", "text", "window"),
    [
        (r"(?<!\w)\d+-year-old\b", "a 45-year-old\nb 7-year-old", (0, 13)),
        (r"\bman\b", "woman man", (2, 9)),  # a lookbehind sees text before the window
        (r"ab|b", "abab", (1, 4)),
    ],
)
def test_window_search_is_as_finditer(pattern: str, text: str, window: tuple[int, int]) -> None:
    regex = re.compile(pattern, re.I)
    scan = regex_scan.scanner(regex)
    assert scan is not None
    got = [m.span() for m in regex_scan.finditer(regex, scan, text, *window)]
    assert got == [m.span() for m in regex.finditer(text, *window)]


@pytest.mark.parametrize(
    "text",
    [
        "A paraspinal mass at L4. Abstract: a lesion of the sacrum.",
        "No tumour here.\nThe lesion (4 cm) and the MASS were seen; \u017fite unknown.",
        "",
    ],
)
def test_site_patterns_found_as_without_scan(text: str) -> None:
    """The site field's sentence patterns: same matches and first match as ``re``."""
    from extractor.fields.diagnosis import FRONT_MATTER_SKIP_RE
    from extractor.fields.site import config

    cfg = config()
    for regex in (cfg.anchor, cfg.general, FRONT_MATTER_SKIP_RE):
        assert regex_scan.scanner(regex) is not None
        want = [m.span() for m in regex.finditer(text)]
        assert [m.span() for m in regex_scan.find_all(regex, text)] == want
        first = regex_scan.find_first(regex, text)
        assert (first and first.span()) == (want[0] if want else None)


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"(?<![\w.])(?P<num>\d{1,3}) ?yo", re.I, True),
        (r"(?<![\w.,])[0-9]+ cm", 0, True),
        (r"(?<![^\w])\d+", 0, False),  # a negated class: the previous character IS a word one
        (r"(?<![\w.])\d+", re.A, False),  # an ASCII \w: "é5" may match at the "5"
        (r"(?a)(?<![\w.])\d+", 0, False),
        (r"(?<![\w.])(?:\d|one)", 0, False),  # may start with a letter
        (r"(?<!\w)\d|x", 0, False),
        (r"\b\d+", 0, False),  # not the lookbehind read
    ],
)
def test_starts_a_number(pattern: str, flags: int, expected: bool) -> None:
    tree = regex_scan.sre_parse.parse(pattern, flags)
    assert regex_scan.starts_a_number(tree, flags) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 45-year-old man", (2,)),
        ("T5 and x12, not numbers", ()),  # after a letter: inside a word
        (".5 cm, (3) and 2,5", (1, 8, 15, 17)),  # after '.', '(' or ',': a start
        ("\u0663\u0664 years", (0,)),  # a digit of another script starts one too
    ],
)
def test_number_starts(text: str, expected: tuple[int, ...]) -> None:
    assert regex_scan.number_starts(text) == expected


def test_number_rules_tried_at_number_starts_only() -> None:
    """In a long text a number rule runs at the number starts only, with the matches of
    ``regex.finditer``: also after a '.' that its own lookbehind allows, and through the
    scan when the text has too many numbers to try one by one."""
    (rule,) = parse_rules(
        "t.json", {"rules": [{"id": "x", "pattern": r"(?<!\w)\d+ ?cm", "example": "4 cm"}]}
    )
    assert rule.numeric
    prose = "The margins were free of tumour. " * 20 + "A .5 cm nodule, T4 cm and 12cm. "
    tables = "1 2 3 4 5 6 7 8 9 " * 200 + "12cm"
    for text in (prose, tables, "".join(list(prose))):  # an equal text, another object
        assert len(text) >= 500
        want = [m.span() for m in rule.regex.finditer(text)]
        assert [m.span() for m in rule.finditer(text)] == want
    assert [m.group(0) for m in rule.finditer(prose)] == ["5 cm", "12cm"]
    assert len(regex_scan.number_starts(tables)) > start_budget(len(tables))


def test_number_rule_needs_no_gate_scan() -> None:
    """A gated number rule in a long text is tried at the number starts without its gate
    (the gate's scan costs more than the tries); with too many numbers to try, the gate
    runs first as before. The matches are those of ``regex.finditer`` either way."""
    (rule,) = parse_rules(
        "t.json",
        {
            "rules": [
                {
                    "id": "x",
                    "pattern": r"(?<![\w.])\d{1,3} ?(?=[MF]\b)",
                    "example": "a 45 M",
                    "gate": r"[MF]\b",
                }
            ]
        },
    )
    searched: list[str] = []

    class CountingGate:
        def search(self, text: str) -> re.Match[str] | None:
            searched.append(text)
            return re.search(r"[MF]\b", text)

    counted = dataclasses.replace(rule, gate=CountingGate())
    prose = "The margins were free of tumour. " * 20 + "A 45 M, 12 cm. "
    tables = "1 2 3 4 5 6 7 8 9 " * 200 + "45M"
    assert [m.group(0) for m in counted.finditer(prose)] == ["45 "]
    assert searched == []
    assert [m.span() for m in counted.finditer(tables)] == [
        m.span() for m in rule.regex.finditer(tables)
    ]
    assert searched == [tables]
