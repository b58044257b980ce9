"""Interleaved rounds of the throughput ratios (``throughput.py --rounds N``).

The host's speed drifts over minutes (on this shared machine the blank tokenizer alone
measured 223-323 reports per CPU-second within an hour), and a run measures ours, the
blank tokenizer and medspaCy one after the other, so one slow minute moves a ratio. Each
round measures all of them back to back (with the 2-process ceiling of that moment);
the targets are checked on the median over the rounds, and every round is printed.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import median

BLANK = "spacy blank tokenizer"
MEDSPACY = "medspaCy default + sectionizer"
COLUMNS = ("ceiling", "ours", "blank", "medspacy", "vs_medspacy", "vs_tokenizer", "speedup_2")


def round_row(batches: dict[int, dict], base: dict[str, dict], n: int, ceiling: float) -> dict:
    """One round's rates (reports per CPU-second) and ratios."""
    ours = n / batches[1]["cpu_s"]
    row = {
        "ceiling": ceiling,
        "ours": ours,
        "blank": n / base[BLANK]["cpu_s"],
        "medspacy": n / base[MEDSPACY]["cpu_s"],
    }
    row["vs_medspacy"] = ours / row["medspacy"]
    row["vs_tokenizer"] = ours / row["blank"]
    if 2 in batches:
        row["speedup_2"] = batches[1]["wall_s"] / batches[2]["wall_s"]
    return row


def more_rounds(
    rounds: int,
    measure: Callable[[], tuple[dict[int, dict], dict[str, dict], float]],
    n: int,
) -> list[dict]:
    """``rounds`` more rows; ``measure`` runs the batches, the baselines and the ceiling."""
    rows = []
    for _ in range(rounds):
        batches, base, ceiling = measure()
        rows.append(round_row(batches, base, n, ceiling))
    return rows


def report_rounds(rows: list[dict]) -> dict[str, float]:
    """Print every round and the medians; return the medians."""
    cols = [c for c in COLUMNS if all(c in row for row in rows)]
    medians = {c: median(row[c] for row in rows) for c in cols}
    print(f"\n## Rounds ({len(rows)}, each measured back to back), reports per CPU-second\n")
    print("| round | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for i, row in enumerate([*rows, medians], 1):
        name = str(i) if i <= len(rows) else "**median**"
        print(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in cols) + " |")
    return medians
