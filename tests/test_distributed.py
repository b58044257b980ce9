"""The dask engine: same bytes as the local engine, bounded submission, no lost inputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from extractor import distributed as dist
from extractor.batch import errors_path_for, run_batch
from extractor.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


class FakeFuture:
    def __init__(self, client: FakeClient, chunk: list[str]) -> None:
        self.client, self.chunk = client, chunk

    def result(self) -> list[tuple[bool, str]]:
        if any("boom" in p for p in self.chunk):
            raise RuntimeError("worker died")
        return [(False, p, None) for p in self.chunk]

    def release(self) -> None:
        self.client.outstanding -= 1


class FakeClient:
    """Records how many futures are alive at once; results are the paths themselves."""

    def __init__(self) -> None:
        self.outstanding = 0
        self.max_outstanding = 0

    def submit(self, func, chunk, max_chars, pure=True) -> FakeFuture:  # noqa: ANN001
        assert func is dist.process_chunk and pure is False
        self.outstanding += 1
        self.max_outstanding = max(self.max_outstanding, self.outstanding)
        return FakeFuture(self, chunk)


@pytest.mark.parametrize(
    ("n_paths", "threads", "expected"),
    [(0, 2, 1), (23, 2, 1), (1_000, 2, 31), (10_000, 2, 32), (10_000, 64, 9), (5, 0, 1)],
)
def test_chunk_size(n_paths: int, threads: int, expected: int) -> None:
    assert dist.chunk_size(n_paths, threads) == expected


@pytest.mark.parametrize(("n_paths", "size", "window"), [(1, 1, 1), (100, 3, 4), (1_000, 7, 8)])
def test_ordered_results_keeps_order_and_bounds_futures(n_paths, size, window) -> None:
    paths = [f"r{i:05d}.txt" for i in range(n_paths)]
    client = FakeClient()
    out = [line for _, line, _ in dist.ordered_results(client, paths, 10, window, size)]
    assert out == paths
    assert client.max_outstanding <= window and client.outstanding == 0


@pytest.mark.parametrize("bad_index", [0, 5, 9])
def test_failed_task_becomes_error_entries_for_its_paths(bad_index: int) -> None:
    paths = [f"r{i}.txt" if i != bad_index else "boom.txt" for i in range(10)]
    results = list(dist.ordered_results(FakeClient(), paths, 10, window=2, size=3))
    assert len(results) == 10
    chunk = range(bad_index // 3 * 3, min(10, bad_index // 3 * 3 + 3))
    for i, (is_error, line, digest) in enumerate(results):
        assert is_error == (i in chunk)
        if is_error:
            entry = json.loads(line)
            assert entry["path"] == paths[i] and "worker died" in entry["message"]
            assert digest is None  # no bytes were read: a resumed run tries these again


@pytest.mark.parametrize("argv", [["--scheduler", "tcp://127.0.0.1:1"]])
def test_scheduler_without_dask_engine_is_a_usage_error(tmp_path: Path, argv, capsys) -> None:
    code = main(["run", str(CORPUS), "--out", str(tmp_path / "o.jsonl"), *argv])
    assert code == 2 and "--engine dask" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["dask"])
def test_missing_dask_is_a_clear_usage_error(tmp_path, monkeypatch, capsys, engine) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    code = main(["run", str(CORPUS), "--out", str(tmp_path / "o.jsonl"), "--engine", engine])
    assert code == 2 and "extractor[dask]" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no output, no journal, no temporary file


def _inputs(tmp_path: Path) -> list[str]:
    (tmp_path / "empty.txt").write_bytes(b"")
    return [str(CORPUS), str(tmp_path / "empty.txt")]


def _outputs(out: Path) -> tuple[bytes, bytes]:
    return out.read_bytes(), errors_path_for(out).read_bytes()


@pytest.fixture(scope="module")
def local_output(tmp_path_factory) -> tuple[list[str], tuple[bytes, bytes]]:
    tmp = tmp_path_factory.mktemp("local")
    inputs = _inputs(tmp)
    run_batch(inputs, tmp / "records.jsonl", jobs=1, progress=False)
    return inputs, _outputs(tmp / "records.jsonl")


@pytest.mark.slow
def test_dask_local_cluster_from_cli_is_byte_identical(tmp_path: Path, local_output) -> None:
    inputs, expected = local_output
    out = tmp_path / "records.jsonl"
    argv = ["run", *inputs, "--out", str(out), "--engine", "dask", "--jobs", "2"]
    assert main([*argv, "--no-progress"]) == 1  # the empty file is an error
    assert _outputs(out) == expected
    assert b'"error": "empty"' in expected[1] and expected[0].count(b"\n") > 5


@pytest.mark.slow
def test_dask_scheduler_address_is_byte_identical(tmp_path: Path, local_output) -> None:
    distributed = pytest.importorskip("distributed")
    inputs, expected = local_output
    out = tmp_path / "records.jsonl"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_batch(
            inputs, out, engine="dask", scheduler=cluster.scheduler_address, progress=False
        )
    assert (result.n_records, result.n_errors) == (expected[0].count(b"\n"), 1)
    assert _outputs(out) == expected


@pytest.mark.parametrize("engine", ["", "ray", "DASK"])
def test_unknown_engine_is_rejected(tmp_path: Path, engine: str) -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        run_batch([str(CORPUS)], tmp_path / "o.jsonl", engine=engine, progress=False)
    assert not (tmp_path / "o.jsonl").exists()
