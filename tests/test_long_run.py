"""A longer batch of generated reports through the real command line with two workers.

The 10^4-report version, with memory sampled while it runs, is benchmarks/long_run.py
(numbers in benchmarks/README.md); no test here measures time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize(("n", "bad_every"), [(600, 40)])
def test_every_generated_input_is_a_record_or_an_error(
    tmp_path: Path, generated_reports: ModuleType, n: int, bad_every: int
) -> None:
    folder, out = tmp_path / "reports", tmp_path / "out" / "records.jsonl"
    n_bad = generated_reports.write_reports(folder, n, seed=2, bad_every=bad_every)
    cmd = [sys.executable, "-m", "extractor", "run", str(folder), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [*cmd, "--jobs", "2", "--no-progress"], env=env, capture_output=True, text=True
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [json.loads(line) for line in out.with_name("records.errors.jsonl").open()]
    assert proc.returncode == 1  # some inputs failed
    assert f"{n} inputs: {n - n_bad} records" in proc.stderr
    assert len(records) + len(errors) == n and len(errors) == n_bad
    bad = {f"{i:07d}" for i in range(n) if generated_reports.is_bad(i, bad_every)}
    assert {Path(e["path"]).stem for e in errors} == bad
    ids = [r["report_id"] for r in records]
    assert ids == sorted(set(ids)) and not set(ids) & bad
    assert len({r["source"]["sha256"] for r in records}) == len(records)  # all distinct
    assert sorted(p.name for p in out.parent.iterdir()) == ["records.errors.jsonl", out.name]
