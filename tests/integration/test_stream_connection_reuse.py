"""A turn's stream, read over real HTTP on 127.0.0.1: once its last frame is read, the rest of
the body is read too (the service ends it there), so the next turn and the file list go over the
same connection instead of a new one each; and a stream the service compresses is still read.

The service here is a Case.dev one that notes the client's port of each call (the hostile
server's turns, in a server of this test's own)."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import threading
import zlib
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.hostile_client import backend
from tests.hostile_server import HOST, KEY, STALL, HostileServer, Reply, Script, sse, text_part, turn
from tui_app.backends.api_key import ApiKey
from tui_app.backends.stewrd import StewrdBackend
from tui_app.core.events import PartUpdated, TurnCompleted


class PortNotingServer:
    """Case.dev's create, respond (a whole turn, then the body's end) and files, each call's
    client port noted in `ports`: one port, one connection."""

    def __init__(self) -> None:
        self.ports: list[tuple[str, int]] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind((HOST, 0))
        base = "/agent/v1/chat"
        app = Starlette(
            routes=[
                Route(base, self._noted("create", lambda: Response(b'{"id": "chat_p", "status": "active"}')), methods=["POST"]),
                Route(base + "/{chat}/respond", self._noted("respond", self._turn), methods=["POST"]),
                Route(base + "/{chat}/files", self._noted("files", lambda: Response(b'{"chatId": "chat_p", "files": []}'))),
                Route("/v1/sessions", self._noted("stewrd_create", lambda: Response(b'{"id": "sess_p", "status": "active"}')), methods=["POST"]),
                Route("/v1/sessions/{session}/messages", self._noted("stewrd_message", self._stewrd_turn), methods=["POST"]),
            ]
        )
        config = uvicorn.Config(app, log_config=None, log_level="critical", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve([self._socket])), daemon=True)

    def _noted(self, name: str, answer: object) -> object:
        async def route(request: Request) -> Response:
            assert request.client is not None
            self.ports.append((name, request.client.port))
            return answer()  # type: ignore[operator]

        return route

    def _turn(self) -> Response:
        before = sum(1 for name, _ in self.ports if name == "respond") - 1  # (this one is noted already)
        first = 1 + 4 * before  # each turn's ids after the last's: an id seen before is a replay
        frames = turn(text_part("hello", first + 1), text_part("hello there", first + 2), first_id=first)
        return StreamingResponse(iter(frames), media_type="text/event-stream")

    @staticmethod
    def _stewrd_turn() -> Response:
        frames = (sse(None, {"type": "token", "text": "hello"}), sse(None, {"type": "done", "tokens_used": 1}))
        return StreamingResponse(iter(frames), media_type="text/event-stream")

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self._socket.getsockname()[1]}"

    def __enter__(self) -> PortNotingServer:
        self._thread.start()
        while not self._server.started:
            assert self._thread.is_alive(), "the server did not start"
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()


async def others_done() -> None:
    """Until every task but this one has ended: a stream left by its reader is closed by the
    loop's finalizer, in a task of its own, created on the loop's next round."""
    await asyncio.sleep(0)
    this = asyncio.current_task()
    while others := [task for task in asyncio.all_tasks() if task is not this]:
        await asyncio.wait(others)


async def test_two_turns_and_the_file_list_after_them_share_one_connection() -> None:
    with PortNotingServer() as server:
        client = backend(server)  # type: ignore[arg-type]  (an address and a key is all it reads)
        try:
            chat = await client.create_session(title="reused")
            for _ in range(2):
                events = [event async for event in client.send(chat.id, "hi")]
                assert isinstance(events[-1], TurnCompleted)
                assert [event.text for event in events if isinstance(event, PartUpdated)][-1] == "hello there"
                await others_done()
            assert await client.list_files(chat.id) == []
        finally:
            await client.aclose()
    assert [name for name, _ in server.ports] == ["create", "respond", "respond", "files"]
    assert len({port for _, port in server.ports}) == 1, server.ports


async def test_a_stewrd_turn_read_to_its_end_leaves_its_connection_to_the_next() -> None:
    with PortNotingServer() as server:
        client = StewrdBackend(server.base_url, ApiKey(KEY))
        try:
            session = await client.create_session()
            for _ in range(2):
                events = [event async for event in client.send(session.id, "hi")]
                assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
        finally:
            await client.aclose()
    assert [name for name, _ in server.ports] == ["stewrd_create", "stewrd_message", "stewrd_message"]
    assert len({port for _, port in server.ports}) == 1, server.ports


def gzipped(frames: tuple[bytes, ...]) -> Iterator[bytes]:
    """The frames as one gzip stream, flushed after each frame so each chunk can be read as it comes."""
    packer = zlib.compressobj(wbits=31)  # (31: with gzip's header and trailer)
    for frame in frames:
        yield packer.compress(frame) + packer.flush(zlib.Z_SYNC_FLUSH)
    yield packer.flush()


async def test_a_stream_the_service_gzips_is_read_as_one_it_does_not() -> None:
    frames = turn(text_part("über", 2), text_part("über alles " + "x" * 3000, 3))
    assert gzip.decompress(b"".join(gzipped(frames))) == b"".join(frames)
    script = Script(respond=Reply(chunks=lambda: gzipped(frames), headers={"content-encoding": "gzip"}))
    with HostileServer(script) as server:
        client = backend(server)
        try:
            chat = await client.create_session(title="gzipped")
            events = [event async for event in client.send(chat.id, "hi")]
        finally:
            await client.aclose()
    texts = [event.text for event in events if isinstance(event, PartUpdated)]
    assert texts == ["über", "über alles " + "x" * 3000]
    assert isinstance(events[-1], TurnCompleted)


async def test_a_stream_that_goes_on_after_its_turn_is_left_after_a_short_read() -> None:
    # The service stalls after the turn's last frame: the rest is read for a moment, then the
    # connection is dropped as before, and the next turn opens another.
    turns = itertools.count()

    def stalled_turn() -> Iterator[bytes]:
        first = 1 + 3 * next(turns)
        return iter((*turn(text_part("hi", first + 1), first_id=first), STALL))

    script = Script(respond=Reply(chunks=stalled_turn))
    with HostileServer(script) as server:
        client = backend(server)
        try:
            chat = await client.create_session(title="stalled")
            for _ in range(2):
                events = [event async for event in client.send(chat.id, "hi")]
                assert isinstance(events[-1], TurnCompleted)
                await others_done()  # (ends: the rest is read for REST_OF_STREAM_SECONDS at most)
        finally:
            await client.aclose()
    assert script.calls == ["create", "respond", "respond"]
