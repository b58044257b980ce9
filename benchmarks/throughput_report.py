"""Tables, targets and machine facts printed by ``throughput.py``."""

from __future__ import annotations

import os
import sys
import time

TARGETS = {
    "vs_medspacy": 10.0,
    "vs_tokenizer": 0.35,
    "speedup_2": 1.8,
    "load_s": 1.5,
    "rss_mb": 300.0,
}


def print_table(title: str, header: list[str], rows: list[list[object]]) -> None:
    print(f"\n## {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        cells = [f"{c:,.2f}" if isinstance(c, float) else str(c) for c in row]
        print("| " + " | ".join(cells) + " |")


def _check(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value < target
    return f"{'PASS' if ok else 'MISS'} (target {'>=' if higher_is_better else '<'} {target:g})"


def _spin(n: int) -> float:
    t, total = time.perf_counter(), 0
    for i in range(n):
        total += i
    return time.perf_counter() - t


def cpu_ceiling(n: int = 10_000_000) -> float:
    """Speed-up of 2 processes on a pure-Python loop now: the best any 2-worker run can do
    on this machine at this moment (other users of the CPUs lower it)."""
    import multiprocessing

    one = _spin(n)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        t = time.perf_counter()
        pool.map(_spin, [n] * 4)
        two = time.perf_counter() - t
    return 4 * one / two


#: the ceiling measured by :func:`machine` (the first round's)
CEILING = [0.0]


def _ceiling() -> float:
    CEILING[0] = cpu_ceiling()
    return CEILING[0]


def machine() -> str:
    import spacy

    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in open("/proc/cpuinfo")
            if ln.startswith("model name")
        ),
        "?",
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"nproc {os.cpu_count()}, {cpu}, RAM {mem:.1f} GiB, Python "
        f"{sys.version.split()[0]}, spaCy {spacy.__version__}, load average {load}; "
        f"2-process speed-up of a pure-Python loop right now: {_ceiling():.2f}x"
    )


def report_batches(batches: dict[int, dict], n: int, n_chars: int) -> None:
    rows = [
        [
            j,
            b["wall_s"],
            n / b["wall_s"],
            n_chars / b["wall_s"],
            b["load_s"],
            b["self_rss_mb"],
            b["workers_rss_mb"] if j > 1 else "-",
            b["n_errors"],
        ]
        for j, b in batches.items()
    ]
    print_table(
        f"Batch path (run_batch, fresh process per row, {n} reports, {n_chars:,} chars)",
        [
            "jobs",
            "wall s",
            "reports/s",
            "chars/s",
            "pipeline load s",
            "peak RSS main MB",
            "peak RSS worker MB",
            "errors",
        ],
        rows,
    )


def report_stages(stages: dict[str, float], n_texts: int) -> None:
    total = sum(stages.values())
    rows = [[name, 1000 * s / n_texts, 100 * s / total] for name, s in stages.items()]
    rows.append(["total", 1000 * total / n_texts, 100.0])
    print_table(
        f"Per-stage time, single process, {n_texts} distinct reports",
        ["stage", "ms/report", "% of total"],
        rows,
    )


def report_baselines(base: dict, ours: dict, n: int, n_chars: int) -> dict[str, float]:
    rows = [
        [name, b.get("load_s", "-"), b["wall_s"], n / b["wall_s"], b["cpu_s"], n / b["cpu_s"]]
        for name, b in {"ours (batch, jobs 1)": ours, **base}.items()
    ]
    print_table(
        f"Baselines, same {n} reports ({n_chars:,} chars), single process",
        ["system", "load s", "wall s", "reports/s (wall)", "CPU s", "reports/CPU-s"],
        rows,
    )
    return {name: n / b["cpu_s"] for name, b in base.items()}


def report_targets(
    batches: dict, load: dict, rates: dict, n: int, medians: dict[str, float] | None = None
) -> None:
    """The targets, on this run's ratios or, with ``--rounds``, on the rounds' medians."""
    ours = n / batches[1]["cpu_s"]
    tok = rates["spacy blank tokenizer"]
    med = rates["medspaCy default + sectionizer"]
    ratios = {"vs_medspacy": ours / med, "vs_tokenizer": ours / tok}
    if 2 in batches:
        ratios["speedup_2"] = batches[1]["wall_s"] / batches[2]["wall_s"]
    ratios.update(medians or {})
    how = "medians of the rounds" if medians else "reports per CPU-second"
    print(f"\n## Ratios ({how}) and targets\n")
    value = ratios["vs_medspacy"]
    print(f"- ours / medspaCy: {value:.2f}x  {_check(value, TARGETS['vs_medspacy'])}")
    value = ratios["vs_tokenizer"]
    print(f"- ours / blank tokenizer: {value:.4f}x  {_check(value, TARGETS['vs_tokenizer'])}")
    if "speedup_2" in ratios:
        speedup = ratios["speedup_2"]
        print(f"- speed-up with 2 workers: {speedup:.2f}x  {_check(speedup, TARGETS['speedup_2'])}")
    print(
        f"- pipeline load (imports + get_nlp + first doc, fresh process): "
        f"{load['total_s']:.2f} s  {_check(load['total_s'], TARGETS['load_s'], False)}"
    )
    worst = max(max(b["self_rss_mb"], b["workers_rss_mb"]) for b in batches.values())
    print(f"- peak RSS per worker: {worst:.0f} MB  {_check(worst, TARGETS['rss_mb'], False)}")
