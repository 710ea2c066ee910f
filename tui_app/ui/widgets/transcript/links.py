"""A click on a link in a reply: which web address it was.

Rich's Markdown keeps a link's address in the style of its text (`Style.link`); the click's
style is that of the cell under the pointer, so no position has to be mapped back to the source.
The address came from the network: only a web address is taken (`workspace/link_opening.py`);
the app shows it and opens it only once the user says yes (`ui/flows/transcript_clicks.py`).
"""

from __future__ import annotations

from textual import events

from tui_app.workspace.link_opening import is_web_link


def clicked_link(event: events.Click) -> str | None:
    """The web address under a click, if any."""
    url = event.style.link
    return url if url and is_web_link(url) else None
