"""`tui-app web`: the same app in a browser, served by textual-serve on 127.0.0.1 only.

textual-serve runs one shell command per browser connection and relays the app's screen to
xterm.js in the page over a websocket. The command is this app's own `python -m tui_app run`
with the options `web` was given, so a browser tab is exactly the terminal app.
"""

from __future__ import annotations

import argparse
import errno
import shlex
import sys
from pathlib import Path

from tui_app.backends import registry
from tui_app.settings.backend_choice import choose_backend, data_dir, remote_settings
from tui_app.persistence.store_access import open_store

# Loopback only: the page drives the app with the user's keys and store, so it must never be
# reachable from another machine; on this one, the launch's token keeps others out (web_access.py).
WEB_HOST = "127.0.0.1"
WEB_PORT = 2729  # beside `tui-app serve`'s 2728


def add_web_arguments(web: argparse.ArgumentParser) -> None:
    web.add_argument("--port", type=int, default=WEB_PORT, help="port on 127.0.0.1 (default: %(default)s)")
    web.epilog = (
        "Every browser tab runs its own copy of the app with these options, on the same store. "
        "Keys come from the environment, as for the terminal app, and never appear in the page's command. "
        "Open the address printed: it carries a token made for this launch, which the page and its "
        "connection need (kept in a cookie after the first load)."
    )


def app_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each browser connection."""
    argv = [sys.executable, "-m", "tui_app", "run"]
    for flag, value in (("--backend", args.backend), ("--base-url", args.base_url), ("--model", args.model)):
        if value is not None:
            argv += [flag, value]
    if args.data_dir is not None:
        # textual-serve starts the app in our working directory, but an absolute path keeps
        # the command right whatever it is printed or copied next to.
        argv += ["--data-dir", str(Path(args.data_dir).expanduser().resolve())]
    argv += ["--speed", repr(args.speed)]
    # textual-serve hands the command to a shell: quote every argument (paths may have spaces).
    return shlex.join(argv)


def check_startable(args: argparse.Namespace) -> None:
    """Fail here, in the terminal, on what would otherwise only kill the app in the browser tab
    with its message lost: a missing key, a store that cannot be opened."""
    backend = choose_backend(args.backend)
    if not registry.spec(backend).embedded:
        remote_settings(backend, args.base_url)
    open_store(data_dir(args.data_dir)).close()


def web(args: argparse.Namespace) -> int:
    check_startable(args)
    from tui_app.cli.web_server import TuiAppServer

    try:
        TuiAppServer(app_command(args), host=WEB_HOST, port=args.port).serve()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"tui-app: port {args.port} on {WEB_HOST} is in use; choose another with --port N", file=sys.stderr)
        else:
            print(f"tui-app: cannot serve on {WEB_HOST}:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0
