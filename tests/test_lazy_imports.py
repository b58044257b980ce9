"""Deferred third-party imports (extractor/lazy_imports.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor.lazy_imports import DeferredModule, defer


@pytest.fixture
def fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    name = "deferred_probe_pkg"
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "import os\nos.environ['DEFERRED_PROBE_RAN'] = '1'\nVALUE = 42\n", encoding="utf-8"
    )
    (pkg / "sub.py").write_text("WORD = 'sub'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("DEFERRED_PROBE_RAN", raising=False)
    yield name
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]


def test_deferred_module_runs_on_first_attribute(fake_package: str) -> None:
    import os

    assert defer(fake_package)
    placeholder = sys.modules[fake_package]
    assert isinstance(placeholder, DeferredModule)
    assert "DEFERRED_PROBE_RAN" not in os.environ
    module = __import__(fake_package)  # an import statement does not run it either
    assert module is placeholder
    assert "DEFERRED_PROBE_RAN" not in os.environ
    assert module.VALUE == 42
    assert os.environ["DEFERRED_PROBE_RAN"] == "1"
    assert not isinstance(sys.modules[fake_package], DeferredModule)


def test_deferred_package_submodules_import(fake_package: str) -> None:
    assert defer(fake_package)
    from deferred_probe_pkg import sub  # noqa: PLC0415

    assert sub.WORD == "sub"


def test_defer_refuses_imported_or_missing_modules() -> None:
    assert not defer("json")  # already imported
    assert not defer("no_such_module_anywhere_xyz")
    assert not defer("os.path")


def test_package_import_does_not_load_nltk_or_scipy() -> None:
    code = (
        "import sys, extractor.pipeline\n"
        "print(sorted(m for m in ('scipy', 'sklearn', 'nltk.corpus') if m in sys.modules))\n"
        "import nltk\n"
        "print(nltk.corpus.stopwords.__class__.__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "LazyCorpusLoader"
