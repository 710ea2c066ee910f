"""`tui-app files SESSION`: the files of a stored session (what its agent wrote in its sandbox,
and what came back with its replies); `--get PATH` saves one.

Saved files never leave the chosen folder (a path with `..`, an absolute path or a NUL byte is
refused, never written) and never replace a file unless `--force` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tui_app.backends.base import AgentBackend
from tui_app.backends.errors import BackendError
from tui_app.cli.connect import connect
from tui_app.cli.history import NoSuchSession, resolve
from tui_app.core.events import DomainEvent
from tui_app.core.sanitize import strip_control
from tui_app.core.session_state import TERMINAL
from tui_app.persistence.records import SessionRecord
from tui_app.persistence.store import Store
from tui_app.persistence.store_access import STORE_FILE, StoreUnavailable, open_store
from tui_app.settings import api_keys as keys
from tui_app.settings.backend_choice import ConfigError, data_dir
from tui_app.workspace.file_saving import AlreadyThere, UnsafePath, save_as, save_into
from tui_app.workspace.session_files import SessionFile, file_content, session_files

EXIT_REFUSED = 2
RESUME_HINT = '`tui-app ask --session {id} "…"`, then list again.'


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    files = commands.add_parser(
        "files",
        help="list a session's files; `--get PATH` saves one",
        description="The files of a stored session: those its agent wrote in the sandbox (Case.dev, "
        "while the session runs there) and those returned with its replies (Stewrd, kept here).",
    )
    files.add_argument("session", metavar="SESSION", help="an id, a unique prefix of one, or a title (or its start)")
    files.add_argument("--get", metavar="PATH", help="save the file at PATH (as listed) into the current directory")
    files.add_argument(
        "-o", "--output", metavar="FILE", help="with --get: save as FILE instead (an existing folder: save into it)"
    )
    files.add_argument("--force", action="store_true", help="with --get: replace a file that is already there")
    files.add_argument("--data-dir", metavar="DIR", help="where sessions are kept (default: $TUI_APP_DATA_DIR or the user data directory)")
    files.add_argument("--base-url", help="base URL of the session's service (default: as for the app)")


def run(args: argparse.Namespace) -> int:
    directory = data_dir(args.data_dir)
    if not (directory / STORE_FILE).exists():
        print(f"No sessions yet: there is no store at {directory / STORE_FILE}.", file=sys.stderr)
        return 1
    try:
        with open_store(directory) as store:
            record = resolve(store, args.session)
            return _with_backend(store, record, args, directory)
    except NoSuchSession as error:
        return _said(str(error), 1)
    except StoreUnavailable as error:
        return _said(str(error), 3)
    except ConfigError as error:
        return _said(str(error), 2)
    except BackendError as error:
        return _said(str(error), 1)


def _said(message: str, code: int) -> int:
    print(f"tui-app files: {message}", file=sys.stderr)
    return code


def _with_backend(store: Store, record: SessionRecord, args: argparse.Namespace, directory: Path) -> int:
    events = store.load_events(record.id)
    sandbox_open = not record.closed and record.state not in TERMINAL
    if not sandbox_open:
        print(f"Session {record.id[:12]} has {record.state}: only the files kept here are shown.", file=sys.stderr)
    # The local backend's chats live in the embedded server's store in the data directory.
    with connect(record.backend, args.base_url, 0, directory, stored=keys.stored_key) as connection:
        if connection.notice:
            print(f"tui-app files: {connection.notice}", file=sys.stderr)
        return asyncio.run(_command(connection.open_backend(), record, events, sandbox_open, args))


async def _command(
    backend: AgentBackend, record: SessionRecord, events: list[DomainEvent], sandbox_open: bool, args: argparse.Namespace
) -> int:
    try:
        try:
            files = await session_files(backend, record.remote_id, events, sandbox_open)
        except BackendError as error:
            if backend.capabilities.idle_snapshot_ms is None:
                raise
            # Its files are only listed while its sandbox runs, and only a message resumes it.
            return _said(f"{error} If the session is snapshotted, a message resumes it: {RESUME_HINT.format(id=record.id[:12])}", 1)
        if args.get is None:
            _print_list(record, files)
            return 0
        wanted = next((file for file in files if file.path == args.get), None)
        if wanted is None:
            return _said(f"no file {args.get!r} in session {record.id[:12]}; `tui-app files {record.id[:12]}` lists them.", 1)
        content = await file_content(backend, record.remote_id, wanted)
    finally:
        await backend.aclose()
    return _save(wanted, content, args.output, args.force)


def _print_list(record: SessionRecord, files: list[SessionFile]) -> None:
    if not files:
        print(f"No files in session {record.id[:12]}.")
        return
    rows = [("PATH", "SIZE", "TURN")]
    for file in files:
        size = "?" if file.size is None else f"{file.size:,}"
        rows.append((strip_control(file.path), size, "—" if file.turn is None else str(file.turn)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for path, size, turn in rows:
        print(f"{path.ljust(widths[0])}  {size.rjust(widths[1])}  {turn}".rstrip())


def _save(file: SessionFile, content: bytes, output: str | None, force: bool) -> int:
    try:
        if output is not None and not Path(output).is_dir():
            written = save_as(Path(output), content, force)
        else:
            written = save_into(Path(output or "."), file.path, content, force)
    except UnsafePath as error:
        return _said(f"{error} Nothing was written.", EXIT_REFUSED)
    except AlreadyThere as error:
        return _said(f"{error} Not replaced; add --force to replace it.", EXIT_REFUSED)
    except OSError as error:
        return _said(f"could not write {strip_control(file.path)!r}: {error.strerror or error}", 1)
    print(f"Saved {strip_control(file.path)} ({len(content):,} bytes) to {written}.", file=sys.stderr)
    return 0
