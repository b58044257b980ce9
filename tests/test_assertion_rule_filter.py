""":class:`~extractor.assertion.rules.RuleFilter`: the rules a text's words may match,
found from the rules whose first word set the text meets (not by testing every rule)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from extractor.assertion.rules import RuleFilter

NOT = frozenset({"not"})
WAS = frozenset({"was", "were"})
REQUIREMENTS = (
    (WAS, NOT),  # "was not", "were not"
    (NOT,),  # "not"
    None,  # a regular expression: any text
    (frozenset({"no"}), frozenset({"evidence"}), frozenset({"of"})),
    (frozenset(),),  # an empty set: no text
    (NOT, frozenset({"ruled"}), frozenset({"out"})),
)


def _definition(requirements: tuple, words: list[str]) -> list[int]:
    """Rules with a word of each of their sets among ``words``."""
    present = set(words)
    return [
        i for i, sets in enumerate(requirements) if sets is None or all(s & present for s in sets)
    ]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["it", "was", "not", "seen"], [0, 1, 2]),
        (["not", "were"], [0, 1, 2]),  # the first set met after the second
        (["was", "seen"], [2]),  # the first set met, not the second
        (["evidence", "of"], [2]),  # later sets met, not the first: no candidate
        (["no", "evidence", "of", "no"], [2, 3]),  # a word twice
        (["not", "ruled", "out"], [1, 2, 5]),
        ([], [2]),
    ],
)
def test_matchable(words: list[str], expected: list[int]) -> None:
    found = RuleFilter(REQUIREMENTS)
    assert found.matchable(words) == expected == _definition(REQUIREMENTS, words)


@pytest.mark.parametrize(
    ("requirements", "words", "expected"),
    [
        (REQUIREMENTS[:2], ["was", "seen"], False),
        (REQUIREMENTS[:2], ["not"], True),
        (REQUIREMENTS[3:5], ["evidence", "of"], False),  # the first set is missing
        (REQUIREMENTS[3:5], ["of", "evidence", "no"], True),
        ((None,), [], True),  # a rule for any text
    ],
)
def test_may_match(requirements: tuple, words: list[str], expected: bool) -> None:
    assert RuleFilter(requirements).may_match(words) is expected


def test_random_texts_match_the_definition() -> None:
    vocabulary = sorted({w for sets in REQUIREMENTS if sets for s in sets for w in s} | {"x"})
    rng = random.Random(0)
    found = RuleFilter(REQUIREMENTS)
    for _ in range(500):
        words = rng.choices(vocabulary, k=rng.randrange(6))
        assert found.matchable(words) == _definition(REQUIREMENTS, words)
        assert found.may_match(words) is bool(_definition(REQUIREMENTS, words))


def test_work_grows_with_the_rules_met_not_with_all_rules(
    steps: Callable[[Callable[[], object]], int],
) -> None:
    """A text meeting no rule's first set costs the same with 10 or 1,000 rules."""

    def filter_of(n: int) -> RuleFilter:
        return RuleFilter(tuple((frozenset({f"cue{i}"}), NOT) for i in range(n)))

    small, large = filter_of(10), filter_of(1000)
    words = ["the", "mass", "was", "not", "seen"]
    assert steps(lambda: large.matchable(words)) == steps(lambda: small.matchable(words))
    assert steps(lambda: large.may_match(words)) == steps(lambda: small.may_match(words))
