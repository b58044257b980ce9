"""``throughput.py --stream N``: N report files through the batch, worker RSS sampled."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throughput_report import machine
from throughput_workload import batch_args, write_workload

SCRIPT = Path(__file__).resolve().with_name("throughput.py")


def _progress(out_dir: Path) -> int:
    """Inputs finished so far (lines of the run's journal, its settings line excluded)."""
    n = 0
    for journal in out_dir.glob(".records.jsonl.journal.tmp"):
        with open(journal, "rb") as handle:
            n += sum(chunk.count(b"\n") for chunk in iter(lambda h=handle: h.read(1 << 20), b""))
            n -= 1
    return max(0, n)


def _rss_sample(proc) -> list[float]:  # noqa: ANN001 - psutil.Process
    import psutil

    rss = []
    for p in [proc, *proc.children(recursive=True)]:
        try:
            rss.append(p.memory_info().rss / 2**20)
        except psutil.NoSuchProcess:
            continue
    return rss


def main_stream(args: argparse.Namespace) -> None:
    import psutil

    jobs = max(args.jobs)
    print(
        f"# Stream: {args.stream} reports, jobs {jobs}, engine {args.engine} "
        f"({time.strftime('%Y-%m-%d %H:%M')})\n\n{machine()}\n"
    )
    with tempfile.TemporaryDirectory(prefix="stream-") as tmp:
        folder, out = Path(tmp) / "reports", Path(tmp) / "out" / "records.jsonl"
        folder.mkdir()
        out.parent.mkdir()
        n, n_chars = write_workload(folder, args.stream, unique_tokens=True)
        cmd = [
            sys.executable,
            str(SCRIPT),
            "--child",
            "batch",
            *batch_args(folder, out, jobs, args.engine),
        ]
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        proc = psutil.Process(child.pid)
        print("| t s | records written | RSS main MB | RSS other processes MB (largest first) |")
        print("|---|---|---|---|")
        while child.poll() is None:
            rss = _rss_sample(proc)
            if rss:
                others = " ".join(f"{x:.0f}" for x in sorted(rss[1:], reverse=True) if x > 20)
                print(
                    f"| {time.perf_counter() - t0:.0f} | {_progress(out.parent)} | "
                    f"{rss[0]:.0f} | {others} |",
                    flush=True,
                )
            time.sleep(args.interval)
        result = json.loads(child.communicate()[0].strip().splitlines()[-1])
    wall = result["wall_s"]
    print(
        f"\n{n} reports ({n_chars:,} chars) in {wall:.1f} s (+ {result['load_s']:.1f} s "
        f"load): {n / wall:.1f} reports/s, {n_chars / wall:,.0f} chars/s; errors "
        f"{result['n_errors']}; peak RSS main {result['self_rss_mb']:.0f} MB, largest "
        f"finished child {result['workers_rss_mb']:.0f} MB"
    )
