"""Throughput, per-stage time, load time and memory of the extraction pipeline.

The workload is every distinct report, each once (no text repeated, so no per-process
cache is warmed by repetition): corpus/*.txt, corpus/synthetic/*.txt and, when shared/
is found beside the repository or in /work/shared, maccrobat-dev, pages-dev and e3c-dev
(read with newline="": E3C has CRLF line ends), plus the *.txt of an optional FOLDER.
The texts are written to a temporary folder and measured, in one run, on:

* the real batch path (``extractor.batch.run_batch``) with ``--jobs 1`` and ``--jobs 2``,
  each in a fresh process: reports/s, characters/s, peak RSS of the process and of its
  worker processes;
* the pipeline load time in a fresh process (imports + ``get_nlp()`` + first document);
* the time of each pipeline stage (normalization, tokenizer, every component of
  ``nlp.pipeline``, record assembly, JSON) over the distinct texts;
* two baselines: spaCy's blank English tokenizer alone (the floor) and medspaCy's
  default pipeline plus its sectionizer (the peer).

``--stream N`` instead writes N report files (each with a line of unique tokens, so
spaCy's string store grows as it would on real, distinct reports), runs the batch over
them and samples the RSS of every worker process while it runs.

    .venv/bin/python benchmarks/throughput.py [FOLDER] [--jobs 1,2] [--profile TOP]
    .venv/bin/python benchmarks/throughput.py --stream 10000 [--jobs 2] [--engine dask]
"""

from __future__ import annotations

import time

T_START = time.perf_counter()  # the load-time child measures imports from here

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED_CANDIDATES = (ROOT.parent / "shared", Path("/work/shared"))
#: the shared development sets read by the workload (each a folder of ``*.txt``)
SHARED_SETS = ("maccrobat-dev", "pages-dev", "e3c-dev")
TARGETS = {
    "vs_medspacy": 10.0,
    "vs_tokenizer": 0.35,
    "speedup_2": 1.8,
    "load_s": 1.5,
    "rss_mb": 300.0,
}


# ---------------------------------------------------------------- workload


def shared_dir() -> Path | None:
    """The shared/ folder beside the repository, or /work/shared."""
    return next((p for p in SHARED_CANDIDATES if p.is_dir()), None)


def source_files(extra: str | None = None) -> list[Path]:
    """Every source report file, in a fixed order: corpus, synthetic, the shared dev sets,
    then ``extra`` (a folder of ``*.txt``)."""
    files = sorted((ROOT / "corpus").glob("*.txt")) + sorted(
        (ROOT / "corpus" / "synthetic").glob("*.txt")
    )
    shared = shared_dir()
    for name in SHARED_SETS if shared else ():
        files += sorted((shared / name).glob("*.txt"))
    if extra:
        files += sorted(Path(extra).glob("*.txt"))
    return files


def source_texts(extra: str | None = None) -> list[tuple[str, str]]:
    """(stem, text) of every distinct source report (read with newline="": E3C has CRLF);
    a text seen before (same content) is dropped, so no text is repeated."""
    seen: set[str] = set()
    out = []
    for path in source_files(extra):
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        if text not in seen:
            seen.add(text)
            out.append((f"{path.parent.name}_{path.stem}", text))
    return out


def workload(
    n: int = 0, unique_tokens: bool = False, extra: str | None = None
) -> Iterator[tuple[str, str]]:
    """(file name, text) of the distinct reports; with ``unique_tokens`` (stream mode) the
    sources are cycled to ``n`` and each copy gets a line of unique random tokens, so every
    text is still distinct."""
    sources = source_texts(extra)
    if not unique_tokens:
        for i, (stem, text) in enumerate(sources):
            yield f"{i:07d}_{stem}.txt", text
        return
    rng = random.Random(0)
    for i in range(n):
        stem, text = sources[i % len(sources)]
        words = " ".join(f"{rng.choice('abcdefgh')}{rng.getrandbits(40):x}" for _ in range(20))
        yield f"{i:07d}_{stem}.txt", f"{text}\nAccession {i}: {words}.\n"


def write_workload(
    folder: Path, n: int = 0, unique_tokens: bool = False, extra: str | None = None
) -> tuple[int, int]:
    """Write the workload to ``folder``; (number of reports, total characters)."""
    n_reports = n_chars = 0
    for name, text in workload(n, unique_tokens, extra):
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        n_reports += 1
        n_chars += len(text)
    return n_reports, n_chars


# ---------------------------------------------------------------- child processes


def max_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and its finished children: on a
    shared machine, the measure that other users of the CPUs disturb least."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child_load(_args: argparse.Namespace) -> dict:
    """Fresh process: imports, get_nlp(), first document."""
    from extractor.batch import process_one
    from extractor.pipeline import get_nlp

    t_import = time.perf_counter()
    get_nlp()
    t_build = time.perf_counter()
    first = next(iter(sorted((ROOT / "corpus").glob("*.txt"))))
    process_one(str(first))
    t_first = time.perf_counter()
    return {
        "import_s": t_import - T_START,
        "build_s": t_build - t_import,
        "first_doc_s": t_first - t_build,
        "total_s": t_first - T_START,
        "rss_mb": max_rss_mb(resource.RUSAGE_SELF),
    }


def child_batch(args: argparse.Namespace) -> dict:
    """Fresh process: run_batch over a folder (the pipeline built first, timed apart)."""
    from extractor.batch import run_batch, warm_up

    t0 = time.perf_counter()
    if args.engine == "local":
        warm_up()  # pipeline + lazily loaded data; dask workers build their own
    t1 = time.perf_counter()
    c1 = _cpu_s()
    out = Path(args.out)
    result = run_batch([args.folder], out, jobs=args.jobs, progress=False, engine=args.engine)
    t2 = time.perf_counter()
    return {
        "cpu_s": _cpu_s() - c1,
        "load_s": t1 - t0,
        "wall_s": t2 - t1,
        "n_records": result.n_records,
        "n_errors": result.n_errors,
        "self_rss_mb": max_rss_mb(resource.RUSAGE_SELF),
        "workers_rss_mb": max_rss_mb(resource.RUSAGE_CHILDREN),
    }


def run_child(mode: str, *extra: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def batch_args(folder: Path, out: Path, jobs: int, engine: str) -> list[str]:
    return ["--folder", str(folder), "--out", str(out), "--jobs", str(jobs), "--engine", engine]


# ---------------------------------------------------------------- in-process measurements


def timed(func: Callable[[], object], cpu: dict[str, float] | None = None) -> float:
    """Wall seconds of ``func()``; its CPU seconds go to ``cpu["cpu_s"]``."""
    t, c = time.perf_counter(), time.process_time()
    func()
    if cpu is not None:
        cpu["cpu_s"] = time.process_time() - c
    return time.perf_counter() - t


def stage_times(texts: list[str]) -> dict[str, float]:
    """Seconds per stage, summed over ``texts`` (after one warm-up document)."""
    from extractor.batch import to_json_line
    from extractor.pipeline import get_nlp
    from extractor.record import build_record

    nlp = get_nlp()
    build_record(texts[0], "warm-up", _source(texts[0]))
    stages: dict[str, float] = {}
    with _assembly_only() as holder:
        for text in texts:
            _time_one(nlp, text, stages, holder)
            rec = _add(
                stages,
                "record assembly (build_record rest)",
                lambda t=text: build_record(t, "x", _source(t)),
            )
            _add(stages, "JSON line", lambda r=rec: to_json_line(r))
    return stages


def _source(text: str):  # noqa: ANN202
    from extractor.record import source_for_text

    return source_for_text(text)


def _add(stages: dict[str, float], name: str, func: Callable[[], object]) -> object:
    t = time.perf_counter()
    value = func()
    stages[name] = stages.get(name, 0.0) + time.perf_counter() - t
    return value


def _time_one(nlp, text: str, stages: dict[str, float], holder: dict) -> None:  # noqa: ANN001
    from extractor.text import normalize

    holder["norm"] = norm = _add(stages, "normalization", lambda: normalize(text))
    doc = _add(stages, "tokenizer", lambda: nlp.make_doc(norm.text))
    for name, proc in nlp.pipeline:
        doc = _add(stages, name, lambda p=proc, d=doc: p(d))
    holder["doc"] = doc


class _assembly_only:  # noqa: N801 - used as a context manager
    """Make build_record reuse the normalized text and doc just timed (assembly only)."""

    def __enter__(self) -> dict:
        from extractor import record

        self.record, self.saved = record, (record.normalize, record.get_nlp)
        holder: dict = {}
        record.normalize = lambda _text: holder["norm"]
        record.get_nlp = lambda: lambda _text: holder["doc"]
        return holder

    def __exit__(self, *_exc: object) -> None:
        self.record.normalize, self.record.get_nlp = self.saved


def baseline_rates(texts: list[str]) -> dict[str, dict[str, float]]:
    """Load and processing time of the blank tokenizer and of medspaCy, same texts."""
    import spacy

    out = {}
    t = time.perf_counter()
    blank = spacy.blank("en")
    out["spacy blank tokenizer"] = row = {"load_s": time.perf_counter() - t}
    row["wall_s"] = timed(lambda: [blank(x) for x in texts], row)
    t = time.perf_counter()
    med = load_medspacy()
    load = time.perf_counter() - t
    med(texts[0])
    out["medspaCy default + sectionizer"] = row = {"load_s": load}
    row["wall_s"] = timed(lambda: [med(x) for x in texts], row)
    return out


def load_medspacy():  # noqa: ANN201 - spacy Language, imported lazily
    import medspacy
    from medspacy.util import DEFAULT_PIPE_NAMES

    from extractor.pipeline import silence_third_party_logging

    silence_third_party_logging()  # PyRuSH logs every sentence otherwise
    return medspacy.load(medspacy_enable=[*sorted(DEFAULT_PIPE_NAMES), "medspacy_sectionizer"])


def profile(texts: list[str], top: int) -> None:
    """cProfile of build_record over ``texts``: top functions by own and cumulative time."""
    import cProfile
    import pstats

    from extractor.record import build_record

    build_record(texts[0], "warm-up", _source(texts[0]))
    prof = cProfile.Profile()
    prof.enable()
    for text in texts:
        build_record(text, "x", _source(text))
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stdout)
    for key in ("tottime", "cumulative"):
        print(f"\n## cProfile, single process, {len(texts)} reports, sorted by {key}")
        stats.sort_stats(key).print_stats(top)


# ---------------------------------------------------------------- report


def _print_table(title: str, header: list[str], rows: list[list[object]]) -> None:
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
    _print_table(
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
    _print_table(
        f"Per-stage time, single process, {n_texts} distinct reports",
        ["stage", "ms/report", "% of total"],
        rows,
    )


def report_baselines(base: dict, ours: dict, n: int, n_chars: int) -> dict[str, float]:
    rows = [
        [name, b.get("load_s", "-"), b["wall_s"], n / b["wall_s"], b["cpu_s"], n / b["cpu_s"]]
        for name, b in {"ours (batch, jobs 1)": ours, **base}.items()
    ]
    _print_table(
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


def main_benchmark(args: argparse.Namespace) -> None:
    print(f"# Throughput benchmark ({time.strftime('%Y-%m-%d %H:%M')})\n\n{machine()}")
    texts = [text for _, text in workload(extra=args.folder_extra)]  # every one distinct
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        n, n_chars = write_workload(folder, extra=args.folder_extra)
        load = run_child("load")
        _print_table(
            "Pipeline load, fresh process",
            ["imports s", "get_nlp s", "first doc s", "total s", "RSS MB"],
            [
                [
                    load["import_s"],
                    load["build_s"],
                    load["first_doc_s"],
                    load["total_s"],
                    load["rss_mb"],
                ]
            ],
        )

        def run_batches() -> dict[int, dict]:
            out = Path(tmp)
            return {
                j: run_child("batch", *batch_args(folder, out / f"out{j}.jsonl", j, "local"))
                for j in args.jobs
            }

        batches = run_batches()
        report_batches(batches, n, n_chars)
        report_stages(stage_times(texts), len(texts))
        base = baseline_rates(texts)
        rates = report_baselines(base, batches[min(batches)], n, n_chars)
        medians = None
        if args.rounds > 1 and 1 in batches:
            from ratio_rounds import more_rounds, report_rounds, round_row

            first = round_row(batches, base, n, CEILING[0])
            more = more_rounds(
                args.rounds - 1, lambda: (run_batches(), baseline_rates(texts), cpu_ceiling()), n
            )
            medians = report_rounds([first, *more])
    if 1 in batches:
        report_targets(batches, load, rates, n, medians)
    if args.profile:
        profile(texts, args.profile)


# ---------------------------------------------------------------- stream mode


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
            str(Path(__file__).resolve()),
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


# ---------------------------------------------------------------- command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folder_extra",
        nargs="?",
        metavar="FOLDER",
        help="also measure the *.txt reports of this folder (distinct texts only)",
    )
    parser.add_argument(
        "--jobs",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[1, 2],
        help="comma-separated worker counts (default 1,2)",
    )
    parser.add_argument("--stream", type=int, default=0, help="stream mode: N report files")
    parser.add_argument(
        "--engine", choices=["local", "dask"], default="local", help="batch engine in stream mode"
    )
    parser.add_argument("--interval", type=float, default=10.0, help="RSS sampling period, s")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="TOP",
        help="also print the TOP functions of a cProfile run",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure ours and the baselines N times back to back; targets on the medians",
    )
    parser.add_argument("--child", choices=["load", "batch"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    if args.child:
        args.jobs = max(args.jobs)
        print(json.dumps((child_load if args.child == "load" else child_batch)(args)))
    elif args.stream:
        main_stream(args)
    else:
        main_benchmark(args)


if __name__ == "__main__":
    main()
