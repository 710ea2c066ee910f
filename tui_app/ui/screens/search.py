"""Search every session's messages (the store's FTS5 index) and jump to one.

The screen is a modal with an input and a list of results. Choosing a result dismisses it with
`(session_id, message_id)`; Escape dismisses it with None. Queries run in a thread worker, so
typing never waits on the disk; a result for a query the user has since changed is dropped.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui_app.core.sanitize import strip_control
from tui_app.workspace.export import format_time
from tui_app.workspace.search import MATCH_END, MATCH_START, FoundMessage, MessageSearch

SearchChoice = tuple[str, str]
"""(session_id, message_id) of the chosen message."""

SearchResult = FoundMessage


def snippet_text(snippet: str) -> Text:
    """The snippet with its matched words highlighted; the agent's control characters removed."""
    text = Text()
    pieces = snippet.replace(MATCH_END, MATCH_START).split(MATCH_START)
    for index, piece in enumerate(pieces):
        # The match markers are control characters too: strip the pieces, not the whole.
        text.append(strip_control(piece).replace("\n", " "), style="bold reverse" if index % 2 else "")
    return text


def result_prompt(result: SearchResult) -> Text:
    who = "you" if result.role == "user" else "agent"
    prompt = Text()  # no base style: it would carry over to every piece appended
    prompt.append(strip_control(result.title).replace("\n", " "), style="bold")
    prompt.append(f"  {who} · {format_time(result.time)}", style="dim")
    prompt.append("\n")
    prompt.append_text(snippet_text(result.snippet))
    return prompt


class SearchScreen(Dialog[SearchChoice | None]):
    """Type words; every session's messages containing all of them are listed, best first."""

    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="search-close"),
        Binding("down", "to_results", "Results", show=False, id="search-results"),
    ]
    LIMIT = 50

    def __init__(self, search: MessageSearch, query: str = "") -> None:
        super().__init__()
        self.search = search
        self.initial_query = query
        self.results: list[SearchResult] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog") as dialog:
            dialog.border_title = "Search every session"
            yield Input(self.initial_query, placeholder="words to find (all of them; word* for a prefix)", id="search-input")
            yield OptionList(id="search-results")
            yield Static("Type to search · Enter opens the result · Esc closes", id="search-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial_query:
            self._search(self.initial_query)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @work(exclusive=True, group="search", thread=True)
    def _search(self, query: str) -> None:
        results = self.search.find(query, limit=self.LIMIT)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, query, results)

    def _show(self, query: str, results: list[SearchResult]) -> None:
        inputs, lists = self.query(Input), self.query(OptionList)
        if not self.is_attached or not inputs or not lists:
            return  # dismissed (or the app closing) while the search ran
        if query != inputs.first().value:
            return  # the user typed on: a newer search is on its way
        self.results = results
        options = lists.first()
        options.clear_options()
        options.add_options([Option(result_prompt(result), id=str(index)) for index, result in enumerate(results)])
        if results:
            options.highlighted = 0
        status = self.query("#search-status").first(Static)
        if not query.strip():
            status.update("Type to search · Enter opens the result · Esc closes")
        elif results:
            count = f"{len(results)}+" if len(results) == self.LIMIT else str(len(results))
            status.update(f"{count} result{'s' if len(results) != 1 else ''} · ↓ to choose · Enter opens · Esc closes")
        else:
            status.update(f"Nothing found for “{escape(strip_control(query))}”")

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if self.results:
            self._choose(options.highlighted or 0)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        found = self.results[index]
        self.dismiss((found.session_id, found.message_id))

    def action_to_results(self) -> None:
        if self.results:
            self.query_one(OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)
