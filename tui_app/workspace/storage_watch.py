"""The store's health, brought from its writer thread onto the workspace's event loop.

The store reports on its writer thread, and only when health changes; the workspace publishes on
its loop. Once writes fail, the status stays "behind" until everything kept in memory meanwhile
is written: the store's recovery report may still count changes waiting, so the watch waits for
them (off the loop, in bounded steps) before it says all is saved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from tui_app.persistence.store import Store, StoreHealth
from tui_app.workspace.changes import StorageStatus
from tui_app.workspace.signal import Signal

# One step of waiting for the writer to catch up: bounded, so quitting never waits on it longer.
CATCH_UP_STEP_SECONDS = 1.0


class StorageWatch:
    def __init__(
        self,
        store: Store,
        signal: Signal[StorageStatus],
        spawn: Callable[[Coroutine[Any, Any, Any]], asyncio.Task[Any]],
        deleted_elsewhere: Callable[[frozenset[str]], None],
    ) -> None:
        self._store = store
        self._signal = signal
        self._spawn = spawn
        self._deleted_elsewhere = deleted_elsewhere
        self.status = StorageStatus(store.health(), behind=not store.health().ok)
        self._seen_deleted: frozenset[str] = frozenset()
        self._catching_up: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        """Listen from now on; call it on the loop the workspace runs on."""
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = self._store.add_health_listener(self._heard)
        self._arrived(self._store.health())  # anything reported before we listened

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._catching_up is not None:
            self._catching_up.cancel()

    def _heard(self, health: StoreHealth) -> None:
        """On the store's writer thread: hand over to the loop, and return at once."""
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._arrived, health)
        except RuntimeError:
            pass  # the loop is closed: the app has ended, and the store reports its last writes

    def _arrived(self, health: StoreHealth) -> None:
        gone = health.deleted_elsewhere - self._seen_deleted
        self._seen_deleted |= health.deleted_elsewhere
        if gone:
            self._deleted_elsewhere(gone)
        behind = not health.ok or (self.status.behind and health.unsaved > 0)
        if self.status.behind and health.ok and behind and self._catching_up is None:
            self._catching_up = self._spawn(self._catch_up())
        self._publish(StorageStatus(health, behind))

    async def _catch_up(self) -> None:
        try:
            while not await asyncio.to_thread(self._store.flush, CATCH_UP_STEP_SECONDS):
                if not self._store.health().ok:
                    return  # failing again: the writer's report says so, and the next recovery retries
            health = self._store.health()
            self._publish(StorageStatus(health, behind=not health.ok))
        finally:
            self._catching_up = None

    def _publish(self, status: StorageStatus) -> None:
        if status != self.status:
            self.status = status
            self._signal.publish(status)
