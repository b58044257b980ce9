"""A long batch through the real command line: accounting, memory, temporary files, resume.

Generates N distinct reports (``benchmarks/generated_reports.py``; every ``--bad-every``-th
input unusable), runs ``python -m extractor run FOLDER --out OUT --jobs J`` in a fresh
process and samples, while it runs, the inputs finished (journal lines), the RSS of the
main process and of each worker, and the temporary files beside the output. At the end it
checks:

* every input is accounted for: N inputs = records + error entries, the errors are
  exactly the unusable inputs, records in path order;
* memory is flat: the peak RSS of the main process and of the largest worker in the last
  quarter of the run is within 10 % (+ 20 MB) of their peak in the second quarter;
* no temporary file is left beside the output.

``--kill-at F`` also kills the run (SIGKILL, the whole process group) once a fraction F of
the inputs is finished, resumes it with ``--resume``, runs the same batch uninterrupted
into another folder and checks that both outputs are byte-identical.

    .venv/bin/python benchmarks/long_run.py [--n 10000] [--jobs 2] [--kill-at 0.5]

Exit status 0 when every check passes, 1 otherwise. Results: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generated_reports import write_reports  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    """Samples of one ``run`` process: (s, inputs finished, main MB, largest worker MB)."""

    samples: list[tuple[float, int, float, float]] = field(default_factory=list)
    max_temporaries: int = 0
    wall_s: float = 0.0
    returncode: int | None = None


def journal_lines(journal: Path) -> int:
    try:
        with open(journal, "rb") as handle:
            return max(
                0, sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1
            )
    except FileNotFoundError:
        return 0


def rss_mb(proc: psutil.Process) -> tuple[float, float]:
    """(main process RSS, largest other process RSS) in MB."""
    main, others = 0.0, [0.0]
    for p in [proc, *proc.children(recursive=True)]:
        try:
            mb = p.memory_info().rss / 2**20
        except psutil.NoSuchProcess:
            continue
        if p.pid == proc.pid:
            main = mb
        else:
            others.append(mb)
    return main, max(others)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def run(
    folder: Path,
    out: Path,
    jobs: int,
    interval: float,
    resume: bool = False,
    kill_after: int | None = None,
) -> Run:
    """Run the command line; with ``kill_after`` SIGKILL it once that many are finished."""
    cmd = [sys.executable, "-m", "extractor", "run", str(folder), "--out", str(out)]
    cmd += ["--jobs", str(jobs), "--no-progress"] + (["--resume"] if resume else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    journal = out.with_name(f".{out.name}.journal.tmp")
    result = Run()
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, start_new_session=True, stderr=subprocess.DEVNULL)
    proc = psutil.Process(child.pid)
    while child.poll() is None:
        done = max(journal_lines(journal), result.samples[-1][1] if result.samples else 0)
        main, worker = rss_mb(proc)
        result.samples.append((time.perf_counter() - t0, done, main, worker))
        result.max_temporaries = max(result.max_temporaries, len(temporaries(out.parent)))
        if kill_after is not None and done >= kill_after:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            break
        time.sleep(interval)
    result.wall_s = time.perf_counter() - t0
    result.returncode = child.returncode
    return result


def peak(samples: list[tuple[float, int, float, float]], lo: float, hi: float, col: int) -> float:
    """Peak of column ``col`` over the samples whose progress is in [lo, hi) of the run."""
    first, last = min(s[1] for s in samples), max(s[1] for s in samples)
    span = max(1, last - first)
    values = [s[col] for s in samples if lo <= (s[1] - first) / span < hi]
    return max(values, default=0.0)


def print_samples(title: str, r: Run, every: int) -> None:
    print(f"\n### {title}\n\n| t s | finished | RSS main MB | RSS largest worker MB |")
    print("|---|---|---|---|")
    for i, (t, done, main, worker) in enumerate(r.samples):
        if i % every == 0 or i == len(r.samples) - 1:
            print(f"| {t:.0f} | {done} | {main:.0f} | {worker:.0f} |")


def lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def check(name: str, ok: bool, detail: str) -> bool:
    print(f"- {'PASS' if ok else 'FAIL'} {name}: {detail}")
    return ok


def report(title: str, r: Run, out: Path, n: int, n_bad: int) -> list[bool]:
    """Samples, rate and the checks of one finished run writing ``out``."""
    print_samples(title, r, max(1, len(r.samples) // 25))
    first, last = r.samples[0][1], r.samples[-1][1]
    done = n - first
    n_records, n_errors = lines(out), lines(out.with_name("records.errors.jsonl"))
    print(
        f"\n{done} inputs processed ({first} taken from the journal) in {r.wall_s:.1f} s: "
        f"{done / r.wall_s:.1f} inputs/s, process start and pipeline load included; last "
        f"sample {last} finished; exit code {r.returncode}\n"
    )
    left = temporaries(out.parent)
    oks = [
        check(
            "accounting",
            n_records + n_errors == n and n_errors == n_bad,
            f"{n} inputs = {n_records} records + {n_errors} errors ({n_bad} unusable inputs)",
        ),
        check(
            "no temporary files left",
            left == [],
            f"{left} beside the output at the end; at most {r.max_temporaries} at once while "
            "running (the journal; the writers' files during the final assembly)",
        ),
    ]
    for col, who in ((2, "main process"), (3, "largest worker")):
        early, late = peak(r.samples, 0.25, 0.5, col), peak(r.samples, 0.75, 1.01, col)
        if not early:
            print(f"- n/a memory flat, {who}: too few samples (a run this short is not a test)")
            continue
        oks.append(
            check(
                f"memory flat, {who}",
                late <= 1.1 * early + 20,
                f"peak RSS {early:.0f} MB in the 2nd quarter of the run, {late:.0f} MB in the last",
            )
        )
    return oks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bad-every", type=int, default=500)
    parser.add_argument("--interval", type=float, default=1.0, help="sampling period, s")
    parser.add_argument("--kill-at", type=float, default=None, metavar="FRACTION")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="long-run-") as tmp:
        folder, out = Path(tmp) / "reports", Path(tmp) / "out" / "records.jsonl"
        n_bad = write_reports(folder, args.n, seed=1, bad_every=args.bad_every)
        n_bytes = sum(p.stat().st_size for p in folder.iterdir())
        print(
            f"# Long run: {args.n} generated reports ({n_bytes:,} bytes, {n_bad} unusable), "
            f"run --jobs {args.jobs} ({time.strftime('%Y-%m-%d %H:%M')}; nproc "
            f"{os.cpu_count()}, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())})"
        )
        oks = []
        if args.kill_at is not None:
            out.parent.mkdir()
            killed = run(
                folder, out, args.jobs, args.interval, kill_after=int(args.kill_at * args.n)
            )
            kept = journal_lines(out.with_name(f".{out.name}.journal.tmp"))
            print_samples(f"Killed run (SIGKILL once {kept} were finished)", killed, 10)
            resumed = run(folder, out, args.jobs, args.interval, resume=True)
            oks += report("Resumed run (--resume)", resumed, out, args.n, n_bad)
            out = Path(tmp) / "ref" / "records.jsonl"
        out.parent.mkdir()
        whole = run(folder, out, args.jobs, args.interval)
        oks += report("Uninterrupted run", whole, out, args.n, n_bad)
        if args.kill_at is not None:
            same = all(
                filecmp.cmp(Path(tmp) / "out" / name, out.with_name(name), shallow=False)
                for name in ("records.jsonl", "records.errors.jsonl")
            )
            oks.append(
                check(
                    "resume is byte-identical",
                    same,
                    f"killed ({killed.wall_s:.0f} s) + resumed ({resumed.wall_s:.0f} s) vs "
                    f"uninterrupted ({whole.wall_s:.0f} s): records and errors files",
                )
            )
    print(f"\n{sum(oks)} of {len(oks)} checks passed")
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
