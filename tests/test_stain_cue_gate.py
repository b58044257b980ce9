"""The cue gate of the stain field: only the cue rules whose literals a sentence holds
are run, and the cues found are those of every cue rule."""

from __future__ import annotations

import pytest

from extractor.fields.stain_cues import CueGate, cue_gate, find_cues, stain_rules
from extractor.rules import Rule

SENTENCES = [
    "The tumour cells were negative for CD34 and positive for S-100.",
    "CD34 was not performed.",
    "Immunoreactivity for vimentin and CD99 was strong.",
    "Desmin did not show any cytoplasmic staining.",
    "Ki-67 index 5%.",
    "No mitoses were seen.",
    "The lesion was S-100 negative; BRAF V600E mutation was found by sequencing.",
]


def _ungated(text: str, rules: list[Rule]) -> list[str]:
    """Ids of the cue rules matching ``text``, every rule tried."""
    gate = CueGate(rules)
    return [r.id for r in gate.rules if any(True for _ in r.finditer(text))]


@pytest.mark.parametrize("text", SENTENCES)
def test_gate_keeps_every_rule_that_matches(text: str) -> None:
    rules = stain_rules()
    kept = {r.id for r in cue_gate(rules).possible(text)}
    assert set(_ungated(text, rules)) <= kept
    assert len(kept) < len(CueGate(rules).rules)  # most rules are skipped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("negative for CD34", "stain.negative_for"),
        ("NEGATIVE FOR CD34", "stain.negative_for"),  # literals compare lower case
        ("CD34 was positive", "stain.was_positive"),
    ],
)
def test_gate_keeps_the_rule_of_its_literal(text: str, expected: str) -> None:
    assert expected in {r.id for r in cue_gate(stain_rules()).possible(text)}


def test_gate_keeps_every_rule_when_case_folding_is_unsafe() -> None:
    """Counter-example: a character that IGNORECASE folds to ASCII ("ſ" matches "s")
    makes the lower-case test unsafe, so no rule is skipped."""
    gate = cue_gate(stain_rules())
    assert gate.possible("CD34 waſ poſitive") == gate.rules
    assert "stain.was_positive" in {c.rule for c in find_cues("CD34 waſ poſitive", stain_rules())}


def test_gate_follows_the_rule_list() -> None:
    """A different rule list gets its own gate (the cached one is never reused)."""
    rules = stain_rules()
    only = [r for r in rules if r.id == "stain.lack"]
    assert [r.id for r in cue_gate(only).rules] == ["stain.lack"]
    assert [c.rule for c in find_cues("The tumour lacked CD34", only)] == ["stain.lack"]
    assert len(cue_gate(rules).rules) > 1
