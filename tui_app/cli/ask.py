"""`tui-app ask`: one message to a new or a stored session, the reply streamed to stdout (plain
text, or JSON Lines with `--json`), for scripts. Its sessions are kept in the app's store, so
`--session`/`--continue` and the app itself find them again."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from typing import TextIO

from tui_app.backends.retry_policy import RetryPolicy
from tui_app.cli.ask_questions import EXIT_QUESTION, POLICIES, choose_policy
from tui_app.cli.connect import connect
from tui_app.cli.history import NoSuchSession, resolve
from tui_app.persistence.store import SessionRecord, Store
from tui_app.persistence.store_access import open_store
from tui_app.settings.backend_choice import KeyLookup, choose_backend, data_dir
from tui_app.settings.user_settings import LoadedSettings
from tui_app.workspace.attachment_files import AttachmentRefused, read_attachments

EXIT_USAGE = 2
EXIT_CODES = f"""exit status:
  0  the turn completed (or a question was skipped with --on-question skip)
  1  the turn failed or was cancelled, the service could not be reached, or the stored
     session cannot take a message (ended, expired)
  2  usage: no message, an empty message, no such session, a setting or key missing, a --file
     that cannot be attached (missing, binary, not UTF-8, over max_attachment_kib)
  3  the session store cannot be opened
  {EXIT_QUESTION}  the agent asked a question that got no answer (--on-question fail, the default
     without a terminal; or the end of input at the terminal); the turn is cancelled
  130  interrupted (Ctrl+C)
  141  stdout was closed early (`| head`): the reply was no longer followed"""


class UsageProblem(Exception):
    """The command line cannot be run as given; nothing was sent."""


def add_ask_arguments(ask: argparse.ArgumentParser) -> None:
    ask.description = (
        "Send one message and stream the reply to stdout, then a summary line (cost, tokens, model).\n"
        "The session is kept in the app's store (the app and `tui-app sessions` list it), and ended\n"
        "on its service afterwards unless --keep, --session or --continue."
    )
    ask.epilog = EXIT_CODES
    ask.formatter_class = argparse.RawDescriptionHelpFormatter
    ask.add_argument(
        "text",
        nargs="?",
        metavar="MESSAGE",
        help="the message; `-`, or left out while stdin is not a terminal, reads it from stdin",
    )
    which = ask.add_mutually_exclusive_group()
    which.add_argument(
        "--session", metavar="SESSION", help="send to this stored session (an id, a unique prefix of one, or a title)"
    )
    which.add_argument(
        "-c", "--continue", dest="continue_last", action="store_true", help="send to the most recent stored session"
    )
    ask.add_argument(
        "--file",
        dest="files",
        action="append",
        default=[],
        metavar="PATH",
        help="attach a local text file to the message (repeatable); refused when binary or over "
        "the max_attachment_kib setting",
    )
    ask.add_argument("--keep", action="store_true", help="do not end the new session on its service afterwards")
    ask.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per event (text deltas, tool calls, questions, usage, turn end) and a summary object",
    )
    ask.add_argument(
        "--on-question",
        choices=POLICIES,
        help="when the agent asks a question: fail (cancel the turn, exit 4), first (answer with the first "
        "option) or skip (cancel the turn, exit 0). Default: ask on the terminal when stdin and stderr are "
        "one, else fail",
    )


def read_message(given: str | None, stdin: TextIO) -> str:
    """The message: the argument, else stdin (for `-`, or when stdin is not a terminal). Raises
    `UsageProblem` when there is none or it is empty."""
    if given is None and stdin.isatty():
        raise UsageProblem("no message: give one as an argument, or `-` to read it from stdin.")
    if given is None or given == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        # A script may pipe anything: undecodable bytes become U+FFFD rather than an exception.
        given = data.decode("utf-8", errors="replace")
    if not given.strip():
        raise UsageProblem("the message is empty; nothing was sent.")
    return given


def _wanted(store: Store, args: argparse.Namespace) -> SessionRecord | None:
    """The stored session to continue, if asked for. Raises `UsageProblem`."""
    backend = getattr(args, "backend", None)
    if args.session is not None:
        try:
            return resolve(store, args.session)
        except NoSuchSession as error:
            raise UsageProblem(str(error)) from None
    if not args.continue_last:
        return None
    records = [r for r in store.sessions() if backend is None or r.backend == backend]
    if not records:
        raise UsageProblem("--continue: there is no stored session" + (f" of {backend}." if backend else "."))
    return max(records, key=lambda r: r.last_activity)


def _backend_for(record: SessionRecord | None, args: argparse.Namespace, loaded: LoadedSettings, stored: KeyLookup) -> str:
    requested = getattr(args, "backend", None)
    if record is not None and requested is not None and requested != record.backend:
        raise UsageProblem(f"session {record.id[:12]} is a {record.backend} session, not {requested}.")
    return choose_backend(requested or (record.backend if record else None), configured=loaded.settings.backend, stored=stored)


def run_ask(
    args: argparse.Namespace,
    loaded: LoadedSettings,
    stored: KeyLookup,
    retry: RetryPolicy,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    is_tty: Callable[[TextIO], bool] = lambda stream: stream.isatty(),
) -> int:
    """`tui-app ask` from its parsed arguments; the exit status. `StoreUnavailable`,
    `ConfigError` and `BackendError` are the caller's to report."""
    # Imported here: `tui-app` without a command parses these arguments too, and paints sooner
    # without the rest of `ask` (issue 16).
    from tui_app.cli.ask_session import EXIT_BROKEN_PIPE, AskOptions, CannotContinue, ask

    try:
        text = read_message(args.text, stdin)
        # Read (and refused) before anything is opened or sent.
        files = read_attachments(getattr(args, "files", []), loaded.settings.max_attachment_kib * 1024)
    except (UsageProblem, AttachmentRefused) as problem:
        err.write(f"tui-app ask: {problem}\n")
        return EXIT_USAGE
    policy = choose_policy(args.on_question, is_tty(stdin), is_tty(err))
    directory = data_dir(getattr(args, "data_dir", None))
    store = open_store(directory)
    try:
        try:
            record = _wanted(store, args)
            backend = _backend_for(record, args, loaded, stored)
        except UsageProblem as problem:
            err.write(f"tui-app ask: {problem}\n")
            return EXIT_USAGE
        options = AskOptions(
            text,
            model=getattr(args, "model", None) or loaded.settings.model,
            continue_id=record.id if record else None,
            keep=args.keep,
            json=args.json,
            policy=policy,
            files=files,
        )
        speed = getattr(args, "speed", 40.0)
        with connect(backend, getattr(args, "base_url", None), speed, directory, stored=stored, retry=retry) as connection:
            try:
                answers = stdin if policy == "terminal" else None
                status = asyncio.run(ask(connection, options, out, err, answers, store, loaded.settings))
            except CannotContinue as problem:
                err.write(f"tui-app ask: {problem}\n")
                return 1
    finally:
        store.close()
    if status == EXIT_BROKEN_PIPE:
        _quiet(out)
    return status


def _quiet(out: TextIO) -> None:
    """Point `out` at /dev/null, so the flush at exit does not fail on the closed pipe again (the
    recipe of Python's `signal` documentation)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    except (OSError, ValueError):
        pass  # not a file descriptor (a test's StringIO): nothing will flush into a closed pipe
