"""`@path` in the composer (issue 18, "your files"): Tab attaches a local file as a chip, the
file reaches the server on both backends (checked on the server side: what it received, and its
demo agent's word for it), a binary or oversized file is refused before sending with the
message and chips kept, a removed chip is not sent, and the chips are kept with the draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import connection_to, wait_until
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.composer_attachments import AttachmentChips, PathChoices

NOTES = "# Notes\n\n- one\n- two\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory, where `@path` looks: a text file, a folder and a binary file."""
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "plan.txt").write_text("plan\n", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def ready(app: TuiApp, pilot: Pilot[None]) -> Composer:
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    return app.query_one(Composer)


async def attach(pilot: Pilot[None], composer: Composer, typed: str) -> None:
    """Type `@typed`, wait for the choices, Tab to take the first."""
    composer.insert(f"@{typed}")
    await wait_until(pilot, lambda: bool(composer.path_choices.choices))
    await pilot.press("tab")


async def reply_of(app: TuiApp, pilot: Pilot[None]) -> str:
    session = app.current
    assert session is not None
    await wait_until(pilot, lambda: len(session.transcript.turns) == 1 and session.transcript.turns[0].state == "completed")
    await wait_until(pilot, lambda: session.state == "ready")
    return session.transcript.messages[-1].text


async def test_an_at_file_reaches_the_casedev_server_as_a_fenced_block(folder: Path, server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await ready(app, pilot)
        await attach(pilot, composer, "no")
        assert composer.attachments == ["notes.md"] and composer.text == ""
        assert "notes.md" in str(app.query_one(AttachmentChips).render())
        composer.insert("summarise this")
        await pilot.press("enter")
        reply = await reply_of(app, pilot)
        assert composer.attachments == [] and not app.query_one(AttachmentChips).display
        assert app.current is not None and app.current.remote is not None
        received = server.registry.chats[app.current.remote.id].turns[0].user_text
        assert received == f"summarise this\n```notes.md\n{NOTES}```"
        assert reply.startswith(f"I received notes.md, {len(NOTES)} bytes.")
        assert app.current.transcript.messages[0].text == f"summarise this\n\nattached: notes.md ({len(NOTES)} B)"
        # Up recalls what was written (as after a switch, from the transcript), not the attached line.
        composer.set_history([m.text for m in app.current.transcript.messages if m.role == "user"])
        await pilot.press("up")
        assert composer.text == "summarise this"


async def test_an_at_file_reaches_the_stewrd_server_in_the_messages_files(folder: Path, server: EmbeddedServer) -> None:
    app = TuiApp(Connection("stewrd", server.base_url, ApiKey(server.api_key)))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await ready(app, pilot)
        await attach(pilot, composer, "do")  # the folder opens: its file is offered next
        await wait_until(pilot, lambda: [c.typed for c in composer.path_choices.choices] == ["docs/plan.txt"])
        await pilot.press("tab")
        assert composer.attachments == ["docs/plan.txt"]
        composer.insert("read the plan")
        await pilot.press("enter")
        reply = await reply_of(app, pilot)
        # Stewrd's demo agent counts what came in `files`; its record of the message is the text alone.
        assert reply.startswith("I received plan.txt, 5 bytes.")
        kept = server.app.state.stewrd.sessions[app.current.remote.id]  # type: ignore[union-attr]
        assert kept.earlier_user_messages() == ["read the plan"]


@pytest.mark.parametrize(
    ("file", "settings", "reason"),
    [
        ("logo.png", Settings(), "logo.png is a binary file: only text files can be attached."),
        ("notes.md", Settings(max_attachment_kib=1), None),
    ],
)
async def test_a_binary_or_oversized_file_is_refused_and_the_message_stays(
    folder: Path, server: EmbeddedServer, file: str, settings: Settings, reason: str | None
) -> None:
    if reason is None:  # oversized: past a 1 KiB limit
        (folder / "notes.md").write_text("x" * 2000, encoding="utf-8")
        reason = "notes.md is 2.0 KiB, over the 1.0 KiB limit for an attachment"
    app = TuiApp(connection_to(server), settings=LoadedSettings(settings, folder / "config.toml"))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await ready(app, pilot)
        await attach(pilot, composer, file[:3])
        composer.insert("look at this")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(reason in str(n.message) for n in app.notices.history))
        assert composer.text == "look at this" and composer.attachments == [file]
        assert app.current is not None and app.current.transcript.messages == ()
        assert app.current.remote is not None and server.registry.chats[app.current.remote.id].turns == []


async def test_a_removed_chip_is_not_sent(folder: Path, server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await ready(app, pilot)
        await attach(pilot, composer, "no")
        await attach(pilot, composer, "docs/")
        assert composer.attachments == ["notes.md", "docs/plan.txt"]
        await pilot.press("backspace")  # on the empty message: the last chip goes
        assert composer.attachments == ["notes.md"]
        composer.insert("just the notes")
        await pilot.press("backspace")  # in the text: a character, not a chip
        assert composer.text == "just the note" and composer.attachments == ["notes.md"]
        await pilot.press("enter")
        reply = await reply_of(app, pilot)
        assert reply.startswith(f"I received notes.md, {len(NOTES)} bytes.")
        assert app.current is not None and app.current.remote is not None
        assert "plan" not in server.registry.chats[app.current.remote.id].turns[0].user_text


async def test_escape_closes_the_choices_and_an_email_address_offers_none(folder: Path, server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await ready(app, pilot)
        composer.insert("mail me@no")
        await pilot.pause()
        assert not app.query_one(PathChoices).display
        composer.insert(" @no")
        await wait_until(pilot, lambda: app.query_one(PathChoices).display)
        await pilot.press("escape")
        assert not app.query_one(PathChoices).display and composer.attachments == []
        assert app.current is not None and app.current.state == "ready"  # Esc did not reach the app


async def test_attachments_are_kept_with_the_draft_across_a_restart(folder: Path, server: EmbeddedServer) -> None:
    connection = connection_to(server)
    with Store(folder / "tui-app.db") as store:
        app = TuiApp(connection, store=store)
        async with app.run_test(size=(100, 30)) as pilot:
            composer = await ready(app, pilot)
            composer.insert("draft ")
            await attach(pilot, composer, "no")
            session_id = app.current.id  # type: ignore[union-attr]
    with Store(folder / "tui-app.db") as store:
        again = TuiApp(connection, store=store)
        async with again.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: again.current is not None and again.current.id == session_id)
            composer = again.query_one(Composer)
            await wait_until(pilot, lambda: composer.attachments == ["notes.md"] and composer.chips.is_attached)
            assert composer.text == "draft " and "notes.md" in str(again.query_one(AttachmentChips).render())


async def test_the_limit_set_in_f2_applies_to_the_next_send(folder: Path, server: EmbeddedServer) -> None:
    from textual.widgets import Input

    from tui_app.ui.screens.settings_screen import SettingsScreen

    (folder / "notes.md").write_text("x" * 2000, encoding="utf-8")
    app = TuiApp(connection_to(server), settings=LoadedSettings(Settings(), folder / "config.toml"))
    async with app.run_test(size=(100, 34)) as pilot:
        composer = await ready(app, pilot)
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert screen.query_one("#attachment-kib", Input).value == "128"
        screen.query_one("#attachment-kib", Input).value = "1"
        screen.action_apply()
        await wait_until(pilot, lambda: app.settings.max_attachment_kib == 1)
        composer.focus()
        await attach(pilot, composer, "no")
        composer.insert("look")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("over the 1.0 KiB limit" in str(n.message) for n in app.notices.history))
        assert composer.text == "look" and composer.attachments == ["notes.md"]


async def test_each_session_keeps_its_own_attachments_across_a_switch(folder: Path, server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await ready(app, pilot)
        first = app.current
        await attach(pilot, composer, "no")
        await pilot.press("ctrl+n", "enter")
        await wait_until(pilot, lambda: app.current is not first and app.current.state == "ready")  # type: ignore[union-attr]
        assert composer.attachments == [] and not composer.chips.display
        await attach(pilot, composer, "docs/")
        await pilot.press("ctrl+pageup")
        await wait_until(pilot, lambda: app.current is first and composer.attachments == ["notes.md"])
        await pilot.press("ctrl+pagedown")
        await wait_until(pilot, lambda: app.current is not first and composer.attachments == ["docs/plan.txt"])
