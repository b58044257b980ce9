"""``python -m extractor``: a thin wrapper over importable functions.

Exit codes: 0 every input became a record; 1 some inputs failed (every good record is
still written, the failures are in the errors file); 2 usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def default_jobs() -> int:
    """Worker processes by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _cmd_run(args: argparse.Namespace) -> int:
    from extractor.batch import run_batch
    from extractor.distributed import DaskUnavailable
    from extractor.resume import BatchBusyError, journal_path

    if args.scheduler and args.engine != "dask":
        print("--scheduler needs --engine dask", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = run_batch(
            args.inputs,
            Path(args.out),
            jobs=args.jobs,
            max_chars=args.max_chars,
            progress=False if args.no_progress else None,
            engine=args.engine,
            scheduler=args.scheduler,
            resume=args.resume,
        )
    except (DaskUnavailable, BatchBusyError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        journal = journal_path(Path(args.out))
        kept = (
            f"the finished reports are kept in {journal}: run the same command with "
            "--resume to go on"
            if journal.exists()
            else "no report was finished"
        )
        print(f"interrupted; no output file was written; {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    reused = f" ({result.n_reused} from the earlier run)" if args.resume else ""
    print(
        f"{result.n_inputs} inputs{reused}: {result.n_records} records -> "
        f"{result.records_path}, {result.n_errors} errors -> {result.errors_path}",
        file=sys.stderr,
    )
    return EXIT_SOME_FAILED if result.n_errors else EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    from extractor.batch import process_one
    from extractor.schema import ErrorEntry

    result = process_one(args.file, args.max_chars)
    print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return EXIT_SOME_FAILED if isinstance(result, ErrorEntry) else EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from extractor.schema import record_json_schema_text

    text = record_json_schema_text()
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from extractor.evaluation.report import evaluate_command

    return evaluate_command(
        gold=Path(args.gold) if args.gold else None,
        pred=Path(args.pred) if args.pred else None,
        out=Path(args.out) if args.out else None,
        brat=Path(args.brat) if args.brat else None,
        records_gold=Path(args.records_gold) if args.records_gold else None,
    )


def _cmd_export(args: argparse.Namespace) -> int:
    """Load the database (the default), and/or write NAACCR XML and FHIR bundles."""
    records = Path(args.records)
    if (args.naaccr or args.fhir) and not records.is_file():
        print(f"no such records file: {records}", file=sys.stderr)
        return EXIT_USAGE
    codes = []
    if args.db or not (args.naaccr or args.fhir):
        from extractor.export.db import DEFAULT_DB_URL, export_command

        codes.append(export_command(records, args.db or DEFAULT_DB_URL))
    if args.naaccr:
        from extractor.export.naaccr import naaccr_command

        codes.append(naaccr_command(records, Path(args.naaccr)))
    if args.fhir:
        from extractor.export.fhir import fhir_command

        codes.append(fhir_command(records, Path(args.fhir)))
    return max(codes)


def _cmd_table(args: argparse.Namespace) -> int:
    from extractor.export.tables import table_command

    return table_command(Path(args.records), Path(args.out), args.format)


def _cmd_review(args: argparse.Namespace) -> int:
    from extractor.export.review import review_command

    return review_command(Path(args.file), Path(args.html))


def build_parser() -> argparse.ArgumentParser:
    from extractor.reader import DEFAULT_MAX_CHARS

    parser = argparse.ArgumentParser(prog="extractor", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="extract records from report files/folders")
    run.add_argument("inputs", nargs="+", help="files, folders (recursive *.txt) or - for stdin")
    run.add_argument("--out", required=True, help="records JSONL; errors go to *.errors.jsonl")
    run.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        help="worker processes (default: the number of cores, %(default)s here)",
    )
    run.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    run.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    run.add_argument("--engine", choices=["local", "dask"], default="local")
    run.add_argument("--scheduler", default=None, help="dask scheduler address")
    run.add_argument(
        "--resume",
        action="store_true",
        help="skip inputs (same path and sha256) already finished by an interrupted or "
        "earlier run on the same --out",
    )
    run.set_defaults(func=_cmd_run)

    show = sub.add_parser("show", help="pretty-print one report's record")
    show.add_argument("file")
    show.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    show.set_defaults(func=_cmd_show)

    schema = sub.add_parser("schema", help="write the record JSON Schema")
    schema.add_argument("--out", default="schema/record.schema.json")
    schema.set_defaults(func=_cmd_schema)

    ev = sub.add_parser("evaluate", help="score records against gold annotations")
    ev.add_argument("--gold", help="folder of gold JSON files (annotations/)")
    ev.add_argument("--pred", help="records JSONL from `run`")
    ev.add_argument("--out", help="folder for CSV/JSON tables and the error listing")
    ev.add_argument("--brat", help="folder of brat .txt/.ann files (MACCROBAT conventions)")
    ev.add_argument(
        "--records-gold", help="folder of record-level gold JSON files (pages-dev format)"
    )
    ev.set_defaults(func=_cmd_evaluate)

    ex = sub.add_parser(
        "export", help="load records into a registry database, or write NAACCR XML / FHIR"
    )
    ex.add_argument("records")
    ex.add_argument(
        "--db",
        default=None,
        help="SQLAlchemy URL (default sqlite:///registry.sqlite when neither --naaccr "
        "nor --fhir is given)",
    )
    ex.add_argument("--naaccr", metavar="FILE", help="write one NAACCR XML 1.8 (v26) file")
    ex.add_argument("--fhir", metavar="DIR", help="write one FHIR R4 bundle per report")
    ex.set_defaults(func=_cmd_export)

    tb = sub.add_parser("table", help="write report-level and mention-level tables")
    tb.add_argument("records")
    tb.add_argument("--out", required=True)
    tb.add_argument("--format", choices=["csv", "parquet"], default="csv")
    tb.set_defaults(func=_cmd_table)

    rv = sub.add_parser(
        "review", help="self-contained HTML review pages: one report, or every record of a JSONL"
    )
    rv.add_argument("file", help="a report .txt (one page) or records .jsonl (a folder of pages)")
    rv.add_argument("--html", required=True, help="the page (.txt input) or folder (.jsonl)")
    rv.set_defaults(func=_cmd_review)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted; no partial output was written", file=sys.stderr)
        return EXIT_INTERRUPTED
