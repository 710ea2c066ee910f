"""The command palette lists every action of the app by the name the footer and help use, and a
switch to each other session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType

from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


def app_commands(
    app: App[None],
    bindings: Iterable[BindingType],
    keys: Mapping[str, str],
    workspace: Workspace,
    switch: Callable[[SessionController], Awaitable[None]],
) -> Iterable[SystemCommand]:
    for binding in bindings:
        if not isinstance(binding, Binding) or binding.id in (None, "quit") or "(" in binding.action:
            continue
        if app.check_action(binding.action, ()) is False:
            continue
        key = keys.get(binding.id, binding.key) if binding.id else binding.key
        title = binding.tooltip or binding.description
        yield SystemCommand(title, f"{key} · {binding.id}", getattr(app, f"action_{binding.action}"))
    yield SystemCommand("Next session", "ctrl+pagedown", lambda: app.run_action("next_session(1)"))
    yield SystemCommand("Previous session", "ctrl+pageup", lambda: app.run_action("next_session(-1)"))
    for number, session in enumerate(workspace.order, start=1):
        if session is not workspace.current:
            yield SystemCommand(f"Switch to {session.title}", f"alt+{number} · ctrl+g {number}" if number < 10 else "", _switcher(workspace, session, switch))


def _switcher(
    workspace: Workspace, session: SessionController, switch: Callable[[SessionController], Awaitable[None]]
) -> Callable[[], Awaitable[None]]:
    async def go() -> None:
        if session.id in workspace.sessions:
            await switch(session)

    return go
