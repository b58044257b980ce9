"""Shared fixtures. Tests are model-free: the pipeline is built on spacy.blank("en")."""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"
MACCROBAT = Path(os.environ.get("MACCROBAT_DIR", ROOT.parent / "shared" / "maccrobat-dev"))
REAL_REPORTS = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def nlp():
    from extractor.pipeline import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def generated_reports() -> ModuleType:
    """benchmarks/generated_reports.py: distinct synthetic reports made from a seed."""
    path = ROOT / "benchmarks" / "generated_reports.py"
    spec = importlib.util.spec_from_file_location("generated_reports", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus_records():
    """Records of the real corpus reports, keyed by report id (built once)."""
    from extractor import extract_file

    return {p.stem: extract_file(p) for p in REAL_REPORTS}


def count_steps(func: Callable[[], object]) -> int:
    """Work done by ``func``: Python lines, calls and returns executed plus C functions
    called from Python. Unlike time, the count does not depend on the machine's load, so a
    complexity test built on it cannot flake (code inside one C call is not counted)."""
    count = 0

    def tracer(_frame: FrameType, _event: str, _arg: object) -> Callable[..., object]:
        nonlocal count
        count += 1
        return tracer

    def profiler(_frame: FrameType, event: str, _arg: object) -> None:
        nonlocal count
        count += event == "c_call"

    old_trace, old_profile = sys.gettrace(), sys.getprofile()
    sys.settrace(tracer)
    sys.setprofile(profiler)
    try:
        func()
    finally:
        sys.settrace(old_trace)
        sys.setprofile(old_profile)
    return count


@pytest.fixture(scope="session")
def steps() -> Callable[[Callable[[], object]], int]:
    """:func:`count_steps`, for complexity tests (no test measures time)."""
    return count_steps


# ---------------------------------------------------------------- a throw-away PostgreSQL
PG_SKIP = (
    "needs PostgreSQL server binaries (initdb, pg_ctl on PATH or in "
    "/usr/lib/postgresql/*/bin: apt-get install postgresql; .ci/run installs it)"
)


def postgres_bindir() -> Path | None:
    """The folder of initdb and pg_ctl: from PATH, else Debian's newest version."""
    found = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(found):
        return Path(found[0]).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for folder in reversed(versions):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _as_server_user() -> tuple[list[str], int | None]:
    """The command prefix and uid to run the server with: PostgreSQL refuses root."""
    if os.geteuid() != 0:
        return [], None
    import pwd

    try:
        uid = pwd.getpwnam("postgres").pw_uid
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run the server")
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"], uid
    return ["su", "postgres", "-s", "/bin/sh", "-c", '"$0" "$@"'], uid


INITDB = ("-E", "UTF8", "--locale=C", "--no-sync")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server of our own for this test session, listening only on a unix
    socket in a temporary folder; yields that folder. Stopped and deleted at the end."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip(PG_SKIP)
    pytest.importorskip("psycopg", reason="needs psycopg: pip install -e '.[dev]'")
    prefix, uid = _as_server_user()
    base = Path(tempfile.mkdtemp(prefix="extractor-pg-"))
    if uid is not None:
        os.chown(base, uid, -1)
    data, log = base / "data", base / "server.log"

    def pg(*args: str) -> None:
        proc = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stdout}{proc.stderr}{tail}")

    try:
        pg(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", *INITDB)
        options = f"-k {base} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        yield str(base)
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty database on :func:`postgres_server`; dropped after."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = f"host={postgres_server} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@/{name}?host={postgres_server}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
