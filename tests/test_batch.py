"""Batch CLI: every input becomes a record or an error entry; bad input never stops a batch."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from extractor import batch
from extractor.batch import collect_inputs, errors_path_for, run_batch
from extractor.cli import main
from extractor.reader import InputError, check_text, control_count, decode_bytes, read_bytes

REPORT = "A 45-year-old woman had a 4 cm paraspinal mass at L4.\n"


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


BAD_INPUTS = [
    ("empty.txt", b"", "empty", "empty"),
    ("blank.txt", b"  \n\t\n  ", "empty", "whitespace"),
    ("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00" * 50, "binary", "NUL"),
    ("controls.txt", b"ab\x01\x02\x1b[0m\x0b" * 40, "binary", "control characters"),
]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("A 45-year-old woman.\tMass at L4.\r\n\f", 0),  # tab, breaks: not counted
        ("\x00\x01\x08\x0b\x0e\x1b\x1f", 7),
        ("\x7f\x85\u2028 ", 0),  # DEL, NEL, line separator: not below U+0020
    ],
)
def test_control_count(text: str, count: int) -> None:
    assert control_count(text) == count
    assert control_count(text) == sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("Mass.\x1b" + "x" * 19, False),  # 1 control in 25 characters: 4 %
        ("Mass\x1b\x1b" + "x" * 19, True),  # 2 in 25: 8 %
    ],
)
def test_mostly_control_characters_is_binary(text: str, refused: bool) -> None:
    if not refused:
        check_text(text, "r.txt", 1000)
        return
    with pytest.raises(InputError, match="r.txt: mostly control characters"):
        check_text(text, "r.txt", 1000)


@pytest.mark.parametrize(("name", "data", "kind", "words"), BAD_INPUTS)
def test_bad_input_becomes_an_error_entry(tmp_path: Path, name, data, kind, words) -> None:
    path = _write(tmp_path, name, data)
    result = run_batch([str(path)], tmp_path / "out.jsonl", progress=False)
    errors = _lines(errors_path_for(tmp_path / "out.jsonl"))
    assert (result.n_records, result.n_errors) == (0, 1)
    assert errors[0]["path"] == str(path) and errors[0]["error"] == kind
    assert words in errors[0]["message"]


@pytest.mark.parametrize(
    ("data", "encoding", "warning"),
    [
        (
            REPORT.replace("woman", "femme\u00e9").encode("cp1252") + b"\x93quoted\x94",
            "cp1252",
            "not valid UTF-8",
        ),
        (codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8-sig", "byte-order mark"),
        (REPORT.encode("utf-16"), "utf-16", "UTF-16"),
        (REPORT.encode("utf-16-le"), "utf-16-le", "UTF-16-LE"),
        (REPORT.encode("utf-8"), "utf-8", None),
    ],
)
def test_encodings_are_decoded_and_recorded(tmp_path: Path, data, encoding, warning) -> None:
    path = _write(tmp_path, "r.txt", data)
    run_batch([str(path)], tmp_path / "out.jsonl", progress=False)
    (record,) = _lines(tmp_path / "out.jsonl")
    assert record["source"]["encoding"] == encoding
    decoding = [w for w in record["warnings"] if "UTF" in w or "decoded" in w or "byte" in w]
    assert any(warning in w for w in decoding) if warning else not decoding
    text = decode_bytes(data, "r.txt").text
    for m in record["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
    assert any(m["field"] == "age" and m["value"]["years"] == 45.0 for m in record["mentions"])


def test_too_large_file_is_refused_with_its_size(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", (REPORT * 400_000).encode())  # about 21 MB
    result = run_batch([str(path)], tmp_path / "out.jsonl", progress=False)
    (error,) = _lines(errors_path_for(tmp_path / "out.jsonl"))
    assert result.n_errors == 1 and error["error"] == "too_large"
    assert "exceeds the limit" in error["message"]


@pytest.mark.parametrize(
    "text",
    ["(" * 50_000 + "x" * 50_000, "no " * 50_000, "C1-" * 20_000, "1 x " * 20_000 + "cm"],
    ids=["parens", "no-no-no", "level-chain", "size-chain"],
)
def test_pathological_text_gives_a_record(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "patho.txt", text.encode())
    result = run_batch([str(path)], tmp_path / "out.jsonl", progress=False)
    assert (result.n_records, result.n_errors) == (1, 0)


def test_missing_paths_and_empty_folders_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty_folder").mkdir()
    paths, errors = collect_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "empty_folder")])
    assert paths == []
    assert [(e.error, Path(e.path).name) for e in errors] == [
        ("not_found", "nope.txt"),
        ("no_input", "empty_folder"),
    ]


def test_every_input_is_a_record_or_an_error(tmp_path: Path) -> None:
    good = [_write(tmp_path, f"good{i}.txt", REPORT.encode()) for i in range(3)]
    bad = [_write(tmp_path, name, data) for name, data, _, _ in BAD_INPUTS]
    inputs = [str(p) for p in good + bad] + [str(tmp_path / "missing.txt")]
    result = run_batch(inputs, tmp_path / "out.jsonl", jobs=2, progress=False)
    records = _lines(tmp_path / "out.jsonl")
    errors = _lines(errors_path_for(tmp_path / "out.jsonl"))
    assert len(inputs) == result.n_inputs == len(records) + len(errors) == 3 + len(BAD_INPUTS) + 1
    assert [r["report_id"] for r in records] == ["good0", "good1", "good2"]


def test_internal_failure_of_one_file_does_not_stop_the_batch(tmp_path, monkeypatch) -> None:
    real = batch.build_record

    def flaky(text, report_id, source, warnings=None):
        if report_id == "b":
            raise RuntimeError("boom")
        return real(text, report_id, source, warnings)

    monkeypatch.setattr(batch, "build_record", flaky)
    for name in "abc":
        _write(tmp_path, f"{name}.txt", REPORT.encode())
    result = run_batch([str(tmp_path)], tmp_path / "out" / "r.jsonl", progress=False)
    (error,) = _lines(tmp_path / "out" / "r.errors.jsonl")
    assert (result.n_records, error["error"]) == (2, "internal")
    assert "RuntimeError: boom" in error["message"]


def test_interrupted_batch_leaves_no_partial_output(tmp_path, monkeypatch) -> None:
    real = batch.process_keyed

    def interrupt(path, *args, **kwargs):
        if path.endswith("b.txt"):
            raise KeyboardInterrupt
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "process_keyed", interrupt)
    for name in "abc":
        _write(tmp_path, f"{name}.txt", REPORT.encode())
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch([str(tmp_path)], out, progress=False)
    # only the journal of finished reports, for --resume (tests/test_resume.py)
    assert not out.exists()
    assert [p.name for p in tmp_path.glob(".out*")] == [".out.jsonl.journal.tmp"]


def test_stdin_input(tmp_path: Path) -> None:
    result = run_batch(["-"], tmp_path / "out.jsonl", progress=False, stdin_data=REPORT.encode())
    (record,) = _lines(tmp_path / "out.jsonl")
    assert result.n_records == 1 and record["report_id"] == "stdin"


@pytest.mark.parametrize(
    ("files", "code"),
    [({"a.txt": REPORT.encode()}, 0), ({"a.txt": REPORT.encode(), "b.txt": b""}, 1), ({}, 1)],
)
def test_cli_exit_codes(tmp_path: Path, files: dict, code: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in files.items():
        _write(folder, name, data)
    assert main(["run", str(folder), "--out", str(tmp_path / "o.jsonl"), "--no-progress"]) == code
    assert (tmp_path / "o.jsonl").exists()


def test_read_bytes_names_the_file() -> None:
    with pytest.raises(InputError) as err:
        read_bytes(b"\x00\x01\x02\x03" * 10, "reports/x.txt")
    assert str(err.value).startswith("reports/x.txt: ")


@pytest.mark.slow
def test_corpus_output_is_byte_identical_across_runs_and_jobs(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    run_batch([str(corpus)], tmp_path / "a.jsonl", jobs=1, progress=False)
    run_batch([str(corpus)], tmp_path / "b.jsonl", jobs=2, progress=False)
    run_batch([str(corpus)], tmp_path / "c.jsonl", jobs=1, progress=False)
    a = (tmp_path / "a.jsonl").read_bytes()
    assert a == (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "c.jsonl").read_bytes()
    assert len(a.splitlines()) == len(list(corpus.rglob("*.txt")))


def test_plan_chunks_ends_with_single_report_tasks() -> None:
    from extractor.batch import CHUNK_SIZE, TAIL_TASKS_PER_JOB, plan_chunks

    for n in (0, 1, 3, 4, 5, 17, 199, 1000):
        for jobs in (2, 3):
            sizes = plan_chunks(n, jobs)
            assert sum(sizes) == n
            assert all(1 <= s <= CHUNK_SIZE for s in sizes)
            tail = min(n, TAIL_TASKS_PER_JOB * jobs)
            assert sizes[len(sizes) - tail :] == [1] * tail
    assert plan_chunks(199, 2) == [CHUNK_SIZE] * 48 + [3] + [1] * 4


def test_warm_up_builds_the_warm_up_record_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import extractor.batch as batch

    calls = []
    real = batch.build_record
    monkeypatch.setattr(batch, "build_record", lambda *a: calls.append(a) or real(*a))
    batch.warm_up()
    n = len(calls)
    assert n <= 1  # none when an earlier test warmed this pipeline up
    batch.warm_up()
    assert len(calls) == n
    batch._warmed.clear()
    batch.warm_up()
    assert len(calls) == n + 1 and calls[-1][1] == "warm-up"
