"""The App's key bindings, each with an id so `[keys]` in config.toml can remap it."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui_app.ui.widgets.composer import ESC_DIGIT_KEYS


APP_BINDINGS: list[BindingType] = [
    Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    # Footer words are short so the main keys fit in 80 columns; the tooltip is the full name
    # the help screen and the palette use.
    Binding("escape", "cancel_turn", "Cancel", tooltip="Cancel turn", id="cancel"),
    Binding("ctrl+n", "new_session", "New", tooltip="New session", id="new-session"),
    Binding("ctrl+o", "answer_question", "Answer", tooltip="Answer question", id="answer-question"),
    Binding("ctrl+t", "end_session", "End", tooltip="End session", id="end-session"),
    Binding("ctrl+l", "audit_log", "Audit", tooltip="Audit log", id="audit-log"),
    Binding("f1", "help", "Keys", id="help"),
    # After F1: at 80 columns the footer may have no room left for it (F1 lists it).
    Binding("ctrl+b", "toggle_side", "Sessions", tooltip="Hide or show the sessions column", id="toggle-side"),
    Binding("ctrl+end", "jump_to_end", "Jump to the end", show=False, id="jump-to-bottom"),
    Binding("f2", "settings", "Settings", show=False, id="settings"),
    Binding("f3", "notice_history", "Notifications", show=False, tooltip="Notification history", id="notice-history"),
    Binding("ctrl+f", "search", "Search", show=False, tooltip="Search every session", id="search"),
    Binding("f10", "usage_report", "Usage report", show=False, tooltip="Usage report by day", id="usage-report"),
    # Priority: Textual's text areas (the composer) take F6 and F7 for selecting otherwise.
    Binding("f7", "cockpit", "Cockpit", show=False, priority=True, tooltip="Cockpit: every session's cost, live", id="cockpit"),
    Binding("f6", "inbox", "Questions", show=False, priority=True, tooltip="Inbox of questions waiting in every session", id="inbox"),
    Binding("f9", "export", "Export", show=False, tooltip="Export the session", id="export"),
    Binding("f12", "files", "Files", show=False, tooltip="Files of the session", id="files"),
    Binding("ctrl+r", "rename_session", "Rename session", show=False, id="rename-session"),
    Binding("f8", "delete_history", "Delete local history", show=False, id="delete-history"),
    Binding("ctrl+pagedown", "next_session(1)", "Next session", show=False, id="next-session"),
    Binding("ctrl+pageup", "next_session(-1)", "Previous session", show=False, id="previous-session"),
    Binding("ctrl+g", "go_to", "Go to session", show=False, tooltip="Go to session (then 1-9)", id="go-to"),
    *(
        Binding(f"alt+{n}", f"switch_number({n})", f"Session {n}", show=False, id=f"session-{n}")
        for n in range(1, 10)
    ),
    # Alt+digit as tmux and xterm send it (ESC, then the digit) reaches Textual as a glyph ("¡"
    # for ESC 1): the same switch wherever the focus is (the composer hands it on as
    # `Composer.SessionKey`). No id: it is Alt+digit, which F1 lists and `[keys]` remaps.
    *(Binding(key, f"switch_number({n})", show=False) for key, n in ESC_DIGIT_KEYS.items()),
]
