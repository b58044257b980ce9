"""The walkthrough notebook: committed without outputs, holds no logic, and runs."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


def code_cells() -> list[nbformat.NotebookNode]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("cell", code_cells(), ids=lambda c: c.source.splitlines()[0])
def test_cell_is_committed_without_outputs(cell: nbformat.NotebookNode) -> None:
    assert cell.outputs == []
    assert cell.execution_count is None


@pytest.mark.parametrize("cell", code_cells(), ids=lambda c: c.source.splitlines()[0])
def test_cell_defines_no_logic_of_its_own(cell: nbformat.NotebookNode) -> None:
    tree = ast.parse(cell.source)
    own = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.While)
    assert not [n for n in ast.walk(tree) if isinstance(n, own)]


@pytest.mark.slow
def test_notebook_executes(tmp_path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    data = [o.get("data", {}) for o in outputs]
    assert any("image/png" in d for d in data), "no F1 bar chart"
    pages = [d["text/html"] for d in data if "text/html" in d]
    assert any('class="xr"' in page for page in pages), "no review page"
