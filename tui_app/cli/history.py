"""`tui-app sessions`, `sessions rm`, `search` and `export`: the local history, from the command line.

They read the app's store directly (SQLite in WAL mode, so a running app is no obstacle) and never
create one: on a machine where the app never ran they say so and exit.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from tui_app.workspace import export
from tui_app.settings.backend_choice import data_dir
from tui_app.core.cost import format_cost, summarize, with_stored_session
from tui_app.core.money import format_money
from tui_app.core.usage_ledger import MoneyUnit, UsageLedger
from tui_app.core.sanitize import strip_control
from tui_app.persistence.store import MATCH_END, MATCH_START, SessionRecord, Store, StoreError
from tui_app.persistence.store_access import STORE_FILE, StoreUnavailable, open_store, unavailable


WRITE_PIECE = 2**16


class NoSuchSession(LookupError):
    """SESSION matched nothing, or more than one; the message lists what it could mean."""


def _data_dir_option() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    parent.add_argument("--data-dir", metavar="DIR", help="where sessions are kept (default: $TUI_APP_DATA_DIR or the user data directory)")
    return parent


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    shared = _data_dir_option()
    sessions = commands.add_parser(
        "sessions",
        parents=[shared],
        help="list the sessions kept here; `sessions rm ID` deletes one",
        description="With no action: every session kept here, most recent first, with its backend, state, "
        "last activity and cost.",
    )
    actions = sessions.add_subparsers(dest="sessions_action", metavar="[rm SESSION]", title="actions")
    rm = actions.add_parser("rm", parents=[shared], help="delete a session's local history (asks first)")
    rm.add_argument("session", metavar="SESSION", help="an id, a unique prefix of one, or a title (or its start)")
    rm.add_argument("--yes", "-y", action="store_true", help="do not ask (needed when not at a terminal)")
    search = commands.add_parser("search", parents=[shared], help="search every session's messages")
    search.add_argument("words", nargs="+", help="words to find (all of them, quoted or not); a trailing * matches a prefix")
    search.add_argument("--limit", type=int, default=50, help="at most this many results (default: 50)")
    exporting = commands.add_parser("export", parents=[shared], help="write a session as Markdown or JSON")
    exporting.add_argument("session", metavar="SESSION", help="an id, a unique prefix of one, or a title (or its start)")
    exporting.add_argument("--format", choices=("md", "json"), default="md", help="md (readable, the default) or json (everything)")
    exporting.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def _open(args: argparse.Namespace) -> Store | None:
    directory = data_dir(getattr(args, "data_dir", None))
    if not (directory / STORE_FILE).exists():
        print(f"No sessions yet: there is no store at {directory / STORE_FILE}.", file=sys.stderr)
        return None
    return open_store(directory)


def run(args: argparse.Namespace) -> int:
    try:
        store = _open(args)
        if store is None:
            return 0 if args.command in ("sessions", "search") and not getattr(args, "sessions_action", None) else 1
        with store:
            return _command(store, args)
    except (sqlite3.DatabaseError, StoreError) as error:
        # A read that reaches a page damaged (or locked) since the check on opening.
        print(f"tui-app: {unavailable(data_dir(getattr(args, 'data_dir', None)), error)}", file=sys.stderr)
        return 3
    except StoreUnavailable as error:
        print(f"tui-app: {error}", file=sys.stderr)
        return 3


def _command(store: Store, args: argparse.Namespace) -> int:
    try:
        if args.command == "search":
            return search(store, " ".join(args.words), args.limit)
        if args.command == "export":
            return export_session(store, resolve(store, args.session), args.format, args.output)
        if args.sessions_action == "rm":
            return remove(store, resolve(store, args.session), args.yes)
        return list_sessions(store)
    except NoSuchSession as error:
        print(f"tui-app: {error}", file=sys.stderr)
        return 1


def resolve(store: Store, wanted: str) -> SessionRecord:
    """The session `wanted` names: its id, a unique prefix of its id, its title, or the start of
    its title (in any case), tried in that order."""
    records = store.sessions()
    folded = wanted.casefold()
    for matches in (
        [r for r in records if r.id == wanted],
        [r for r in records if r.id.startswith(wanted)],
        [r for r in records if r.title == wanted],
        [r for r in records if r.title.casefold() == folded],
        [r for r in records if r.title.casefold().startswith(folded)],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = "; ".join(f"{r.id[:12]} {_title(r)!r}" for r in matches[:10])
            raise NoSuchSession(f"{wanted!r} could mean {len(matches)} sessions ({names}): give more of the id.")
    raise NoSuchSession(f"no session matches {wanted!r}; `tui-app sessions` lists them.")


def _title(record: SessionRecord) -> str:
    return strip_control(record.title).replace("\n", " ")


def _cost(store: Store, record: SessionRecord) -> str:
    """The session's cost by the one cost model, as the app shows it: `unknown`, or a floor, when
    a turn ended without a price. Read from the store's projections, not by replaying events."""
    if record.final_cost is not None:
        return format_money(record.final_cost, record.money_unit)
    unit: MoneyUnit = "credits" if record.money_unit == "credits" else "micros"
    restored = store.load_transcript(record.id)
    ledger = with_stored_session(
        UsageLedger(), record.id, restored.transcript.turns, restored.ledger_entries, restored.llm_costs, unit
    )
    cost = summarize(ledger).session(record.id, unit).cost
    return "—" if cost.entries == 0 and not cost.unknown else format_cost(cost)


def list_sessions(store: Store) -> int:
    records = sorted(store.sessions(), key=lambda r: r.last_activity, reverse=True)
    if not records:
        print("No sessions yet.")
        return 0
    rows = [("ID", "TITLE", "BACKEND", "STATE", "LAST ACTIVITY", "COST")]
    for r in records:
        rows.append((r.id[:12], _title(r)[:40], r.backend, r.state, export.format_time(r.last_activity), _cost(store, r)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def remove(store: Store, record: SessionRecord, yes: bool) -> int:
    what = f"session {record.id[:12]} {_title(record)!r} ({len(store.messages(record.id))} messages)"
    if not yes:
        if not sys.stdin.isatty():
            print(f"tui-app: not deleting {what} without a terminal to confirm on; add --yes.", file=sys.stderr)
            return 2
        try:
            answer = input(f"Delete the local history of {what}? This cannot be undone. [y/N] ")
        except EOFError:  # Ctrl+D: no answer is no
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    store.delete_session(record.id)
    print(f"Deleted {what}.")
    return 0


def highlight(snippet: str, tty: bool) -> str:
    """A search snippet for a terminal: matches in bold on a tty, between ** otherwise."""
    start, end = ("\x1b[1m", "\x1b[0m") if tty else ("**", "**")
    # Strip the agent's control characters piece by piece: the markers are control characters too.
    pieces = snippet.replace(MATCH_END, MATCH_START).split(MATCH_START)
    cleaned = [strip_control(piece).replace("\n", " ") for piece in pieces]
    return "".join(piece if i % 2 == 0 else f"{start}{piece}{end}" for i, piece in enumerate(cleaned))


def search(store: Store, words: str, limit: int) -> int:
    hits = store.search(words, limit=limit)
    if not hits:
        print(f"Nothing found for {words!r}.")
        return 1
    titles = {r.id: _title(r) for r in store.sessions()}
    times: dict[str, dict[str, float | None]] = {}
    tty = sys.stdout.isatty()
    for hit in hits:
        when = times.setdefault(hit.session_id, store.message_times(hit.session_id)).get(hit.message_id)
        role = "you" if hit.role == "user" else "agent"
        print(f"{hit.session_id[:12]}  {titles.get(hit.session_id, '?')}  {export.format_time(when)}  {role}")
        print(f"    {highlight(hit.snippet, tty)}")
    return 0


def export_session(store: Store, record: SessionRecord, format: str, output: str | None) -> int:
    text = export.render(export.load(store, record.id), format)
    if output is None:
        # In pieces: a reader that leaves early (`| head`) is then found at the next piece
        # (BrokenPipeError, see cli/pipes.py); one write of it all was seen to end "written"
        # into a pipe nobody read any more.
        for start in range(0, len(text), WRITE_PIECE):
            sys.stdout.write(text[start : start + WRITE_PIECE])
        return 0
    Path(output).write_text(text, encoding="utf-8")
    print(f"Wrote {record.id[:12]} {_title(record)!r} as {format} to {output}.", file=sys.stderr)
    return 0
