"""A uvicorn server that does not wake while nothing happens.

uvicorn's main loop wakes every 0.1 s to see whether it should stop and, every tenth time, to
refresh its Date header: in the app's process, the embedded server's thread woke ten times a
second while the app sat idle. This one sleeps until `request_exit` wakes it (from any thread:
stopping is quicker too), and sends no Date header, which would need that clock (its only client
is the app that runs it).
"""

from __future__ import annotations

import asyncio

import uvicorn


class QuietServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        config.date_header = False
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        if await self.on_tick(0):  # the default headers, once; True if asked to stop meanwhile
            return
        await self._wake.wait()

    def request_exit(self) -> None:
        """Stop serving; callable from any thread."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:
                pass  # its loop has ended already
