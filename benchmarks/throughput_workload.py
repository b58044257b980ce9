"""The workload of ``throughput.py``: every distinct report, each once (no text repeated,
so no per-process cache is warmed by repetition), and the command line of its batch child.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_CANDIDATES = (ROOT.parent / "shared", Path("/work/shared"))
#: the shared development sets read by the workload (each a folder of ``*.txt``)
SHARED_SETS = ("maccrobat-dev", "pages-dev", "e3c-dev")


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


def batch_args(folder: Path, out: Path, jobs: int, engine: str) -> list[str]:
    """Arguments of ``throughput.py --child batch`` over ``folder``."""
    return ["--folder", str(folder), "--out", str(out), "--jobs", str(jobs), "--engine", engine]
