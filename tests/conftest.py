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


# ---------------------------------------------------------------- registry exports

#: shared/ folders read in place (never copied into the repository): the one beside the
#: repository (as CI lays it), then the workplace's (a clone elsewhere, e.g. in /tmp)
SHARED_CANDIDATES = (ROOT.parent / "shared", Path("/work/shared"))
#: where the NAACCR XML Schema and v26 dictionary are read from: $NAACCR_DIR, then these
NAACCR_CANDIDATES = tuple(p / "naaccr" for p in SHARED_CANDIDATES)


@pytest.fixture(scope="session")
def pages_dev_dir() -> Path:
    """shared/pages-dev (real case-report excerpts), or skip."""
    found = next((p / "pages-dev" for p in SHARED_CANDIDATES if (p / "pages-dev").is_dir()), None)
    if found is None:
        where = ", ".join(str(p / "pages-dev") for p in SHARED_CANDIDATES)
        pytest.skip(f"pages-dev excerpts not found (looked in {where})")
    return found


@pytest.fixture(scope="session")
def naaccr_dir() -> Path:
    from extractor.export.naaccr_check import find_naaccr_dir

    found = find_naaccr_dir(NAACCR_CANDIDATES)
    if found is None:
        where = ", ".join(str(p) for p in NAACCR_CANDIDATES)
        pytest.skip(
            "NAACCR schema/dictionary not found: set NAACCR_DIR to a folder holding "
            f"naaccr_data_1.8.xsd and naaccr-dictionary-260.xml (looked in $NAACCR_DIR, {where})"
        )
    return found


def build_registry_record(
    report_id: str = "r1",
    *,
    age: float | None = None,
    sex: str | None = None,
    lesions: tuple[dict, ...] | list[dict] = (),
    final: tuple[str, str | None, str | None] | None = None,
):
    """A :class:`Record` whose mentions and lesions say what the arguments say.

    ``lesions``: dicts with ``role``, ``location`` (default axial), ``sites`` [(name,
    topography, laterality)], ``size`` (max mm or [dims]), ``measured_on``, ``dx`` (name,
    icdo3, basis), ``history`` (the diagnosis is told as history), ``stains`` [(marker,
    result) or (marker, result, extent, percent)]. ``final`` defaults to the index
    lesion's dx. Returns (record, text): the text is the mention texts joined by
    '. ', so every offset indexes it.
    """
    from extractor.schema import Record

    text, mentions = "", []

    def add(
        field: str, surface: str, value: dict, section: str = "case_presentation", **assertion: bool
    ) -> int:
        nonlocal text
        text += ". " if text else ""
        start = len(text)
        text += surface
        mentions.append(
            {
                "field": field,
                "text": surface,
                "start": start,
                "end": len(text),
                "section": section,
                "rule": f"test.{field}",
                "value": value,
                "assertion": assertion,
            }
        )
        return len(mentions) - 1

    if age is not None:
        add("age", f"{age:g}-year-old", {"years": age, "decade": None})
    if sex is not None:
        add("sex", {"female": "woman", "male": "man"}[sex], {"sex": sex})
    built = []
    for spec in lesions:
        own: list[int] = []
        sites = [
            {"name": n, "icdo3_topography": c, "laterality": s} for n, c, s in spec.get("sites", [])
        ]
        for site in sites:
            own.append(add("site", site["name"], {**site}))
        size = None
        if spec.get("size") is not None:
            dims = spec["size"] if isinstance(spec["size"], list) else [spec["size"]]
            size = {"max_mm": max(dims), "dims_mm": dims, "measured_on": spec.get("measured_on")}
            own.append(
                add(
                    "size",
                    " x ".join(f"{d:g} mm" for d in dims),
                    {
                        "dims_mm": dims,
                        "max_mm": max(dims),
                        "unit": "mm",
                        "measured_on": spec.get("measured_on"),
                    },
                    "pathology",
                )
            )
        diagnosis = None
        if spec.get("dx"):
            name, code, basis = spec["dx"]
            role = "history" if spec.get("history") else "final"
            own.append(
                add(
                    "diagnosis",
                    name,
                    {"name": name, "icdo3": code, "role": role, "basis": basis},
                    "pathology",
                    historical=bool(spec.get("history")),
                )
            )
            morph, _, behaviour = (code or "").partition("/")
            diagnosis = {
                "name": name,
                "icdo3": code,
                "morphology": morph or None,
                "behaviour": behaviour or None,
                "basis": basis,
            }
        stains = []
        for stain in spec.get("stains", []):
            marker, result, extent, percent = (*stain, None, None)[:4]
            stains.append(
                {"marker": marker, "result": result, "extent": extent, "percent": percent}
            )
            own.append(add("stain", f"{marker} {result}", dict(stains[-1]), "pathology"))
        built.append(
            {
                "role": spec["role"],
                "location": spec.get("location", "axial"),
                "why": "test",
                "sites": sites,
                "size": size,
                "diagnosis": diagnosis,
                "stains": stains,
                "mentions": own,
            }
        )
    index = next((x for x in built if x["role"] == "index"), None)
    if final is None and index and index["diagnosis"]:
        d = index["diagnosis"]
        final = (d["name"], d["icdo3"], d["basis"])
    record = Record.model_validate(
        {
            "report_id": report_id,
            "source": {
                "path": f"{report_id}.txt",
                "sha256": "ab" * 32,
                "n_chars": len(text),
                "encoding": "utf-8",
            },
            "mentions": mentions,
            "summary": {
                "age_years": age,
                "sex": sex,
                "sites": index["sites"] if index else [],
                "size_max_mm": index["size"]["max_mm"] if index and index["size"] else None,
                "stains": index["stains"] if index else [],
                "final_diagnosis": dict(zip(("name", "icdo3", "basis"), final, strict=True))
                if final
                else None,
                "lesions": built,
            },
        }
    )
    return record, text


@pytest.fixture(scope="session")
def registry_record():
    """:func:`build_registry_record`: (record, source text) from a short description."""
    return build_registry_record


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
