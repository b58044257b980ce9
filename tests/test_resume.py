"""Batches that survive a crash: the journal, ``run --resume``, a real kill -9."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from extractor import batch, resume
from extractor.batch import errors_path_for, run_batch
from extractor.cli import main
from extractor.resume import BatchBusyError, Journal, journal_path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "A {age}-year-old woman had a 4 cm paraspinal mass at L4. S-100 was positive.\n"


def _folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _report(age: int) -> bytes:
    return REPORT.format(age=age).encode()


def _outputs(out: Path) -> tuple[bytes, bytes]:
    return out.read_bytes(), errors_path_for(out).read_bytes()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _scratch(tmp_path: Path, folder: Path, **kwargs: object) -> tuple[bytes, bytes]:
    out = tmp_path / "scratch" / "r.jsonl"
    run_batch([str(folder)], out, progress=False, **kwargs)
    return _outputs(out)


FILES = {"a.txt": _report(40), "b.txt": _report(41), "c.txt": b"", "d.txt": _report(43)}

# (change between the first run and the resumed one, inputs reused by the resumed run)
CHANGES = [
    ("nothing", {}, 3),  # the error entry of a finished run has no sha256: tried again
    ("a file changed", {"b.txt": _report(52)}, 2),
    ("a file added", {"e.txt": _report(44)}, 3),
    ("a file removed", {"d.txt": None}, 2),
    ("an error fixed", {"c.txt": _report(42)}, 3),
    ("a record now an error", {"a.txt": b""}, 2),
]


@pytest.mark.parametrize(("name", "change", "reused"), CHANGES, ids=[c[0] for c in CHANGES])
def test_resume_of_a_finished_run_redoes_only_what_changed(
    tmp_path: Path, name: str, change: dict[str, bytes | None], reused: int
) -> None:
    folder = _folder(tmp_path, FILES)
    out = tmp_path / "out" / "r.jsonl"
    run_batch([str(folder)], out, progress=False)
    for file, data in change.items():
        (folder / file).unlink() if data is None else (folder / file).write_bytes(data)
    result = run_batch([str(folder)], out, progress=False, resume=True)
    assert result.n_reused == reused
    assert _outputs(out) == _scratch(tmp_path, folder)
    assert _leftovers(out.parent) == []


def test_resume_with_a_lower_max_chars_does_not_reuse_longer_records(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"a.txt": _report(40), "long.txt": _report(41) * 3})
    out = tmp_path / "out" / "r.jsonl"
    run_batch([str(folder)], out, progress=False)
    limit = len(_report(40)) + 10
    result = run_batch([str(folder)], out, progress=False, resume=True, max_chars=limit)
    assert result.n_reused == 1 and result.n_errors == 1
    assert _outputs(out) == _scratch(tmp_path, folder, max_chars=limit)


def _interrupt_at(monkeypatch: pytest.MonkeyPatch, stem: str) -> None:
    real = batch.process_keyed

    def interrupt(path: str, *args: object, **kwargs: object):  # noqa: ANN202
        if Path(path).stem == stem:
            raise KeyboardInterrupt
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "process_keyed", interrupt)


@pytest.mark.parametrize(("stop_at", "reused"), [("a", 0), ("b", 1), ("d", 3)])
def test_interrupted_run_keeps_its_finished_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_at: str, reused: int
) -> None:
    folder = _folder(tmp_path, FILES)
    out = tmp_path / "out" / "r.jsonl"
    with monkeypatch.context() as patch:
        _interrupt_at(patch, stop_at)
        with pytest.raises(KeyboardInterrupt):
            run_batch([str(folder)], out, progress=False)
    assert not out.exists() and not errors_path_for(out).exists()
    # the journal holds the finished reports; with none finished there is nothing to keep
    assert _leftovers(out.parent) == ([journal_path(out).name] if reused else [])
    result = run_batch([str(folder)], out, progress=False, resume=True)
    assert result.n_reused == reused  # the interrupted run's error entry has a sha256
    assert _outputs(out) == _scratch(tmp_path, folder)
    assert _leftovers(out.parent) == []


def test_cli_interrupt_names_the_journal_and_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, FILES)
    out = tmp_path / "r.jsonl"
    _interrupt_at(monkeypatch, "b")
    # one process: the interrupt is simulated inside the worker function
    assert main(["run", str(folder), "--out", str(out), "--no-progress", "--jobs", "1"]) == 130
    err = capsys.readouterr().err
    assert str(journal_path(out)) in err and "--resume" in err


@pytest.mark.parametrize(
    ("finished", "tail", "reused"),
    [
        (["a.txt", "b.txt"], b"", 2),
        (["a.txt", "b.txt", "c.txt"], b"", 3),
        (["a.txt", "b.txt"], b'{"path": "x", "sha', 2),  # killed inside the key
        (["a.txt", "b.txt"], b'{"path": "d.txt", "sha256": null, "error": false}\t{"re', 2),
        (["a.txt", "b.txt"], b"\x00" * 300, 2),  # lost the last block in a power cut
    ],
    ids=["two", "three", "torn-key", "torn-record", "zeros"],
)
def test_torn_journal_tail_is_cut_off(
    tmp_path: Path, finished: list[str], tail: bytes, reused: int
) -> None:
    folder = _folder(tmp_path, FILES)
    out = tmp_path / "out" / "r.jsonl"
    journal_path(out).parent.mkdir()
    journal_path(out).write_bytes(journal_lines(folder, out, finished) + tail)
    result = run_batch([str(folder)], out, progress=False, resume=True)
    assert result.n_reused == reused
    assert _outputs(out) == _scratch(tmp_path, folder)
    assert _leftovers(out.parent) == []


def journal_lines(folder: Path, out: Path, names: list[str]) -> bytes:
    """The journal an interrupted run would have left after finishing ``names``."""
    settings = {"max_chars": batch.DEFAULT_MAX_CHARS, "schema_version": batch.SCHEMA_VERSION}
    journal = Journal(out, settings)
    journal.open(resume=False, stale=[])
    for name in names:
        is_error, line, digest = batch.result_of(str(folder / name), batch.DEFAULT_MAX_CHARS)
        journal.append(str(folder / name), digest, is_error, line)
    journal.close()
    return journal_path(out).read_bytes()


def test_journal_of_other_settings_is_not_reused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, FILES)
    out = tmp_path / "out" / "r.jsonl"
    journal_lines(folder, out, ["a.txt", "b.txt"])
    result = run_batch([str(folder)], out, progress=False, resume=True, max_chars=10_000)
    assert result.n_reused == 0
    assert _outputs(out) == _scratch(tmp_path, folder, max_chars=10_000)


@pytest.mark.parametrize("resume", [False, True])
def test_stale_writer_temporaries_are_removed(tmp_path: Path, resume: bool) -> None:
    folder = _folder(tmp_path, FILES)
    out = tmp_path / "out" / "r.jsonl"
    out.parent.mkdir()
    stale = [".r.jsonl.k2j4x9.tmp", ".r.errors.jsonl.q8w1e3.tmp"]
    for name in stale:
        (out.parent / name).write_text('{"report_id": "half', encoding="utf-8")
    (out.parent / ".other.jsonl.abc.tmp").write_text("not ours", encoding="utf-8")
    run_batch([str(folder)], out, progress=False, resume=resume)
    assert _leftovers(out.parent) == [".other.jsonl.abc.tmp"]
    assert _outputs(out) == _scratch(tmp_path, folder)


def test_second_run_on_the_same_output_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resume, "LOCK_GRACE_S", 0.0)  # the holder is not exiting
    folder = _folder(tmp_path, FILES)
    out = tmp_path / "r.jsonl"
    holder = Journal(out, {})
    holder.open(resume=False, stale=[])
    try:
        with pytest.raises(BatchBusyError, match="another run is writing"):
            run_batch([str(folder)], out, progress=False)
        assert main(["run", str(folder), "--out", str(out), "--no-progress"]) == 2
        assert str(out) in capsys.readouterr().err
    finally:
        holder.close(remove=True)
    assert run_batch([str(folder)], out, progress=False).n_records == 3


def _started_then_wait(started: Any, release: Any) -> None:
    started.set()
    release.wait(60)


def test_a_forked_worker_does_not_keep_the_output_locked(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    first = Journal(out, {})
    first.open(resume=False, stale=[])
    first.append("a.txt", "0" * 64, False, "{}")
    ctx = multiprocessing.get_context("fork")
    started, release = ctx.Event(), ctx.Event()
    worker = ctx.Process(target=_started_then_wait, args=(started, release))
    worker.start()  # like a pool worker, forked while the run holds the journal
    assert started.wait(60)
    try:
        first.close()  # the run ends (or is killed) while its worker is still alive
        second = Journal(out, {})
        second.open(resume=True, stale=[])  # not refused: the lock went with the run
        second.close(remove=True)
    finally:
        release.set()
        worker.join()


# ------------------------------------------------------------------ a real kill -9

N_KILL = 400


@pytest.fixture(scope="module")
def kill_inputs(
    tmp_path_factory: pytest.TempPathFactory, generated_reports: ModuleType
) -> tuple[Path, tuple[bytes, bytes]]:
    """Generated reports (some unusable) and the output of an uninterrupted run."""
    tmp = tmp_path_factory.mktemp("kill")
    folder = tmp / "reports"
    generated_reports.write_reports(folder, N_KILL, seed=15, bad_every=97)
    out = tmp / "scratch" / "records.jsonl"
    run_batch([str(folder)], out, jobs=2, progress=False)
    return folder, _outputs(out)


def _journal_entries(path: Path) -> int:
    try:
        return max(0, path.read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_killed_run_resumes_to_the_same_bytes(
    tmp_path: Path, kill_inputs: tuple[Path, tuple[bytes, bytes]], engine: str
) -> None:
    folder, expected = kill_inputs
    out = tmp_path / "out" / "records.jsonl"
    cmd = [sys.executable, "-m", "extractor", "run", str(folder), "--out", str(out)]
    cmd += ["--jobs", "2", "--engine", engine, "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        while _journal_entries(journal_path(out)) < 40 and proc.poll() is None:
            time.sleep(0.02)  # polling the journal, not measuring time
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run, its workers and its cluster
        proc.wait()
    assert not out.exists(), "the run finished before it could be killed"
    kept = _journal_entries(journal_path(out))
    result = run_batch([str(folder)], out, jobs=2, progress=False, engine=engine, resume=True)
    assert 40 <= result.n_reused == kept < N_KILL
    assert result.n_inputs == N_KILL == result.n_records + result.n_errors
    assert _outputs(out) == expected
    assert _leftovers(out.parent) == []
