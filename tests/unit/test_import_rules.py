"""The layer rules of docs/architecture.md hold: import-linter's contracts in pyproject.toml, and
no module of ours imports one of Textual's private modules (they change without notice)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[2]


def test_the_import_contracts_in_pyproject_hold() -> None:
    cwd = os.getcwd()
    os.chdir(REPO)  # import-linter reads pyproject.toml from the working directory
    try:
        assert lint_imports(no_cache=True) == 0
    finally:
        os.chdir(cwd)


def private_textual_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found += [n for n in names if n.startswith("textual.") and any(p.startswith("_") for p in n.split(".")[1:])]
    return found


def test_the_private_import_check_finds_one() -> None:
    assert private_textual_imports("from textual._compositor import Compositor") != []
    assert private_textual_imports("from textual.widgets import Markdown") == []


def test_no_module_imports_textual_private_modules() -> None:
    offenders = {
        str(path.relative_to(REPO)): found
        for path in (REPO / "tui_app").rglob("*.py")
        if (found := private_textual_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
