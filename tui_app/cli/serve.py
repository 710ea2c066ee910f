"""`tui-app serve`: the embedded server in the foreground, with every knob as a flag."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from tui_app.server.options import ServerOptions

LOCAL_SERVE_PORT = 2728  # the casedev SDK's `local` environment points here
FAULT_STATUSES = (429, 500, 502, 503)


def _statuses(text: str) -> list[int]:
    """`429,503` or `500x3`: the statuses the next calls get, in order."""
    statuses: list[int] = []
    for item in filter(None, (piece.strip() for piece in text.split(","))):
        code, _, times = item.partition("x")
        try:
            status, count = int(code), int(times or 1)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{item!r} is not STATUS or STATUSxCOUNT") from None
        if status not in FAULT_STATUSES:
            raise argparse.ArgumentTypeError(f"{status} is not one of {', '.join(map(str, FAULT_STATUSES))}")
        statuses += [status] * count
    return statuses


def _expiry(text: str) -> float | None:
    """Seconds, or `never`."""
    if text.strip().lower() == "never":
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds or 'never'") from None
    if seconds < 0:
        raise argparse.ArgumentTypeError("an expiry cannot be negative")
    return seconds


def _window(text: str) -> int:
    """A positive number of events."""
    try:
        events = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of events") from None
    if events < 1:
        raise argparse.ArgumentTypeError("the replay window keeps at least 1 event")
    return events


def add_serve_arguments(serve: argparse.ArgumentParser) -> None:
    defaults = ServerOptions()
    serve.add_argument("--port", type=int, default=LOCAL_SERVE_PORT, help="port on 127.0.0.1 (default: %(default)s)")
    serve.add_argument(
        "--speed", type=float, default=argparse.SUPPRESS, metavar="TOKENS_PER_S",
        help="demo agent pace in tokens per second, 0 for as fast as possible (default: 40)",
    )
    serve.add_argument(
        "--resume-delay", type=float, default=defaults.resume_delay, metavar="SECONDS",
        help="how long a snapshotted chat takes to restore (default: %(default)s)",
    )
    serve.add_argument(
        "--idle-scale", type=float, default=defaults.idle_scale, metavar="FACTOR",
        help="multiplies idle timeouts: Case.dev snapshots, Stewrd's 30 min expiry (default: %(default)s)",
    )
    serve.add_argument(
        "--heartbeat", type=float, default=defaults.heartbeat_seconds, metavar="SECONDS",
        help="keepalive interval on SSE streams (default: %(default)s)",
    )
    serve.add_argument(
        "--request-timeout", type=float, default=defaults.request_timeout_seconds, metavar="SECONDS",
        help="close a connection whose request head takes longer, answer 408 to a body that does (default: %(default)s)",
    )
    serve.add_argument(
        "--chat-expiry", type=_expiry, default=defaults.chat_expiry_seconds, metavar="SECONDS",
        help="a chat idle this long leaves memory: kept in --store if given, else gone; 'never' keeps all (default: %(default)s)",
    )
    serve.add_argument(
        "--replay-window", type=_window, default=None, metavar="N",
        help="keep only each chat's last N events for a resuming client to replay, as a real "
        "service's buffer would; one that resumes from further back sees a gap (default: 10000)",
    )
    faults = serve.add_argument_group("fault knobs")
    faults.add_argument(
        "--drop-stream-after", type=int, default=None, metavar="N",
        help="close every SSE stream after N events, as a dropped connection",
    )
    faults.add_argument(
        "--fail-next", type=_statuses, default=[], metavar="STATUSES",
        help="answer the next calls with these statuses, e.g. 429,503 or 500x3 (429, 500, 502, 503)",
    )
    serve.add_argument(
        "--store",
        metavar="FILE",
        help="keep the Case.dev chats in this SQLite file, so they outlive the server (default: in memory)",
    )
    faults.add_argument("--seed", type=int, default=defaults.seed, help="seed for ids, for repeatable runs (default: 0)")
    keys = serve.add_argument_group("keys and limits")
    keys.add_argument(
        "--read-only-key-env", default="TUI_APP_READ_ONLY_KEY", metavar="VAR",
        help="environment variable holding an extra key with agent:read only (default: %(default)s)",
    )
    keys.add_argument(
        "--stewrd-free-key-env", default="TUI_APP_STEWRD_FREE_KEY", metavar="VAR",
        help="environment variable holding a Stewrd key on the free plan, refused with 403 (default: %(default)s)",
    )
    keys.add_argument("--stewrd-credits", type=int, default=defaults.stewrd_credits, help="credits per Stewrd key (default: %(default)s)")
    keys.add_argument(
        "--stewrd-max-sessions", type=int, default=defaults.stewrd_max_active_sessions,
        help="active Stewrd sessions per key before 429 (default: %(default)s)",
    )
    keys.add_argument(
        "--stewrd-history-cap", type=int, default=defaults.stewrd_history_cap,
        help="messages of history a Stewrd session keeps (default: %(default)s)",
    )
    serve.epilog = (
        "The server's own key comes from TUI_APP_SERVER_KEY, or is made at random and printed. "
        "Keys are read from the environment, never from the command line, so they stay out of ps."
    )


def options_from(args: argparse.Namespace) -> ServerOptions:
    return ServerOptions(
        tokens_per_second=args.speed,
        resume_delay=args.resume_delay,
        idle_scale=args.idle_scale,
        heartbeat_seconds=args.heartbeat,
        drop_stream_after=args.drop_stream_after,
        fail_next=list(args.fail_next),
        seed=args.seed,
        read_only_key=os.environ.get(args.read_only_key_env) or None,
        stewrd_free_key=os.environ.get(args.stewrd_free_key_env) or None,
        stewrd_credits=args.stewrd_credits,
        stewrd_max_active_sessions=args.stewrd_max_sessions,
        stewrd_history_cap=args.stewrd_history_cap,
        request_timeout_seconds=args.request_timeout,
        chat_expiry_seconds=args.chat_expiry,
        replay_window=args.replay_window,
    )


def serve(args: argparse.Namespace) -> int:
    from tui_app.server.app import create_app
    from tui_app.server.chat_store import ChatStoreError
    from tui_app.server.runner import HOST, bind, new_local_key, serve_forever, url_of

    # The port and the store first: a failure is one line on stderr, with no banner before it.
    try:
        sock = bind(args.port)
    except OSError as error:
        reason = f"port {args.port} on {HOST} is in use" if error.errno == errno.EADDRINUSE else str(error.strerror or error)
        print(f"tui-app serve: cannot listen on {HOST}:{args.port}: {reason}; choose another with --port N", file=sys.stderr)
        return 2
    url = url_of(sock)
    key = os.environ.get("TUI_APP_SERVER_KEY") or new_local_key()
    try:
        app = create_app(key, url, options_from(args), Path(args.store).expanduser() if args.store else None)
    except ChatStoreError as error:
        sock.close()
        print(f"tui-app serve: {error}", file=sys.stderr)
        return 2
    print(f"tui-app local server on {url}  (Ctrl+C to stop)")
    print("Point a Case.dev or Stewrd client at it with:")
    # This is the key of this local server only, made for this run (or from TUI_APP_SERVER_KEY).
    print(f"  export CASEDEV_BASE_URL={url} CASEDEV_API_KEY={key}")
    print(f"  export STEWRD_BASE_URL={url} STEWRD_API_KEY={key}", flush=True)
    serve_forever(sock, app)
    return 0
