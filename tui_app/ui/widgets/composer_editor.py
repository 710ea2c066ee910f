"""Compose in the user's editor, as git and Claude Code do: the draft goes to a temporary file,
$VISUAL (or $EDITOR, or vi) edits it, and what it saved comes back.

Runs the editor in the foreground of this terminal: the caller suspends the app around it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class EditorResult:
    text: str | None
    """What the editor saved; None when it failed (the draft is then left as it was)."""
    error: str | None = None


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """$VISUAL, else $EDITOR, else vi; either may carry arguments ("code --wait")."""
    chosen = (environ.get("VISUAL") or environ.get("EDITOR") or "").strip() or "vi"
    return shlex.split(chosen)


def run_editor(text: str, environ: Mapping[str, str] | None = None) -> EditorResult:
    environ = os.environ if environ is None else environ
    command = editor_command(environ)
    # .md: editors colour a message as Markdown, which is how the agent reads it.
    handle, name = tempfile.mkstemp(prefix="tui-app-message-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="surrogatepass") as file:
            file.write(text)
        try:
            finished = subprocess.run([*command, str(path)], check=False, env=dict(environ))
        except OSError as error:
            return EditorResult(None, f"Could not run the editor {command[0]!r}: {error.strerror or error}. Set $EDITOR.")
        if finished.returncode != 0:
            return EditorResult(None, f"The editor {command[0]!r} exited with status {finished.returncode}: the draft is unchanged.")
        edited = path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
    # Editors end a file with a newline the user never typed as part of the message.
    return EditorResult(edited[:-1] if edited.endswith("\n") else edited)
