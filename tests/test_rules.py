"""Every rule of the numeric fields: its example fires it, its counter-examples don't."""

from __future__ import annotations

import json

import pytest

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
