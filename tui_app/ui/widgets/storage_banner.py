"""A line under the header while changes are not on disk: why, and what keeps them meanwhile."""

from __future__ import annotations

from textual.widgets import Static

from tui_app.workspace.changes import StorageStatus

# What a person can do about each problem the store names (store_health.describe_write_failure).
ADVICE = {
    "disk full": "free space",
    "database locked by another program": "close the other program",
    "disk I/O error": "check the disk",
    "the database file is damaged": "restore the database file from a backup",
}


def banner_text(status: StorageStatus) -> str:
    health = status.health
    waiting = f"{health.unsaved} change{'s' if health.unsaved != 1 else ''} waiting"
    if health.problem is None:
        return f"Saving what was kept in memory… ({waiting})"
    advice = ADVICE.get(health.problem, "fix it" if not health.problem.startswith("read-only") else "make it writable")
    return (
        f"Not saved: {health.problem} — your text and the replies are kept in memory; "
        f"{advice} and they will be written ({waiting})"
    )


class StorageBanner(Static):
    """Hidden while everything is saved. Its text holds the store's words (an OS error's text
    among them), so it is never read as markup."""

    def __init__(self) -> None:
        super().__init__("", markup=False, id="storage-banner")
        self.display = False

    def show_status(self, status: StorageStatus) -> None:
        self.display = status.behind
        if status.behind:
            self.update(banner_text(status))
