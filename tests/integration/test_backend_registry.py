"""Adding a backend is one adapter and one registry entry: with only an entry added (here a
Stewrd-speaking service called `echo`, reusing the Stewrd adapter as a new module would be used),
the command line, settings, `config show`, `login` and the connection all know it, and a turn
runs through it against the embedded server over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_app.backends import registry
from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.backends.errors import AuthFailed
from tui_app.backends.registry import BackendSpec
from tui_app.backends.stewrd import StewrdBackend
from tui_app.cli import config_command, login
from tui_app.cli.main import build_parser, other_remotes
from tui_app.core.events import TurnCompleted
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import choose_backend
from tui_app.settings.user_settings import load_settings, validated

ECHO = BackendSpec("echo", "Echo", StewrdBackend, env_prefix="ECHO", default_url="https://api.echo.invalid")


@pytest.fixture
def with_echo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "SPECS", (*registry.SPECS, ECHO))
    yield


def test_the_command_line_and_settings_offer_a_new_entry(with_echo: None, tmp_path: Path) -> None:
    args = build_parser().parse_args(["--backend", "echo", "ask", "hi"])
    assert args.backend == "echo"
    assert "$ECHO_BASE_URL or https://api.echo.invalid" in build_parser().format_help()
    assert build_parser().parse_args(["login", "echo", "--key-stdin"]).service == "echo"
    assert "echo" in login.keyed_names()
    assert validated({"backend": "echo"}).backend == "echo"
    assert choose_backend(None, env={"ECHO_API_KEY": "sk_echo"}) == "echo"
    shown = config_command.show(load_settings(tmp_path / "config.toml", env={}), {"ECHO_API_KEY": "sk_echo_" + "e" * 20})
    rows = {line.split()[0]: line for line in shown if line.startswith("echo.")}
    assert "environment variable ECHO_API_KEY" in rows["echo.api_key"] and "sk_echo" not in rows["echo.api_key"]
    assert "https://api.echo.invalid" in rows["echo.base_url"]


def test_new_sessions_may_choose_a_new_entry_whose_key_is_at_hand(with_echo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECHO_API_KEY", "sk_echo")
    monkeypatch.delenv("STEWRD_API_KEY", raising=False)
    monkeypatch.delenv("CASEDEV_API_KEY", raising=False)
    assert [c.backend for c in other_remotes("local", lambda name: None)] == ["echo"]


async def test_a_new_entry_checks_keys_and_runs_a_turn(with_echo: None, server: EmbeddedServer) -> None:
    await registry.spec("echo").check_key(server.base_url, ApiKey(server.api_key))
    with pytest.raises(AuthFailed):
        await registry.spec("echo").check_key(server.base_url, ApiKey("sk-stw_wrong_" + "w" * 20))
    connection = Connection("echo", server.base_url, ApiKey(server.api_key))
    backend = connection.open_backend()
    try:
        assert backend.name == "echo" and backend.capabilities.money == "credits"
        remote = await backend.create_session()
        events = [event async for event in backend.send(remote.id, "hello echo")]
    finally:
        await backend.aclose()
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
    assert connection.where == server.base_url
