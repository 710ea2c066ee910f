"""The command line: the entry point and every command; the only place that wires the embedded server in."""

from tui_app.cli.main import main

__all__ = ["main"]
