"""A reader that goes away early (`tui-app sessions | head -1`) ends the command quietly."""

from __future__ import annotations

import os
import sys

PIPE_CLOSED_EXIT = 141
"""128 + SIGPIPE: what a shell reports for a writer whose reader left (`yes | head`)."""


def reader_gone() -> int:
    """After a `BrokenPipeError` on stdout: point stdout at /dev/null, so that Python's own
    flush at exit finds nowhere to fail and prints no second error, and return 141.
    (The recipe of Python's documentation, signal module, "Note on SIGPIPE".)"""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
    return PIPE_CLOSED_EXIT
