"""Folders of reports -> records JSONL + errors JSONL; parallel; never loses a file.

Every input ends up as exactly one record or one error entry. Records are written in
path order, so output is byte-identical across runs, across ``jobs`` and across
interruptions: each result goes to a journal the moment it arrives
(:mod:`extractor.resume`), the output files are assembled from it at the end, written to
temporary names and renamed into place, so a crash or Ctrl-C never leaves a half-written
output, and ``resume=True`` continues a killed run without redoing its finished reports.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.gc_tuning import loading
from extractor.pipeline import WARM_UP_TEXT, get_nlp
from extractor.reader import DEFAULT_MAX_CHARS, InputError, read_bytes, read_file
from extractor.record import build_record, source_for_text
from extractor.resume import (
    Index,
    Journal,
    LineReader,
    index_finished,
    reusable,
    writer_temporaries,
)
from extractor.schema import SCHEMA_VERSION, ErrorEntry, Record

STDIN = "-"
ENGINES = ("local", "dask")
#: reports per pool worker before it is replaced by a fresh fork of the warmed-up parent:
#: spaCy's string store grows with every new word, so long-lived workers grow slowly
RECYCLE_AFTER = 1000
#: reports per pool task: fewer messages between the parent and the workers (the parent
#: used ~1 ms of CPU per report with one report per task, 0.4 ms with four)
CHUNK_SIZE = 4
#: the last TAIL_TASKS_PER_JOB x jobs tasks hold one report each, so the workers finish
#: together instead of one idling while the other ends a whole chunk
TAIL_TASKS_PER_JOB = 2


#: (is_error, JSON line, sha256 of the input's bytes or None when they could not be read)
Result = tuple[bool, str, str | None]


@dataclass(frozen=True)
class BatchResult:
    n_inputs: int
    n_records: int
    n_errors: int
    records_path: Path
    errors_path: Path
    #: inputs not processed again: their line came from the interrupted or earlier run
    n_reused: int = 0


def errors_path_for(out: Path) -> Path:
    name = out.name[: -len(".jsonl")] if out.name.endswith(".jsonl") else out.name
    return out.with_name(f"{name}.errors.jsonl")


def collect_inputs(inputs: Iterable[str]) -> tuple[list[str], list[ErrorEntry]]:
    """Expand files, folders (recursive ``*.txt``) and ``-``; bad paths become errors."""
    paths: list[str] = []
    errors: list[ErrorEntry] = []
    for item in inputs:
        if item == STDIN:
            paths.append(STDIN)
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*.txt") if p.is_file())
            if not found:
                errors.append(
                    ErrorEntry(path=item, error="no_input", message="folder contains no .txt files")
                )
            paths.extend(found)
        elif path.exists():
            paths.append(str(path))
        else:
            errors.append(
                ErrorEntry(path=item, error="not_found", message="no such file or folder")
            )
    unique = sorted(set(paths), key=lambda p: (p != STDIN, p))
    return unique, errors


def process_keyed(
    path: str, max_chars: int = DEFAULT_MAX_CHARS, stdin_data: bytes | None = None
) -> tuple[Record | ErrorEntry, str | None]:
    """One input -> (its record or an error entry naming the file and the problem, sha256
    of the bytes read or None when none could be read)."""
    digest = None
    try:
        if path == STDIN:
            text, source, warnings = read_bytes(stdin_data or b"", "<stdin>", max_chars)
            digest = source.sha256
            return build_record(text, "stdin", source, warnings), digest
        text, source, warnings = read_file(path, max_chars)
        digest = source.sha256
        return build_record(text, Path(path).stem, source, warnings), digest
    except InputError as exc:
        return ErrorEntry(path=exc.path, error=exc.kind, message=exc.message), exc.sha256
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        return ErrorEntry(path=path, error="internal", message=message), digest


def process_one(
    path: str, max_chars: int = DEFAULT_MAX_CHARS, stdin_data: bytes | None = None
) -> Record | ErrorEntry:
    """One input -> its record, or an error entry naming the file and the problem."""
    return process_keyed(path, max_chars, stdin_data)[0]


def result_of(path: str, max_chars: int, stdin_data: bytes | None = None) -> Result:
    """One input -> (is_error, JSON line, sha256): what the batch engines send back."""
    item, digest = process_keyed(path, max_chars, stdin_data)
    return isinstance(item, ErrorEntry), to_json_line(item), digest


#: ids of the pipelines :func:`warm_up` has warmed in this process
_warmed: set[int] = set()


def warm_up() -> None:
    """Build the pipeline and everything it loads lazily on the first document, then
    keep the collector off all of it (see :mod:`extractor.gc_tuning`). Once per pipeline:
    a second call (``run_batch`` after a caller's own warm-up) does nothing."""
    if get_nlp.cache_info().currsize and id(get_nlp()) in _warmed:
        return
    with loading():
        build_record(WARM_UP_TEXT, "warm-up", source_for_text(WARM_UP_TEXT))
        _warmed.add(id(get_nlp()))


def _worker(args: tuple[str, int]) -> Result:
    return result_of(*args)


def _chunk_worker(args: tuple[list[str], int]) -> list[Result]:
    paths, max_chars = args
    return [result_of(path, max_chars) for path in paths]


def plan_chunks(n: int, jobs: int, size: int = CHUNK_SIZE) -> list[int]:
    """Sizes of the pool tasks for ``n`` reports: ``size`` each, then the last
    TAIL_TASKS_PER_JOB x ``jobs`` tasks of one report each (they sum to ``n``)."""
    tail = min(n, TAIL_TASKS_PER_JOB * jobs)
    head = n - tail
    sizes = [size] * (head // size)
    if head % size:
        sizes.append(head % size)
    return sizes + [1] * tail


def _chunks(paths: list[str], max_chars: int, jobs: int) -> Iterator[tuple[list[str], int]]:
    start = 0
    for size in plan_chunks(len(paths), jobs):
        yield paths[start : start + size], max_chars
        start += size


#: the encoder of :func:`to_json_line`, built once; a dumped model is a tree (no
#: container appears twice), so the check for circular references is left out
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=False, check_circular=False)


def to_json_line(item: Record | ErrorEntry) -> str:
    return _JSON_ENCODER.encode(item.model_dump(mode="json"))


def iter_results(
    paths: list[str],
    jobs: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin_data: bytes | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> Iterator[Result]:
    """(is_error, JSON line, sha256) per input, in the order of ``paths``.

    ``engine="dask"`` runs :func:`process_one` on a dask.distributed cluster (the one at
    ``scheduler``, or a local one with ``jobs`` workers); stdin is always read here.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if STDIN in paths:
        yield result_of(STDIN, max_chars, stdin_data)
    rest = [p for p in paths if p != STDIN]
    if engine == "dask":
        from extractor.distributed import iter_results_dask

        yield from iter_results_dask(rest, jobs, max_chars, scheduler)
        return
    if jobs <= 1 or len(rest) <= 1:
        for path in rest:
            yield _worker((path, max_chars))
        return
    if sys.platform != "win32":
        warm_up()  # once before forking: workers inherit the loaded pipeline and vocabularies
    from extractor.worker_pool import QuietPool  # imported here: not needed by jobs=1 loads

    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    # a pool task is one chunk of at most CHUNK_SIZE reports
    per_worker = max(1, RECYCLE_AFTER // CHUNK_SIZE)
    with QuietPool(processes=jobs, maxtasksperchild=per_worker, context=ctx) as pool:
        for results in pool.imap(_chunk_worker, _chunks(rest, max_chars, jobs)):
            yield from results


class _AtomicWriter:
    """Write to a temporary file beside ``path``; rename into place on commit."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.path = path
        self.tmp = Path(tmp)
        self.handle = os.fdopen(fd, "wb")

    def write_line(self, line: str | bytes) -> None:
        self.handle.write((line.encode("utf-8") if isinstance(line, str) else line) + b"\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


def assemble(
    paths: list[str], errors: list[ErrorEntry], index: Index, out: Path, err_path: Path
) -> tuple[int, int]:
    """Write the output files in path order from ``index``; (records, errors) written."""
    records_w, errors_w = _AtomicWriter(out), _AtomicWriter(err_path)
    reader = LineReader()
    n_records, n_errors = 0, len(errors)
    try:
        for error in errors:
            errors_w.write_line(to_json_line(error))
        for path in paths:
            entry = index.get(path)
            if entry is None:
                raise RuntimeError(f"{path}: no result was produced for this input")
            if entry.is_error:
                errors_w.write_line(reader.read(entry))
                n_errors += 1
            else:
                records_w.write_line(reader.read(entry))
                n_records += 1
        reader.close()
        records_w.commit()
        errors_w.commit()
    except BaseException:
        reader.close()
        records_w.abort()
        errors_w.abort()
        raise
    return n_records, n_errors


def run_batch(
    inputs: Iterable[str],
    out: Path,
    jobs: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
    progress: bool | None = None,
    stdin_data: bytes | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
) -> BatchResult:
    """Process ``inputs`` into ``out`` (records) and its ``.errors.jsonl`` sibling.

    ``engine``/``scheduler``: see :func:`iter_results`; the output is the same bytes.
    ``resume``: inputs whose path and sha256 have a line in the journal of an interrupted
    run on ``out``, or a record in a finished ``out``, are not processed again; the output
    is the same bytes as a run from scratch. Without it the journal starts empty.
    Raises :class:`extractor.resume.BatchBusyError` while another run writes ``out``.
    """
    from tqdm import tqdm

    paths, errors = collect_inputs(inputs)
    if STDIN in paths and stdin_data is None:
        stdin_data = sys.stdin.buffer.read()
    err_path = errors_path_for(out)
    journal = Journal(out, {"max_chars": max_chars, "schema_version": SCHEMA_VERSION})
    index = journal.open(resume, stale=writer_temporaries(out, err_path))
    complete = False
    try:
        if resume:
            index = {**index_finished(out, max_chars, SCHEMA_VERSION), **index}
        done = reusable(paths, index) if resume else set()
        todo = [p for p in paths if p not in done]
        show = sys.stderr.isatty() if progress is None else progress
        results = iter_results(todo, jobs, max_chars, stdin_data, engine, scheduler)
        bar = tqdm(results, total=len(todo), disable=not show, unit="report")
        for path, (is_error, line, digest) in zip(todo, bar, strict=True):
            index[path] = journal.append(path, digest, is_error, line)
        n_records, n_errors = assemble(paths, errors, index, out, err_path)
        complete = True
    finally:
        journal.close(remove=complete)
    return BatchResult(
        len(paths) + len(errors), n_records, n_errors, out, err_path, n_reused=len(done)
    )
