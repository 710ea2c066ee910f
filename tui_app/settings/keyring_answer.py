"""The keyring child's side (`keyring_child.py` starts it): the key kept for each backend named
on the command line, as one JSON object on stdout, and nothing anywhere else.

    python -P -m tui_app.settings.keyring_answer NAME...   (prints {name: key or null})

Apart from the parent's side so that the child imports no more than it needs (it runs while the
app imports its first screen, on a machine that may have no core to spare).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence


def looked_up(names: Sequence[str]) -> dict[str, str | None]:
    """The key kept for each of `names`; None where there is none, no usable keyring, or the
    keyring failed in any way (as `stored_key` reads a KeyringError)."""
    from tui_app.settings.api_keys import stored_key

    found: dict[str, str | None] = {}
    for name in names:
        try:
            found[name] = stored_key(name)
        except Exception:  # noqa: BLE001 -- a keyring failing in its own way is no key
            found[name] = None
    return found


def main(names: Sequence[str]) -> int:
    sys.stdout.write(json.dumps(looked_up(names)))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
