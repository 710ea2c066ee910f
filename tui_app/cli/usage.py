"""`tui-app usage`: spending by day, session, model or backend, as a table, CSV or JSON.

CSV and JSON carry exact integers (micro-dollars, or credits for Stewrd; the `unit` column says
which); the table formats them. A group with turns that have no price says so: its cost is
`unknown` or a floor (`≥ $0.0012`), never a $0 that stands for "not known".
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import sys
from datetime import date

from tui_app.persistence.store import StoreError
from tui_app.persistence.store_access import STORE_FILE, StoreUnavailable, open_store, unavailable
from tui_app.settings.backend_choice import data_dir
from tui_app.workspace.usage_report import GROUPINGS, UsageReport, UsageRow, build_report, usage_report

FORMATS = ("table", "csv", "json")
CSV_COLUMNS = ("group", "label", "unit", "cost", "known_cost", "turns", "unpriced_turns", "sessions")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    usage = commands.add_parser(
        "usage",
        help="what was spent, by day, session, model or backend",
        description="Spending of every session kept here (the app's and `tui-app ask`'s), from the usage "
        "ledger. Dollars and Stewrd credits are kept apart; turns without a price are counted apart, "
        "never as $0. CSV and JSON give exact integers: micro-dollars (unit `micros`) or credits.",
    )
    usage.add_argument("--by", choices=GROUPINGS, default="day", help="how to group (default: day)")
    usage.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="from this day on (included)")
    usage.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="up to this day (included)")
    usage.add_argument("--format", choices=FORMATS, default="table", help="table (the default), csv or json")
    usage.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where sessions are kept (default: $TUI_APP_DATA_DIR or the user data directory)",
    )
    return usage


def run(args: argparse.Namespace) -> int:
    if args.since is not None and args.until is not None and args.since > args.until:
        print(f"tui-app: --since {args.since} is after --until {args.until}", file=sys.stderr)
        return 2
    directory = data_dir(getattr(args, "data_dir", None))
    try:
        if (directory / STORE_FILE).exists():
            with open_store(directory) as store:
                report = usage_report(store, args.by, args.since, args.until)
        else:
            report = build_report((), args.by, args.since, args.until)
    except (sqlite3.DatabaseError, StoreError) as error:
        print(f"tui-app: {unavailable(directory, error)}", file=sys.stderr)
        return 3
    except StoreUnavailable as error:
        print(f"tui-app: {error}", file=sys.stderr)
        return 3
    sys.stdout.write(render(report, args.format))
    return 0


def render(report: UsageReport, format: str) -> str:
    if format == "json":
        return to_json(report)
    if format == "csv":
        return to_csv(report)
    return to_table(report)


def _row_data(row: UsageRow) -> dict[str, object]:
    return {
        "group": row.key,
        "label": row.label,
        "unit": row.unit,
        "cost": row.exact,
        "known_cost": row.known,
        "turns": row.turns,
        "unpriced_turns": row.unknown_turns,
        "sessions": row.sessions,
    }


def to_json(report: UsageReport) -> str:
    data = {
        "by": report.by,
        "since": report.since.isoformat() if report.since else None,
        "until": report.until.isoformat() if report.until else None,
        "rows": [_row_data(row) for row in report.rows],
        "totals": [_row_data(row) for row in report.totals],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csv(report: UsageReport) -> str:
    """One line per group and unit; `cost` is empty when part of it has no price."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        data = _row_data(row)
        writer.writerow(["" if data[column] is None else data[column] for column in CSV_COLUMNS])
    return out.getvalue()


def to_table(report: UsageReport) -> str:
    if not report.rows:
        return "No spending recorded" + _span(report) + ".\n"
    header = (report.by.capitalize(), "Cost", "Turns", "Unpriced", "Sessions")
    lines = [_cells(row, f"{row.label} ({row.key[:8]})" if report.by == "session" else row.label) for row in report.rows]
    lines += [_cells(total, "Total" + (" (credits)" if total.unit == "credits" else "")) for total in report.totals]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def text(cells: tuple[str, ...]) -> str:
        first, *numbers = cells
        return "  ".join([first.ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(numbers, widths[1:], strict=True))])

    rule = "  ".join("─" * width for width in widths)
    body = [text(line) for line in lines[: len(report.rows)]]
    out = [text(header), rule, *body, rule, *(text(line) for line in lines[len(report.rows) :])]
    unpriced = sum(total.unknown_turns for total in report.totals)
    if unpriced:
        out.append(f"{unpriced} turn{'s' if unpriced != 1 else ''} had no price: counted apart, not as $0.")
    return "\n".join(line.rstrip() for line in out) + "\n"


def _cells(row: UsageRow, label: str) -> tuple[str, ...]:
    return (label, row.cost_text, str(row.turns), str(row.unknown_turns or ""), str(row.sessions))


def _span(report: UsageReport) -> str:
    if report.since and report.until:
        return f" from {report.since} to {report.until}"
    if report.since:
        return f" since {report.since}"
    if report.until:
        return f" until {report.until}"
    return ""
