"""What an unhandled error leaves behind: the terminal as it was, one line on stderr, a report in
the data directory with the traceback and versions (never a key), and exit status 70
(EX_SOFTWARE), so a script can tell a crash from a clean exit."""

from __future__ import annotations

import io
import logging
import os
import platform
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from tui_app import __version__
from tui_app.cli.logging_setup import FILE_ONLY
from tui_app.cli.secret_mask import SECRET_NAME, SecretMask
from tui_app.core.sanitize import strip_control

if TYPE_CHECKING:  # the commands other than the app do without Textual's import time
    from textual.app import App
    from textual.pilot import Pilot

log = logging.getLogger(__name__)

CRASH_EXIT = 70
CRASH_HOOK = "TUI_APP_TEST_CRASH"
"""Set to `app` (inside the running app) or `command` (before any command runs) to crash on
purpose: how the tests, or a person, see what a crash leaves behind."""
SHOWN_ENV = ("TUI_APP_", "CASEDEV_", "STEWRD_", "TEXTUAL", "TERM", "COLORTERM", "LANG", "LC_", "PYTHON_KEYRING_BACKEND")
LIBRARIES = ("textual", "rich", "httpx", "pydantic", "starlette", "uvicorn")


class CrashOnPurpose(RuntimeError):
    """Raised when `CRASH_HOOK` asks for it."""


def crash_if_asked(where: str, env: Mapping[str, str] = os.environ) -> None:
    if env.get(CRASH_HOOK) == where:
        raise CrashOnPurpose(f"a crash on purpose ({CRASH_HOOK}={where})")


def run_app(app: App[object], directory: Path | None, mask: SecretMask, env: Mapping[str, str] = os.environ) -> int:
    """Run the Textual app; 0 when it ends normally, else report the crash and return 70.

    Textual catches an error in the app itself: it restores the terminal, sets `return_code`
    to 1, and prints a traceback (with local variables: keys among them, perhaps) on its
    `error_console`. That console writes into a buffer here instead, for the report.
    """
    from rich.console import Console

    captured = io.StringIO()
    app.error_console = Console(file=captured, width=120, color_system=None, markup=False, highlight=False)
    if env.get(CRASH_HOOK) == "app":
        app.run(auto_pilot=_crash_in_the_app)
    else:
        app.run()
    text = captured.getvalue()
    if not app.return_code:
        sys.stderr.write(mask(text))  # what Textual had to say on a clean exit, if anything
        return 0
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    summary = lines[-1] if lines else f"the app stopped with status {app.return_code}"
    return report(summary, text, directory, mask, env)


async def _crash_in_the_app(pilot: Pilot[object]) -> None:
    def crash() -> None:
        crash_if_asked("app")

    pilot.app.call_later(crash)


def report_exception(error: BaseException, directory: Path | None, mask: SecretMask, env: Mapping[str, str] = os.environ) -> int:
    summary = f"{type(error).__name__}: {error}"
    return report(summary, "".join(traceback.format_exception(error)), directory, mask, env)


def report(summary: str, trace: str, directory: Path | None, mask: SecretMask, env: Mapping[str, str] = os.environ) -> int:
    """Write the crash report, say where it is in one line on stderr, log it; return 70."""
    summary = mask(strip_control(summary))[:300]
    trace = mask(trace)
    log.critical("crashed: %s\n%s", summary, trace, extra=FILE_ONLY)
    written = write_report(render(summary, trace, mask, env), directory)
    where = f"the report (no keys in it) is {written}" if isinstance(written, Path) else f"no report written ({written})"
    print(f"tui-app: crashed: {summary}; {where}. Please attach it to a bug report.", file=sys.stderr)
    return CRASH_EXIT


def render(summary: str, trace: str, mask: SecretMask, env: Mapping[str, str]) -> str:
    versions = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    shown = sorted((name, value) for name, value in env.items() if name.startswith(SHOWN_ENV))
    environment = [f"  {name}={'(set, not shown)' if SECRET_NAME.search(name) else mask(value)}" for name, value in shown]
    return "\n".join(
        [
            "tui-app crash report",
            f"time: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}",
            f"tui-app {__version__}; Python {platform.python_version()} ({platform.python_implementation()}); {platform.platform()}",
            f"libraries: {versions}",
            f"command: {mask(' '.join(['tui-app', *sys.argv[1:]]))}",
            f"error: {summary}",
            "environment (keys never shown):",
            *(environment or ["  (nothing of tui-app's)"]),
            "",
            "traceback:",
            trace.rstrip(),
            "",
        ]
    )


def _version(name: str) -> str:
    from importlib import metadata  # (a crash only: it costs the first screen 20 modules)

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def write_report(text: str, directory: Path | None) -> Path | str:
    """The report's path, in `directory` or else the user log directory; or why it could not be written."""
    name = f"crash-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}.txt"
    problem = "no directory to write to"
    for place in _places(directory):
        path = place / name
        try:
            place.mkdir(parents=True, exist_ok=True)
            # Only the user may read it: the traceback may quote what they typed.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
            return path
        except OSError as error:
            problem = f"{path}: {error.strerror or error}"
    return problem


def _places(directory: Path | None) -> Sequence[Path]:
    fallback = platformdirs.user_log_path("tui-app")
    return [directory, fallback] if directory is not None else [fallback]
