"""The journal that makes a batch survive a crash, and ``run --resume``.

While ``run`` works, every result is appended to ``.<out>.journal.tmp`` beside the output
(``.records.jsonl.journal.tmp`` for ``--out records.jsonl``) the moment it arrives, and
flushed to the operating system, so a crash or ``kill -9`` loses at most the reports in
flight. One journal line per input: a small JSON key (input path, sha256 of the bytes that
were read, record or error), a tab, then the record or error line exactly as it will appear
in the output. The first line holds the settings the lines depend on (record schema version,
``max_chars``); a journal written under other settings is not reused.

At the end the output files are assembled in path order from the journal (and, with
``--resume``, from the previous output), written to temporary files, renamed into place,
and the journal is removed. The bytes are those of an uninterrupted run.

A run holds an exclusive lock on the journal (``flock``; none on Windows), so two runs
cannot write one output at once, and it removes the writers' temporary files
(``.<out>.*.tmp``) that a killed run left behind. Forked worker processes close their
copy of the journal at once (``os.register_at_fork``): a worker that outlives a killed
run for a moment must not keep its output locked.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import time
from io import FileIO
from pathlib import Path
from typing import BinaryIO, NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None  # type: ignore[assignment]

JOURNAL_VERSION = 1
STDIN = "-"
#: seconds to wait for the journal lock before deciding another run holds it
LOCK_GRACE_S = 2.0
#: journals this process holds open (and locked)
_HELD: set[FileIO] = set()


def _close_held_in_child() -> None:
    """After a fork, in the child: close its copies of the parent's journals. The lock
    stays with the parent (a flock is released when its last descriptor closes)."""
    for handle in _HELD:
        handle.close()  # unbuffered: nothing of the parent's is written
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


class BatchBusyError(RuntimeError):
    """Another run is writing the same output (its journal is locked)."""


class Entry(NamedTuple):
    """Where one input's finished line is: ``length`` bytes at ``offset`` of ``file``."""

    file: Path
    offset: int
    length: int
    is_error: bool
    sha256: str | None


#: input path -> its finished line
Index = dict[str, Entry]


def journal_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.journal.tmp")


def writer_temporaries(out: Path, err_path: Path) -> list[Path]:
    """Temporary files of the output writers (``.<name>.<random>.tmp``) beside ``out``."""
    found: set[Path] = set()
    for target in (out, err_path):
        pattern = str(target.with_name(f".{glob.escape(target.name)}.*.tmp"))
        found.update(Path(p) for p in glob.glob(pattern))
    found.discard(journal_path(out))
    return sorted(found)


def file_sha256(path: str) -> str | None:
    """sha256 of a file's bytes now, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock, waiting up to LOCK_GRACE_S for a holder that is exiting
    (a killed run's processes close their descriptors a moment after the kill)."""
    deadline = time.monotonic() + LOCK_GRACE_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _open_locked(path: Path, out: Path) -> FileIO:
    """Open (create) the journal for appending, unbuffered, holding an exclusive lock."""
    while True:
        handle = FileIO(path, "a")  # kept open (and locked) for the whole run
        if fcntl is None:  # pragma: no cover
            return handle
        if not _try_lock(handle.fileno()):
            handle.close()
            raise BatchBusyError(
                f"{out}: another run is writing this output (its journal {path.name} is "
                "locked); wait for it to finish or choose another --out"
            ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:  # else the run that held the lock finished and removed the file: reopen
            _HELD.add(handle)
            return handle
        handle.close()


def _parse_line(raw: bytes) -> tuple[str, bool, str | None, int] | None:
    """(path, is_error, sha256, offset of the result within the line) of a complete line."""
    key, tab, rest = raw.partition(b"\t")
    if not tab or not raw.endswith(b"}\n") or not rest.startswith(b"{"):
        return None
    try:
        data = json.loads(key)
        path, is_error, sha = data["path"], data["error"], data["sha256"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(path, str) or not isinstance(is_error, bool):
        return None
    return path, is_error, sha if isinstance(sha, str) else None, len(key) + 1


class Journal:
    """The append-only journal of one output, locked while a run uses it."""

    def __init__(self, out: Path, settings: dict[str, object]) -> None:
        self.out = out
        self.path = journal_path(out)
        self.header = json.dumps({"journal": JOURNAL_VERSION, **settings}, sort_keys=True)
        self.handle: FileIO | None = None
        self.size = 0

    def open(self, resume: bool, stale: list[Path]) -> Index:
        """Lock the journal and remove ``stale`` writer temporaries; with ``resume``, the
        finished lines of an earlier run, else an empty journal."""
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.handle = _open_locked(self.path, self.out)
        for path in stale:
            path.unlink(missing_ok=True)
        index = self._read() if resume else None
        if index is None:
            os.ftruncate(self.handle.fileno(), 0)
            self.size = 0
            self._write((self.header + "\n").encode("utf-8"))
            index = {}
        return index

    def _read(self) -> Index | None:
        """Entries of the complete lines (a torn last line is cut off); None when the
        journal is empty or was written under other settings."""
        assert self.handle is not None
        index: Index = {}
        with open(self.path, "rb") as reader:  # another descriptor: the lock is unaffected
            if reader.readline().decode("utf-8", "replace").rstrip("\n") != self.header:
                return None
            offset = reader.tell()
            for raw in iter(reader.readline, b""):
                parsed = _parse_line(raw)
                if parsed is None:
                    break
                path, is_error, sha, start = parsed
                length = len(raw) - start - 1
                index[path] = Entry(self.path, offset + start, length, is_error, sha)
                offset += len(raw)
        os.ftruncate(self.handle.fileno(), offset)
        self.size = offset
        return index

    def _write(self, data: bytes) -> None:
        """Hand ``data`` to the OS now (unbuffered): it survives the death of this process."""
        assert self.handle is not None
        view = memoryview(data)
        while view:
            written = self.handle.write(view)
            if not written:
                raise OSError(f"{self.path}: the journal cannot be written")
            view = view[written:]
        self.size += len(data)

    def append(self, path: str, sha256: str | None, is_error: bool, line: str) -> Entry:
        key = json.dumps({"path": path, "sha256": sha256, "error": is_error}, ensure_ascii=False)
        head, body = (key + "\t").encode("utf-8"), line.encode("utf-8")
        entry = Entry(self.path, self.size + len(head), len(body), is_error, sha256)
        self._write(head + body + b"\n")
        return entry

    def has_entries(self) -> bool:
        return self.size > len(self.header) + 1

    def close(self, remove: bool = False) -> None:
        """Release the lock; ``remove`` deletes the journal first (the run is complete).
        A journal without entries is deleted too: there is nothing to resume."""
        if self.handle is None:
            return
        if remove or not self.has_entries():
            self.path.unlink(missing_ok=True)
        _HELD.discard(self.handle)
        self.handle.close()
        self.handle = None


def index_finished(out: Path, max_chars: int, schema_version: str) -> Index:
    """Entries of the records in a finished output ``out`` that a run with these settings
    would write again. Error lines carry no sha256: their inputs are tried again."""
    index: Index = {}
    if not out.is_file():
        return index
    offset = 0
    with open(out, "rb") as handle:
        for raw in iter(handle.readline, b""):
            with contextlib.suppress(ValueError, KeyError, TypeError):
                record = json.loads(raw)
                source = record["source"]
                if (
                    raw.endswith(b"\n")
                    and record["schema_version"] == schema_version
                    and source["n_chars"] <= max_chars
                ):
                    length = len(raw) - 1
                    index[source["path"]] = Entry(out, offset, length, False, source["sha256"])
            offset += len(raw)
    return index


def reusable(paths: list[str], index: Index) -> set[str]:
    """Inputs whose finished line is for the bytes the file holds now."""
    done = set()
    for path in paths:
        entry = index.get(path)
        if path == STDIN or entry is None or entry.sha256 is None:
            continue
        if file_sha256(path) == entry.sha256:
            done.add(path)
    return done


class LineReader:
    """Reads entries' lines, keeping one open handle per file."""

    def __init__(self) -> None:
        self.handles: dict[Path, BinaryIO] = {}

    def read(self, entry: Entry) -> bytes:
        handle = self.handles.get(entry.file)
        if handle is None:
            handle = self.handles[entry.file] = open(entry.file, "rb")  # noqa: SIM115
        handle.seek(entry.offset)
        data = handle.read(entry.length)
        if len(data) != entry.length:
            raise OSError(f"{entry.file}: truncated while the batch was being assembled")
        return data

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()
