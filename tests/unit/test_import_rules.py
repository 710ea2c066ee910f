"""The layer rules of docs/architecture.md hold: import-linter's contracts in pyproject.toml, and
no module of ours imports one of Textual's private modules (they change without notice)."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lint_imports_apart() -> subprocess.CompletedProcess[str]:
    """import-linter's contracts, checked in a process of their own: `lint_imports` configures
    logging with `dictConfig`, which disables every logger that exists already (httpx's, ours),
    so run in the test process it silenced the logs later tests of that worker read."""
    check = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    # import-linter reads pyproject.toml from the working directory.
    return subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


def test_the_import_contracts_in_pyproject_hold() -> None:
    result = lint_imports_apart()
    assert result.returncode == 0, result.stdout + result.stderr


def test_checking_the_contracts_leaves_this_process_logging() -> None:
    ours = logging.getLogger("tui_app.backends.sse_frames")
    lint_imports_apart()
    assert not ours.disabled and not logging.getLogger("httpx").disabled


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
