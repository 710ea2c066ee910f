"""The composer's attachments, per session: kept with the draft (so they survive a switch and a
restart), shown again when the session comes on screen, and read when the message is sent or
queued behind a running turn (the queue keeps them as read); a file that cannot go (missing,
binary, not UTF-8, over the limit) stops the send with the reason, the message and its chips
left as they were."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App

from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.widgets.composer import Composer
from tui_app.workspace.attachment_files import AttachmentRefused, read_attachments
from tui_app.workspace.changes import RosterChange
from tui_app.workspace.sends import Attachments
from tui_app.workspace.workspace import Workspace


class AttachmentFlow:
    def __init__(self, app: App[None], workspace: Workspace, composer: Composer) -> None:
        self.app = app
        self.workspace = workspace
        self.composer = composer
        composer.attachments_changed = self._changed
        self._unsubscribe = workspace.roster.subscribe(on_pump(app, self._roster))

    def detach(self) -> None:
        self._unsubscribe()

    def read(self, paths: Sequence[str]) -> Attachments | None:
        """The files at `paths`, or None (the reason on screen) when one cannot be sent."""
        try:
            return read_attachments(paths, self.workspace.settings.max_attachment_kib * 1024)
        except AttachmentRefused as refused:
            self.app.notify(
                f"{refused} The message and its attachments stay in the composer.",
                title="Not sent",
                severity="error",
                markup=False,
            )
            return None

    def _changed(self, paths: tuple[str, ...]) -> None:
        if self.workspace.current is not None:
            self.workspace.drafts.set_attached(self.workspace.current, paths)

    def _roster(self, change: RosterChange) -> None:
        if change.kind == "current" and change.session is self.workspace.current:
            self.composer.show_attachments(self.workspace.drafts.attached(change.session))
