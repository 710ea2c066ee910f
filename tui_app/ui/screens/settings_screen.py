"""The common settings in a form: apply them to this run, or also save them to config.toml
(which the app asks before writing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Button, Input, Label, Select, Static, Switch

from tui_app.backends import registry
from tui_app.settings.user_settings import Settings, problems_of, validated

AUTO = "auto"
ON_LIMIT_CHOICES = [
    ("warn: the next send asks first", "warn"),
    ("stop: also cancel the running turn", "stop"),
]


@dataclass(frozen=True, slots=True)
class SettingsChoice:
    settings: Settings
    changes: dict[str, Any]
    """The form's fields as config.toml keys (`None` for a field left empty)."""
    save: bool


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _number(value: str, name: str, kind: type[int] | type[float] = float) -> float | int | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not {'a whole number' if kind is int else 'a number'}") from None


class SettingsScreen(Dialog[SettingsChoice | None]):
    CSS_PATH = "settings_screen.tcss"
    BINDINGS = [
        Binding("escape", "close", "Cancel", id="settings-cancel"),
        Binding("ctrl+s", "apply(True)", "Save", id="settings-save"),
    ]

    def __init__(self, settings: Settings, themes: list[str], config_file: str) -> None:
        super().__init__()
        self.settings = settings
        self.themes = themes
        self.config_file = config_file

    def compose(self) -> ComposeResult:
        s = self.settings
        with Vertical(id="settings-box") as box:
            box.border_title = "Settings"
            with VerticalScroll(id="settings-fields"):
                yield Label("Backend at start")
                yield Select(
                    [("chosen from the keys found", AUTO), *((name, name) for name in registry.names())],
                    value=s.backend or AUTO,
                    allow_blank=False,
                    id="backend",
                )
                yield Label("Model for new sessions")
                yield Input(_text(s.model), placeholder="the service's default", id="model")
                yield Label("Idle timeout, seconds (Case.dev snapshots an idle session after it)")
                yield Input(_text(s.idle_timeout_s), placeholder="the service's default (900)", id="idle", type="integer")
                yield Label("Budget per session, $")
                yield Input(_text(s.budget.session_usd), placeholder="none", id="session-usd", type="number")
                yield Label("Budget across all sessions, $")
                yield Input(_text(s.budget.overall_usd), placeholder="none", id="overall-usd", type="number")
                yield Label("Warn at this share of a budget")
                yield Input(_text(s.budget.warn_ratio), id="warn-ratio", type="number")
                yield Label("At a budget's limit")
                yield Select(ON_LIMIT_CHOICES, value=s.budget.on_limit, allow_blank=False, id="on-limit")
                yield Label("Theme")
                themes = sorted(set(self.themes) | {s.theme})
                yield Select([(name, name) for name in themes], value=s.theme, allow_blank=False, id="theme")
                yield Label("Transcript frames per second while streaming")
                yield Input(_text(s.frame_rate), id="frame-rate", type="integer")
                yield Label("Largest file a message may attach, KiB")
                yield Input(_text(s.max_attachment_kib), id="attachment-kib", type="integer")
                with Horizontal(classes="switch-row"):
                    yield Switch(s.notifications, id="notifications")
                    yield Label("Notify when a background session asks")
                with Horizontal(classes="switch-row"):
                    yield Switch(s.bell, id="bell")
                    yield Label("Ring the bell when a background session asks")
                yield Static(
                    f"Keys: {len(s.keys)} remapped. Edit [b]\\[keys][/b] in {escape(self.config_file)}; F1 lists the ids.",
                    id="settings-keys",
                )
            yield Static(id="settings-problems")
            with Horizontal(id="settings-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Save to config.toml  ^s", id="save")
                yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#backend", Select).focus()

    def form_changes(self) -> dict[str, Any]:
        def value(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", Input).value.strip()

        backend = self.query_one("#backend", Select).value
        frame_rate = _number(value("frame-rate"), "frame_rate", int)
        warn_ratio = _number(value("warn-ratio"), "budget.warn_ratio")
        attachment_kib = _number(value("attachment-kib"), "max_attachment_kib", int)
        return {
            "backend": None if backend == AUTO else backend,
            "model": value("model") or None,
            "idle_timeout_s": _number(value("idle"), "idle_timeout_s", int),
            "theme": self.query_one("#theme", Select).value,
            "frame_rate": 30 if frame_rate is None else frame_rate,
            "notifications": self.query_one("#notifications", Switch).value,
            "bell": self.query_one("#bell", Switch).value,
            "max_attachment_kib": 128 if attachment_kib is None else attachment_kib,
            "budget": {
                "session_usd": _number(value("session-usd"), "budget.session_usd"),
                "overall_usd": _number(value("overall-usd"), "budget.overall_usd"),
                "warn_ratio": 0.8 if warn_ratio is None else warn_ratio,
                "on_limit": self.query_one("#on-limit", Select).value,
            },
        }

    def action_apply(self, save: bool = False) -> None:
        problems = self.query_one("#settings-problems", Static)
        try:
            changes = self.form_changes()
            settings = validated({**asdict(self.settings), **changes})
        except ValueError as error:
            lines = problems_of(error) if isinstance(error, ValidationError) else [str(error)]
            problems.update("\n".join(escape(line) for line in lines))
            problems.display = True
            return
        self.dismiss(SettingsChoice(settings, changes, save))

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        self.action_apply(False)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_apply(True)

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)
