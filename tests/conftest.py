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
