"""The dask engine: :func:`extractor.batch.process_one` on a dask.distributed cluster.

``python -m extractor run ... --engine dask [--scheduler tcp://host:8786]`` sends the
input *paths* (not the texts) to the workers in chunks, so every worker must see the
inputs at the same paths (a shared filesystem). With no scheduler address a
``LocalCluster`` of ``jobs`` single-threaded worker processes is started and closed.

The output is byte-identical to the local engine: results are yielded in path order
and go through :func:`extractor.batch.run_batch`'s journal, so ``--resume`` works alike.
At most ``window`` chunks are submitted and not yet written at any time, so a million
paths never turn into a million futures, and the driver holds a bounded number of
results. Each worker builds the pipeline once (:func:`warm_pipeline`; ``get_nlp`` is
cached per process).

dask is an optional dependency (``pip install 'extractor[dask]'``), imported only here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from extractor.batch import Result, result_of, to_json_line
from extractor.schema import ErrorEntry

#: reports per task at most; small inputs get one report per task for load balance
MAX_CHUNK = 32
#: tasks in flight (submitted, not yet written) per worker thread
WINDOW_PER_THREAD = 4


class DaskUnavailable(ImportError):
    """The dask engine was requested but dask.distributed is not installed."""


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailable(
            "--engine dask needs dask.distributed: pip install 'extractor[dask]' "
            f"(import failed: {exc})"
        ) from exc
    return distributed


def process_chunk(paths: list[str], max_chars: int) -> list[Result]:
    """Worker side: (is_error, JSON line, sha256) for each path, in order."""
    return [result_of(path, max_chars) for path in paths]


def lost_chunk(paths: list[str], exc: BaseException) -> list[Result]:
    """Error entries for a chunk whose task failed (e.g. its worker died twice)."""
    message = f"dask task failed: {type(exc).__name__}: {exc}"
    return [
        (True, to_json_line(ErrorEntry(path=p, error="internal", message=message[:500])), None)
        for p in paths
    ]


def chunk_size(n_paths: int, n_threads: int) -> int:
    """Reports per task: >= 16 tasks per worker thread when possible, at most MAX_CHUNK."""
    return max(1, min(MAX_CHUNK, n_paths // (16 * max(1, n_threads))))


def chunked(paths: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(paths), size):
        yield paths[i : i + size]


def warm_pipeline() -> None:
    """Build this worker's pipeline now (``client.run``) rather than in its first task.

    Workers that join later build it on their first task: ``get_nlp`` is cached per process.
    """
    from extractor.batch import warm_up

    warm_up()


@contextmanager
def connect(scheduler: str | None, jobs: int) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a new local one with ``jobs`` workers."""
    distributed = _import_distributed()
    if scheduler:
        with distributed.Client(scheduler) as client:
            yield client
        return
    with (
        distributed.LocalCluster(
            n_workers=max(1, jobs),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def n_threads(client: Any) -> int:
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def ordered_results(
    client: Any, paths: list[str], max_chars: int, window: int, size: int
) -> Iterator[Result]:
    """Submit chunks keeping at most ``window`` outstanding; yield results in path order."""
    pending: deque[tuple[list[str], Any]] = deque()
    for chunk in chunked(paths, size):
        if len(pending) >= window:
            yield from _collect(*pending.popleft())
        pending.append((chunk, client.submit(process_chunk, chunk, max_chars, pure=False)))
    while pending:
        yield from _collect(*pending.popleft())


def _collect(chunk: list[str], future: Any) -> list[Result]:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a lost task becomes error entries, never a gap
        return lost_chunk(chunk, exc)
    finally:
        future.release()


def iter_results_dask(
    paths: list[str], jobs: int, max_chars: int, scheduler: str | None = None
) -> Iterator[Result]:
    """(is_error, JSON line, sha256) per path, in order, computed on a dask cluster."""
    if not paths:
        return
    with connect(scheduler, jobs) as client:
        client.run(warm_pipeline)
        threads = n_threads(client)
        size = chunk_size(len(paths), threads)
        yield from ordered_results(client, paths, max_chars, WINDOW_PER_THREAD * threads, size)
