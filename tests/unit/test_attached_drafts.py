"""Attachments kept with a session's draft (draft_codec, Drafts), and the `@path` completion."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.persistence.store import Store
from tui_app.ui.widgets.composer_at_path import at_path_before
from tui_app.core.attachments import Attachment
from tui_app.workspace.draft_codec import QueuedMessage, StoredDraft, decode, encode
from tui_app.workspace.drafts import Drafts
from tui_app.workspace.path_completion import PathChoice, path_choices
from tui_app.workspace.workspace import Workspace


def test_attachments_round_trip_with_the_text_and_the_queue() -> None:
    for draft in (StoredDraft("hi", (), ("notes.md", "~/a b.txt")), StoredDraft("", (QueuedMessage("q"),), ("x",))):
        assert decode(encode(draft)) == draft
    # A draft stored before attachments existed reads as having none.
    assert decode('{"tui-app draft":1,"text":"t","queued":["q"]}') == StoredDraft("t", (QueuedMessage("q"),))
    assert decode('{"tui-app draft":1,"text":"t","queued":[],"attached":[3]}').text.startswith('{"tui-app')


def test_a_queued_message_keeps_its_files_as_they_were_read() -> None:
    notes = Attachment("notes.md", "# Notes\n```\n\ud800\n", 1234, "docs/notes.md")
    draft = StoredDraft("", (QueuedMessage("read it", (notes, Attachment("b.txt", "", 0, "b.txt"))), QueuedMessage("then")))
    assert decode(encode(draft)) == draft
    # A queued file that does not read back whole makes the stored text a typed draft, never a
    # message sent without its file.
    for broken in ('{"size":-1,"name":"a","content":"","source":"a"}', '{"name":"a","content":""}', '"a"'):
        stored = '{"tui-app draft":1,"text":"t","queued":[{"text":"q","files":[' + broken + "]}]}"
        assert decode(stored) == StoredDraft(stored)


async def test_attachments_are_kept_beside_the_draft_and_its_queue(workspace: Workspace, store: Store) -> None:
    session = await workspace.open_session("Kept")
    workspace.draft_changed("half written")
    workspace.drafts.set_queued(session, (QueuedMessage("queued"),))
    workspace.drafts.set_attached(session, ("notes.md",))
    assert await workspace.save_all(10)
    later = Drafts(lambda _: store)
    assert (later.load(session), later.queued(session), later.attached(session)) == ("half written", (QueuedMessage("queued"),), ("notes.md",))
    # Setting the queue in a later run keeps the attachments it has not been told about.
    later.set_queued(later_session := session, ())
    again = Drafts(lambda _: store)
    assert again.attached(later_session) == ("notes.md",) and again.queued(session) == ()


def test_an_at_path_starts_a_word() -> None:
    assert at_path_before("read @docs/pl", 13) == (5, "docs/pl")
    assert at_path_before("@", 1) == (0, "")
    assert at_path_before("mail me@host", 12) is None
    assert at_path_before("read @docs now", 14) is None  # the cursor is past the path


def test_completion_lists_a_folders_entries_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "Plan.txt").write_text("", encoding="utf-8")
    (tmp_path / "docs" / "notes.md").write_text("", encoding="utf-8")
    (tmp_path / "docs" / ".hidden").write_text("", encoding="utf-8")
    (tmp_path / "data.csv").write_text("", encoding="utf-8")
    assert path_choices("d", tmp_path) == [PathChoice("data.csv", False), PathChoice("docs/", True)]
    assert [c.typed for c in path_choices("docs/", tmp_path)] == ["docs/notes.md", "docs/Plan.txt"]
    assert [c.typed for c in path_choices("docs/.", tmp_path)] == ["docs/.hidden"]
    assert path_choices("nowhere/x", tmp_path) == []
    monkeypatch.setenv("HOME", str(tmp_path / "docs"))
    assert [c.typed for c in path_choices("~", tmp_path)] == ["~/notes.md", "~/Plan.txt"]
