"""A key asked for after the app ended, when the keyring's child (a copy of the app made at the
start) was ended unasked: no key, and nothing read from anywhere else. Its pipe was closed when
it was ended, and the number of that pipe is the next file's the process opens: asked then, the
look-up read that file (a socket, the log) as if it were the child's answer. A real keyring and a
real child, in a fresh process, as `test_keyring_child.py` runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_keyring_child import environment, run_python

ASK_AFTER_CLOSE = (
    "import json, os\n"
    "from tui_app.settings.backend_choice import key_variables\n"
    "from tui_app.settings.keyring_child import KeyringChild\n"
    "child = KeyringChild(['casedev'], drop=key_variables(), limit=2.0, at_once=True)\n"
    "child.close()  # the app ended before it wanted a key\n"
    "other, writer = os.pipe()  # another file of the process, opened after\n"
    "os.write(writer, b'not the keyring')\n"
    "os.close(writer)\n"
    "try:\n"
    "    found, error = child.stored_key('casedev'), None\n"
    "except Exception as raised:\n"
    "    found, error = None, type(raised).__name__\n"
    "os.set_blocking(other, False)\n"
    "print(json.dumps([found, error, os.read(other, 100).decode()]))\n"
)


def test_a_key_asked_after_the_child_was_ended_unasked_is_none_and_reads_no_other_file(tmp_path: Path) -> None:
    env = environment(tmp_path, "test_backends.Hanging")
    done = run_python(env, ASK_AFTER_CLOSE)
    assert json.loads(done.stdout) == [None, None, "not the keyring"]
