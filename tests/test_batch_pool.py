"""The batch runner's process pool: every task done, exited workers replaced, and the
worker-maintenance thread woken only by worker exits and pool state changes."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import sys

import pytest

from extractor.worker_pool import QuietPool

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses fork")

#: no task here takes more than a fraction of a second: a pool that missed a wake-up
#: (a worker exit not noticed, so no replacement) fails the test instead of hanging it
TIMEOUT_S = 60


def _pid_of(_task: int) -> int:
    return os.getpid()


def _line_of(task: int) -> str:
    """A result the size of a record's JSON line."""
    return f"{task:08d}" * 1000


def _run(tasks: int, maxtasksperchild: int | None, func=_pid_of) -> list:
    ctx = multiprocessing.get_context("fork")
    with QuietPool(processes=2, maxtasksperchild=maxtasksperchild, context=ctx) as pool:
        return pool.map_async(func, range(tasks), chunksize=1).get(TIMEOUT_S)


@pytest.mark.parametrize(("tasks", "maxtasksperchild"), [(1, None), (7, None), (7, 100)])
def test_every_task_is_done(tasks: int, maxtasksperchild: int | None) -> None:
    pids = _run(tasks, maxtasksperchild)
    assert len(pids) == tasks
    assert os.getpid() not in pids


@pytest.mark.parametrize("tasks", [3, 6])
def test_workers_that_exit_are_replaced(tasks: int) -> None:
    # the wake-up the pool must not lose: one task per worker, so each task needs a
    # fresh worker, started only when the maintenance thread sees the old one exit
    pids = _run(tasks, maxtasksperchild=1)
    assert len(set(pids)) == tasks


@pytest.mark.parametrize(("tasks", "maxtasksperchild"), [(1, None), (200, None), (200, 1000)])
def test_results_do_not_wake_the_maintenance_thread(
    monkeypatch: pytest.MonkeyPatch, tasks: int, maxtasksperchild: int | None
) -> None:
    # the standard pool also wakes on every result waiting in the result pipe, until the
    # result thread has read it (thousands of times over a batch); here only at the
    # start, when the last task is done and at close/terminate
    runs = []
    real = multiprocessing.pool.Pool._maintain_pool

    def counted(*args: object) -> None:
        runs.append(1)
        real(*args)

    monkeypatch.setattr(multiprocessing.pool.Pool, "_maintain_pool", staticmethod(counted))
    assert len(_run(tasks, maxtasksperchild, _line_of)) == tasks
    assert len(runs) <= 3
