"""The log people can find: one rotating file in the user log directory (under the data
directory when one is chosen, so a test or a second setup keeps its own), keys masked."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from tui_app.cli.secret_mask import SecretMask

LOG_FILE = "tui-app.log"
LEVELS = ("debug", "info", "warning", "error")
DEFAULT_LEVEL = "info"
# Three old files of 1 MiB beside the current one: weeks of reconnects, never a full disk.
MAX_BYTES = 2**20
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FILE_ONLY = {"file_only": True}
"""`extra` for a record the command has already told the user in its own words (or a crash's
traceback, which is never printed): it goes to the log file, not to stderr a second time."""


def log_file(data_override: str | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """Where the log goes: `<data dir>/logs/tui-app.log` when `--data-dir` or `TUI_APP_DATA_DIR`
    chooses the data directory, else the platform's user log directory."""
    chosen = data_override or env.get("TUI_APP_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser() / "logs" / LOG_FILE
    return platformdirs.user_log_path("tui-app") / LOG_FILE


class MaskingFormatter(logging.Formatter):
    """Masks the whole formatted record, traceback and all: a filter sees the message before
    an exception's text is added, and a key may sit in either."""

    def __init__(self, mask: SecretMask, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.mask = mask

    def format(self, record: logging.LogRecord) -> str:
        return self.mask(super().format(record))


class _QuietFileHandler(RotatingFileHandler):
    """Creates its file with the first record, not before: a command that logs nothing leaves
    nothing behind (`tui-app sessions` on a machine without history creates no directory)."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            try:
                path = Path(self.baseFilename)
                path.parent.mkdir(parents=True, exist_ok=True)
                # The user's alone, like the crash reports: errors may quote what was typed.
                path.touch(mode=0o600, exist_ok=True)
            except OSError:
                self.handleError(record)
                return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        # A full disk or a removed directory must not print "--- Logging error ---" over the app.
        pass


@contextmanager
def logging_to(path: Path, level: str, mask: SecretMask, *, stderr: bool) -> Iterator[None]:
    """Log to the rotating file at `path` for the duration (a file that cannot be written is
    skipped quietly; the command goes on). tui-app's own records from `level` up; other libraries'
    (httpx, uvicorn) from warnings up, or everything at `debug`. With `stderr`, warnings also go
    to stderr, as Python shows them when nothing is configured (never while the app owns the
    terminal: they would be drawn over it)."""
    threshold = getattr(logging, level.upper())
    root, ours = logging.getLogger(), logging.getLogger("tui_app")
    saved = (root.level, ours.level)
    file_handler = _QuietFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    file_handler.setLevel(threshold)
    file_handler.setFormatter(MaskingFormatter(mask))
    handlers: list[logging.Handler] = [file_handler]
    if stderr:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.WARNING)
        console.setFormatter(MaskingFormatter(mask, "%(message)s"))
        console.addFilter(lambda record: not getattr(record, "file_only", False))
        handlers.append(console)
    root.setLevel(logging.DEBUG if threshold == logging.DEBUG else logging.WARNING)
    ours.setLevel(threshold)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(saved[0])
        ours.setLevel(saved[1])
