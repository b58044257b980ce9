"""Counts and scores: precision, recall, F1, accuracy, micro and macro averages.

Conventions: a score with an empty denominator is ``None`` (not 0, not 1), so an
absent field never looks perfect or broken; macro averages skip ``None`` scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Counts:
    """True positives, false positives and false negatives of one field or key."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def support(self) -> int:
        """Number of gold items."""
        return self.tp + self.fn

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class Accuracy:
    """Share of ``correct`` among ``total`` compared items."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    def merge(self, other: Accuracy) -> None:
        self.correct += other.correct
        self.total += other.total

    @property
    def value(self) -> float | None:
        return ratio(self.correct, self.total)

    def as_dict(self) -> dict[str, float | int | None]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.value}


def micro(counts: Iterable[Counts]) -> Counts:
    """Pool the counts, then score."""
    total = Counts()
    for c in counts:
        total.add(c)
    return total


def macro(counts: Iterable[Counts]) -> dict[str, float | None]:
    """Unweighted mean of per-item precision, recall and F1 (``None`` scores skipped)."""
    items = list(counts)
    return {
        "precision": mean([c.precision for c in items]),
        "recall": mean([c.recall for c in items]),
        "f1": mean([c.f1 for c in items]),
    }


def mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None
