"""What every HTTP adapter shares: one client carrying the key, the one mapping from an HTTP
answer to a typed error, and bounded retries of refused requests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tui_app.backends.api_key import ApiKey
from tui_app.backends.base import AgentBackend
from tui_app.backends.response_body import read_at_most
from tui_app.backends.retry_policy import RetryPolicy
from tui_app.backends.sse_frames import STREAM_BROKE, dropped
from tui_app.backends.sse_stream import SseMessage, body_chunks, sse_messages
from tui_app.backends.tls_context import context_for
from tui_app.backends.errors import (
    BackendError,
    BadRequest,
    ConnectionFailed,
    NotFound,
    RateLimited,
    ServerFailed,
    SessionExpired,
    error_from_response,
)

log = logging.getLogger(__name__)


REQUEST_READ_TIMEOUT = 60.0
"""How long a request (not a stream) may wait for its answer: creating a session may start a sandbox."""

REST_OF_STREAM_SECONDS = 0.25
"""How long what is left of a stream is read for once its reader stopped (its turn ended): the
service ends the body just after the turn's last frame. A body read to its end leaves its
connection to the next request (the next turn's, or the file list after it), where one closed
halfway is dropped, and httpx's half-dozen generators under the reader end there and then,
not one by one through the loop's finalizer (a wake-up of the loop and a task each)."""


async def read_rest(chunks: AsyncIterator[bytes], seconds: float) -> None:
    """Read `chunks` to their end, for at most `seconds`; what they hold is not looked at."""
    try:
        async with asyncio.timeout(seconds):
            async for _ in chunks:
                pass
    except (TimeoutError, *STREAM_BROKE):
        pass  # the connection is closed with the response, as it would have been


class HttpBackend(AgentBackend):
    not_worth_retrying: frozenset[str] = frozenset()
    """Error codes that waiting cannot clear (e.g. a limit that lasts until a session expires)."""
    default_name: str
    """What the user calls the backend, unless told otherwise (`local` reuses an adapter)."""
    service: str
    """The service's name, in the messages a person reads."""

    def __init__(
        self,
        base_url: str,
        api_key: ApiKey,
        name: str | None = None,
        service: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.name = name or self.default_name
        self._service = service or self.service
        self.retry = retry or RetryPolicy()
        self._read_pauses: dict[str, float] = {}
        self._bodies: dict[int, AsyncIterator[bytes]] = {}
        """The body being read as frames (`_messages`), by the id of its open response."""
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key.reveal()}"},
            timeout=httpx.Timeout(connect=10.0, read=REQUEST_READ_TIMEOUT, write=30.0, pool=10.0),
            verify=context_for(base_url),
        )

    @property
    def _shown_url(self) -> str:
        """The base URL for people: a key written into it (`http://user:KEY@host`) left out."""
        return str(self._client.base_url.copy_with(userinfo=b""))

    def __repr__(self) -> str:
        # Never the client or its headers: they hold the key.
        return f"{type(self).__name__}(name={self.name!r}, base_url={self._shown_url!r})"

    async def _raise_for_status(self, response: httpx.Response) -> None:
        """Raise the typed error of an answer that is not a success, reading at most
        `max_error_body_bytes` of its body (a service may send a body of any size)."""
        if response.is_success:
            return
        limit = self.retry.max_error_body_bytes
        body, cut = await read_at_most(response, limit)
        raise error_from_response(self._service, response.status_code, body, response.headers, limit if cut else None)

    def _unreachable(self, error: httpx.TransportError) -> ConnectionFailed:
        # The exception's type only: its text may quote the request, never worth the risk.
        return ConnectionFailed(f"Could not reach {self._service} at {self._shown_url} ({type(error).__name__}).")

    async def _wait_before_retry(self, error: BackendError, attempt: int) -> bool:
        """Sleep before retrying a retryable error; False when it should not be retried."""
        if not isinstance(error, RateLimited | ServerFailed) or attempt > self.retry.request_retries:
            return False
        if error.code in self.not_worth_retrying:
            return False
        wait = getattr(error, "retry_after", None)
        if wait is None:
            wait = self.retry.backoff(attempt)
        if wait > self.retry.retry_after_cap:
            return False
        log.info("%s; retry %d of %d in %.1f s", error.message, attempt, self.retry.request_retries, wait)
        await asyncio.sleep(wait)
        return True

    async def _request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                # Streamed, so that an error body is read only as far as its bound.
                request = self._client.build_request(method, path, **kwargs)  # type: ignore[arg-type]
                response = await self._client.send(request, stream=True)
                try:
                    await self._raise_for_status(response)
                    await response.aread()
                finally:
                    await response.aclose()
                return response
            except httpx.TransportError as error:
                raise self._unreachable(error) from None
            except BackendError as error:
                if not await self._wait_before_retry(error, attempt):
                    raise

    async def _download(self, path: str, max_bytes: int, what: str) -> bytes:
        """A body of at most `max_bytes`, read as it comes; a larger one is refused, not cut short."""
        try:
            async with self._client.stream("GET", path, headers={"Accept": "application/octet-stream"}) as response:
                await self._raise_for_status(response)
                body, cut = await read_at_most(response, max_bytes)
        except httpx.TransportError as error:
            raise self._unreachable(error) from None
        if cut:
            raise BackendError(f"{what} is larger than {max_bytes:,} bytes; not fetched.")
        return body

    def pace_reads(self, session_id: str, pause: float) -> None:
        if pause > 0:
            self._read_pauses[session_id] = pause
        else:
            self._read_pauses.pop(session_id, None)

    def read_pause(self, session_id: str) -> float:
        return self._read_pauses.get(session_id, 0.0)

    def _messages(self, response: httpx.Response, session_id: str) -> AsyncIterator[SseMessage]:
        """The SSE frames of a streamed response, each bounded by `max_frame_bytes`, read at
        the pace `pace_reads` set for `session_id` (the pause is looked up as the stream goes)."""
        pauses = self._read_pauses
        chunks = self._bodies[id(response)] = body_chunks(response)
        return sse_messages(response, self.retry.max_frame_bytes, self._service, lambda: pauses.get(session_id, 0.0), chunks)

    @asynccontextmanager
    async def _sse_response(self, method: str, path: str, **kwargs: Any) -> AsyncIterator[httpx.Response]:
        """A streamed request that asks for `text/event-stream`; the body is read by `_messages`."""
        headers = {**kwargs.pop("headers", {}), "Accept": "text/event-stream", "Cache-Control": "no-store"}
        # A stream's silence is measured by the stall timeout; a request's by the longer default.
        timeout = httpx.Timeout(connect=10.0, read=self.retry.liveness_timeout, write=30.0, pool=10.0)
        async with self._client.stream(method, path, headers=headers, timeout=timeout, **kwargs) as response:
            try:
                yield response
            finally:
                self._bodies.pop(id(response), None)

    def _dropped(self, error: Exception) -> str:
        """Why a stream broke, for a person (a timed-out read is a stall)."""
        return dropped(error, self.retry.liveness_timeout)

    @asynccontextmanager
    async def _event_stream(self, method: str, path: str, **kwargs: Any) -> AsyncIterator[httpx.Response]:
        """An SSE stream whose opening is retried like any request (429, 5xx); once it is open,
        what goes wrong while reading is the caller's to handle. A transport failure anywhere
        becomes `ConnectionFailed`."""
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._sse_response(method, path, **kwargs) as source:
                    try:
                        await self._raise_for_status(source)
                    except BackendError as error:
                        if await self._wait_before_retry(error, attempt):
                            continue
                        raise
                    try:
                        yield source
                    except GeneratorExit:  # (its reader was left: closed by the loop's finalizer)
                        await self._read_rest(source)
                        raise
                    await self._read_rest(source)
                    return
            except httpx.TransportError as error:
                raise self._unreachable(error) from None

    async def _read_rest(self, source: httpx.Response) -> None:
        """What is left of a stream whose frames were read (`_messages`) but not to the end: its
        reader stopped at its turn's end, and the service ends the body there."""
        if (chunks := self._bodies.get(id(source))) is not None:
            await read_rest(chunks, REST_OF_STREAM_SECONDS)

    key_probe: tuple[str, str]
    """A method and path that need a valid key and name a session that cannot exist."""

    async def check_key(self) -> None:
        """Raise `AuthFailed` if the service refuses the key (`ConnectionFailed` if unreachable).

        Neither service has a call that only checks a key, so this asks about a session that
        cannot exist: a 404 (or a 400, 410) means the key got past authentication, and nothing is
        created or billed.
        """
        method, path = self.key_probe
        try:
            await self._request(method, path, json={"message": ""} if method == "POST" else None)
        except (NotFound, BadRequest, SessionExpired):
            return

    async def aclose(self) -> None:
        await self._client.aclose()
