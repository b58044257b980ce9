"""Shared fixtures. Tests are model-free: the pipeline is built on spacy.blank("en")."""

from __future__ import annotations

import os
from pathlib import Path

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
