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
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from throughput_report import (  # noqa: E402
    CEILING,
    cpu_ceiling,
    machine,
    print_table,
    report_baselines,
    report_batches,
    report_stages,
    report_targets,
)
from throughput_workload import ROOT, batch_args, workload, write_workload  # noqa: E402

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


def main_benchmark(args: argparse.Namespace) -> None:
    print(f"# Throughput benchmark ({time.strftime('%Y-%m-%d %H:%M')})\n\n{machine()}")
    texts = [text for _, text in workload(extra=args.folder_extra)]  # every one distinct
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        n, n_chars = write_workload(folder, extra=args.folder_extra)
        load = run_child("load")
        print_table(
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
        from throughput_stream import main_stream

        main_stream(args)
    else:
        main_benchmark(args)


if __name__ == "__main__":
    main()
