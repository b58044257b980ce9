"""The work counter behind the complexity tests can tell linear from quadratic."""

from __future__ import annotations

import re

import pytest


def linear(n: int) -> int:
    return sum(1 for _ in range(n))


def quadratic(n: int) -> int:
    return sum(1 for i in range(n) for _ in range(i))


def regex_per_position(n: int) -> int:
    text, pattern = "a" * n, re.compile("a")
    return sum(1 for i in range(n) if pattern.match(text, i))


@pytest.mark.parametrize(
    ("func", "grows_linearly"),
    [(linear, True), (quadratic, False), (regex_per_position, True)],
    ids=lambda x: getattr(x, "__name__", x),
)
def test_eight_times_the_input_costs_under_sixteen_times_only_if_linear(
    steps, func, grows_linearly: bool
) -> None:
    small, large = steps(lambda: func(200)), steps(lambda: func(1_600))
    assert (large < 16 * small) is grows_linearly
