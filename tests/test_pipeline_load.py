"""The pipeline parses, when it is built, the rule data that code paths read on first
use (a line break before a heading, a stated diagnosis): a bad file fails at load."""

from collections.abc import Callable

import pytest

from extractor import pipeline, text
from extractor.fields import diagnosis_stated
from extractor.rules import RuleFileError


@pytest.mark.parametrize(
    "loader", [diagnosis_stated.stated_rules, text.heading_literals], ids=["stated", "headings"]
)
def test_load_rule_data_parses_the_lazily_read_rules(loader: Callable[[], object]) -> None:
    loader.cache_clear()  # type: ignore[attr-defined]
    assert loader.cache_info().currsize == 0  # type: ignore[attr-defined]
    pipeline.load_rule_data()
    assert loader.cache_info().currsize == 1  # type: ignore[attr-defined]


def test_a_missing_stated_rule_file_fails_at_load_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    diagnosis_stated.stated_rules.cache_clear()
    monkeypatch.setattr(diagnosis_stated, "RULES_FILE", "no_such_rules.json")
    with pytest.raises(RuleFileError, match="no_such_rules.json: rule file not found"):
        pipeline.load_rule_data()
    diagnosis_stated.stated_rules.cache_clear()  # nothing cached from the bad file


def test_loaded_rules_are_those_the_code_reads() -> None:
    pipeline.load_rule_data()
    assert text.is_heading_line("References")
    assert not text.is_heading_line("The mass was excised")
    found = diagnosis_stated.find_stated("She was diagnosed with a chordoma of the sacrum.")
    assert [(s.name, s.rule) for s in found] == [
        ("chordoma of the sacrum", "dx.stated.diagnosed_with")
    ]
    assert diagnosis_stated.find_stated("She was not examined.") == []
