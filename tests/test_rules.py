"""Every rule of the numeric fields: its example fires it, its counter-examples don't."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator

import pytest

from extractor import regex_scan, regex_windows
from extractor.fields import level, size
from extractor.fields.age import find_ages
from extractor.fields.level import find_levels
from extractor.fields.sex import find_sex
from extractor.fields.size import find_sizes
from extractor.rules import RuleFileError, load_rules, parse_rules
from extractor.text import normalize

FINDERS = {
    "age_rules.json": find_ages,
    "sex_rules.json": find_sex,
    "level_rules.json": find_levels,
    "size_rules.json": find_sizes,
}
EXTRA = {
    "age_rules.json": frozenset({"tier"}),
    "level_rules.json": frozenset({"kind", "scope", "applies_to", "target"}),
    "size_rules.json": frozenset({"kind", "scope", "target"}),
}
REJECTERS = {"level_rules.json": level.rejected_by, "size_rules.json": size.rejected_by}


def _cases() -> list[tuple[str, object]]:
    cases = []
    for filename in FINDERS:
        for rule in load_rules(
            "extractor.fields.rules", filename, EXTRA.get(filename, frozenset())
        ):
            cases.append(pytest.param(filename, rule, id=rule.id))
    return cases


@pytest.mark.parametrize(("filename", "rule"), _cases())
def test_rule_example_fires_its_rule(filename: str, rule) -> None:
    text = normalize(rule.example).text
    if rule.options.get("kind") == "reject":
        target = rule.options["target"]
        start = text.index(target)
        kind = "region" if rule.options.get("applies_to") == "region" else "levels"
        extra = (kind,) if filename == "level_rules.json" else ()
        assert REJECTERS[filename](text, start, start + len(target), *extra) == rule.id
        return
    found = FINDERS[filename](text)
    assert rule.id in {f[-1] for f in found}, (rule.id, rule.example, found)
    for counter in rule.counter_examples:
        assert rule.id not in {f[-1] for f in FINDERS[filename](normalize(counter).text)}, counter


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rules": [{"id": "x", "pattern": "a"}]}, "missing keys ['example']"),
        (
            {"rules": [{"id": "x", "pattern": "a", "example": "a", "bogus": 1}]},
            "unknown keys ['bogus']",
        ),
        ({"rules": [{"id": "x", "pattern": "(", "example": "a"}]}, "rule x: invalid pattern"),
        ({"rules": [{"id": "x", "pattern": "a", "example": "a"}] * 2}, "rule x: duplicate id"),
        ({"nope": []}, "expected an object with a 'rules' list"),
        (
            {"rules": [{"id": "x", "pattern": "a+b", "example": "aab", "anchor": "Ab"}]},
            "rule x: anchor must be a non-empty lower-case string",
        ),
        (
            {"rules": [{"id": "x", "pattern": "a+b?", "example": "aab a", "anchor": "ab"}]},
            "rule x: anchor 'ab' is not in every match of the example",
        ),
        (
            {"rules": [{"id": "x", "pattern": "a+b?", "example": "aab a", "gate": "b"}]},
            "rule x: gate 'b' is not in every match of the example",
        ),
        (
            {"rules": [{"id": "x", "pattern": "a", "example": "a", "gate": "("}]},
            "rule x: invalid gate",
        ),
        (  # a gate starting after the match ends (after the lookahead's text)
            {"rules": [{"id": "x", "pattern": r"\d+(?=M)", "example": "45M x", "gate": " x"}]},
            "rule x: gate ' x' is not in every match of the example",
        ),
    ],
)
def test_bad_rule_files_fail_loudly(data: dict, message: str) -> None:
    with pytest.raises(RuleFileError) as err:
        parse_rules("fields/rules/test.json", json.loads(json.dumps(data)))
    assert "fields/rules/test.json" in str(err.value)
    assert message in str(err.value)


def test_anchored_rule_searches_only_its_lines() -> None:
    (rule,) = parse_rules(
        "test.json",
        {
            "rules": [
                {
                    "id": "x",
                    "pattern": r"(?<!\w)\d+-year-old\b",
                    "example": "a 5-year-old",
                    "anchor": "old",
                }
            ]
        },
    )
    text = "A 45-year-old man.\nNo age here: 12 years.\nHis 70-YEAR-OLD father"
    assert [m.group(0) for m in rule.finditer(text)] == ["45-year-old"]
    assert [m.span() for m in rule.finditer(text)] == [m.span() for m in rule.regex.finditer(text)]


def test_gated_rule_runs_only_on_texts_with_its_gate() -> None:
    (rule,) = parse_rules(
        "test.json",
        {
            "rules": [
                {
                    "id": "x",
                    "pattern": r"(?<!\w)\d+ ?(?=[MF]\b)",
                    "example": "a 45M",
                    "gate": r"\d ?[MF]",
                }
            ]
        },
    )
    assert [m.group(0) for m in rule.finditer("45 M and 50F")] == ["45 ", "50"]

    searched: list[str] = []

    class Counting:
        """The rule's regex, counting the texts it is run on."""

        def finditer(self, text: str) -> Iterator[re.Match[str]]:
            searched.append(text)
            return rule.regex.finditer(text)

    counted = dataclasses.replace(rule, regex=Counting(), scanned=False)
    assert list(counted.finditer("no sex letter, 45 years")) == []
    assert searched == []  # the pattern never ran
    assert [m.group(0) for m in counted.finditer("a 45 M")] == ["45 "]
    assert searched == ["a 45 M"]


def _gated_rules() -> list:  # noqa: ANN401 - Rule objects of three files
    from extractor.fields import age, sex

    return [r for r in [*age._rules(), *sex._rules(), *level._rules()] if r.gate is not None]


@pytest.mark.parametrize(
    ("pattern", "example", "gate"),
    [
        (r"\d+(?=M\b)", "a 45M", r"M\b"),  # the lookahead's text, where the match ends
        (r"\d+ ?(?=[MF])", "45 F", "[MF]"),
        (r"\d+M", "45M", "M"),  # inside the match
    ],
)
def test_gate_may_start_where_the_match_ends(pattern: str, example: str, gate: str) -> None:
    (rule,) = parse_rules(
        "test.json", {"rules": [{"id": "x", "pattern": pattern, "example": example, "gate": gate}]}
    )
    assert [m.span() for m in rule.finditer(example)] == [
        m.span() for m in rule.regex.finditer(example)
    ]
    assert list(rule.finditer(example.replace("M", "m").replace("F", "f"))) == []


GATED_STRINGS = [
    "a 45 y/o woman",
    "a 45 Y.O. man",
    "a 45yo man",
    "a 45 yrs-old man",
    "a 45-yr-old woman",
    "A 45 yrs. female",
    "a 45 years old male",
    "a 3 months, baby",
    "45M with a mass",
    "a 45 yo F",
    "45 F, back pain",
    "your 45 yoga classes",  # counter-examples: the gate's letters without a match
    "45 years ago, York",
    "a 4 MB file",
    "18F-FDG PET",
    "pain since 1 year. She was admitted",
]


@pytest.mark.parametrize("text", GATED_STRINGS)
def test_gated_rules_match_as_bare_patterns_on_short_strings(text: str) -> None:
    for rule in _gated_rules():
        got = [m.span() for m in rule.finditer(text)]
        assert got == [m.span() for m in rule.regex.finditer(text)], (rule.id, text)
        if got:
            assert rule.gate.search(text), rule.id


def test_packaged_gated_rules_match_as_without_their_gate() -> None:
    """A gate only skips texts without a match: on the corpus, the synthetic reports and
    every example and counter-example, the same matches as the bare pattern."""
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    rules = _gated_rules()
    assert len(rules) >= 13
    texts = [
        normalize(p.read_text(encoding="utf-8-sig")).text
        for p in sorted(corpus.glob("*.txt")) + sorted((corpus / "synthetic").glob("*.txt"))
    ]
    texts += [r.example for r in rules] + [c for r in rules for c in r.counter_examples]
    for text in texts:
        for rule in rules:
            got = [m.span() for m in rule.finditer(text)]
            assert got == [m.span() for m in rule.regex.finditer(text)], (rule.id, text[:60])


def test_rule_keeps_its_scanner() -> None:
    """The scanner is read once from the scanner cache (keyed by the pattern, whose hash
    reads its whole code) and kept on the rule; an unscanned rule has none."""
    (rule,) = parse_rules(
        "test.json", {"rules": [{"id": "x", "pattern": r"\bcold\b", "example": "a cold"}]}
    )
    assert rule.scanner is regex_scan.scanner(rule.regex) is not None
    assert rule.scanner is rule.scanner
    assert dataclasses.replace(rule, scanned=False).scanner is None
    assert [m.span() for m in rule.finditer("cold, colder, cold")] == [(0, 4), (14, 18)]


_AGE_OLD = (
    r"(?<![\w.])(?P<num>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety)\s?-\s?(?:years?|yrs?|y|months?|mos?)\s?-\s?"
    r"old\b"
)
_PROSE = "The margins were free of tumour and the capsule was intact on all sections. "


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        # a case report naming ages a few times ("old" in several words): the pattern is
        # tried at the ~100 places the literal allows, more than one per 24 characters
        (
            _PROSE * 8
            + "A 45-year-old man, his 70-year-old father and a 12-year-old boy. "
            + "The lesion was cold on the scan. "
            + _PROSE * 6,
            True,
        ),
        # counter-example: "old" every few characters, more places than one per 8
        # characters: the first-character scan of the whole text is cheaper
        (_PROSE * 4 + "bold fold hold told, " * 60 + "a 3-month-old infant.", False),
    ],
)
def test_windows_up_to_one_start_per_8_characters(text: str, windows: bool) -> None:
    """A pattern whose many first characters (digits, the first letters of number words)
    make its scan slow is tried at its places while they are at most one per 8
    characters of the text (MAX_STARTS_PER_CHAR); more, and it is scanned. The matches are
    those of ``regex.finditer`` either way; the scanner is built only for the scan."""
    (rule,) = parse_rules(
        "t.json",
        {
            "rules": [
                {
                    "id": "x",
                    "pattern": _AGE_OLD,
                    "example": "a 45-year-old man",
                    "flags": ["IGNORECASE"],
                }
            ]
        },
    )
    assert rule.placed is not None and len(text) >= 1000
    starts = regex_windows.match_starts(rule.placed, text)
    assert (starts is not None) == windows
    if windows:
        assert len(starts) > len(text) / 24  # scanned before
    want = [m.span() for m in rule.regex.finditer(text)]
    assert [m.span() for m in rule.finditer(text)] == want and want
    assert ("scanner" in rule.__dict__) == (not windows)


@pytest.mark.parametrize(
    ("text", "windows_counted"),
    [
        # "diagnosed" absent: the places of "is", "was" (in every sentence) are not counted
        (_PROSE * 14 + "The lesion is benign and was removed; this is the usual course.", False),
        # counter-example: "diagnosed" present, the places are counted and tried
        (_PROSE * 14 + "She was diagnosed with a schwannoma, which is benign.", True),
    ],
)
def test_required_literals_first_when_not_placed(
    text: str, windows_counted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule whose required literal ("diagnosed") is not one of its placed literals (the
    common words before it) tests the required literal first, in a long text too: absent,
    no place is counted and no start tried. The matches are those of ``regex.finditer``."""
    pattern = r"\b(?:was|were|is|been)\s+diagnosed\s+(?:as|with)\s+"
    (rule,) = parse_rules(
        "t.json",
        {
            "rules": [
                {
                    "id": "x",
                    "pattern": pattern,
                    "example": "was diagnosed with",
                    "flags": ["IGNORECASE"],
                }
            ]
        },
    )
    assert rule.placed is not None and rule.literals == {"diagnosed"} and rule.literals_first
    counted: list[str] = []
    real = regex_windows.match_starts
    monkeypatch.setattr(regex_windows, "match_starts", lambda p, t: counted.append(t) or real(p, t))
    assert len(text) >= 1000
    want = [m.span() for m in rule.regex.finditer(text)]
    assert [m.span() for m in rule.finditer(text)] == want
    assert bool(counted) == windows_counted == bool(want)


def test_placed_literals_alike_in_cost_fewer_spaces() -> None:
    """Of two literals alike in length (the same cost), the one without a space is placed:
    "axis" rather than "the " (a space is the commonest character of a text)."""
    (rule,) = parse_rules(
        "t.json",
        {
            "rules": [
                {
                    "id": "x",
                    "pattern": r"\bthe (?P<axis>axis)\b",
                    "example": "the axis",
                    "flags": ["IGNORECASE"],
                }
            ]
        },
    )
    assert rule.placed is not None and rule.placed.places == (("axis", 4, 4),)
    text = _PROSE * 14 + "The axis and the atlas; the axis."
    assert [m.span() for m in rule.finditer(text)] == [m.span() for m in rule.regex.finditer(text)]
