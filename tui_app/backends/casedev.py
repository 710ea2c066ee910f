"""The Case.dev agent chat adapter (v1), over httpx and httpx-sse. Also drives the local server.

A turn is read from `respond`; if that stream breaks after the turn started, the adapter
follows the chat's `/stream` feed from the last event id it saw, with exponential backoff and
jitter, until the turn ends. Frames are de-duplicated by id, so nothing shows twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import quote
from functools import cached_property
from collections.abc import AsyncIterator, Sequence

from tui_app.backends.base import DEFAULT_MAX_FILE_BYTES, Capabilities, EndResult, RemoteFile, RemoteSession
from tui_app.backends.casedev_wire import (
    ChatCreated,
    FileListing,
    StreamNormalizer,
    respond_event_to_domain,
)
from tui_app.backends.errors import (
    ConnectionFailed,
    RateLimited,
    ServerFailed,
)
from tui_app.backends.http_backend import HttpBackend
from tui_app.backends.sse_frames import STREAM_BROKE, SseFrame, decoded, frame_id, read_frame, translated
from tui_app.backends.sse_stream import BATCH_END, SseMessage
from tui_app.backends.superseded_parts import Item, LatestText, RawUpdate, raw_update
from tui_app.backends.wire_json import loads, micros
from tui_app.core.attachments import Attachment, fenced
from tui_app.core.completeness import ResumeTally
from tui_app.core.events import (
    DomainEvent,
    StreamGaveUp,
    StreamInterrupted,
    StreamResumed,
    TurnCompleted,
    TurnStarted,
)

log = logging.getLogger(__name__)


def _belongs(event: DomainEvent, turn_id: str | None) -> bool:
    """Whether a replayed event is part of the turn being followed (not an older one)."""
    event_turn = getattr(event, "turn_id", None)
    return turn_id is None or not event_turn or event_turn == turn_id


class _StreamBroke(Exception):
    """The stream ended or failed before the turn did."""


class CasedevBackend(HttpBackend):
    # A chat is snapshotted after 15 idle minutes unless created with `idleTimeoutMs` (PROTOCOL.md).
    capabilities = Capabilities(
        questions=True, cancel=True, end_with_cost=True, replay=True, files=True, idle_snapshot_ms=15 * 60 * 1000
    )
    default_name = "casedev"
    service = "Case.dev"

    @cached_property
    def _last_event_id(self) -> dict[str, int]:
        """The last event id seen per chat, to resume a dropped stream after it."""
        return {}

    key_probe = ("GET", "/agent/v1/chat/chat_tui_app_key_check/files")

    async def create_session(
        self, title: str | None = None, model: str | None = None, idle_timeout_ms: int | None = None
    ) -> RemoteSession:
        fields = (("title", title), ("model", model), ("idleTimeoutMs", idle_timeout_ms))
        body = {key: value for key, value in fields if value}
        response = await self._request("POST", "/agent/v1/chat", json=body)
        created = ChatCreated.model_validate(loads(response.content))
        self._last_event_id[created.id] = 0
        return RemoteSession(created.id, created.status, created.created_at, created.idle_timeout_ms)

    @cached_property
    def _holding(self) -> dict[str, LatestText]:
        """The part update held back in each chat's stream being read (superseded_parts.py)."""
        return {}

    def last_event_id(self, session_id: str) -> int | None:
        # What is stored with the events applied: never past an update held back, so that a
        # resume after a restart brings it again rather than losing it.
        latest = self._holding.get(session_id)
        if latest is not None and latest.held_since is not None:
            return min(latest.held_since - 1, self._last_event_id.get(session_id, 0))
        return self._last_event_id.get(session_id)

    def restore(self, session_id: str, last_event_id: int | None) -> None:
        self._last_event_id[session_id] = last_event_id or 0

    async def check(self, session_id: str) -> None:
        # There is no GET for a chat; its file list is the cheapest read that names it.
        await self._request("GET", f"/agent/v1/chat/{session_id}/files")

    def follow(self, session_id: str, turn_id: str | None) -> AsyncIterator[DomainEvent]:
        return self._resume(session_id, turn_id, reason=None)

    async def answer(self, session_id: str, request_id: str, answers: Sequence[Sequence[str]]) -> None:
        await self._request(
            "POST",
            f"/agent/v1/chat/{session_id}/question/{request_id}/reply",
            json={"answers": [list(answer) for answer in answers]},
        )

    async def list_files(self, session_id: str) -> list[RemoteFile]:
        response = await self._request("GET", f"/agent/v1/chat/{quote(session_id, safe='')}/files")
        return FileListing.model_validate(loads(response.content)).to_remote()

    async def fetch_file(self, session_id: str, path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
        # One path segment, `/` included, as the SDK sends it (PROTOCOL.md "Paths").
        where = f"/agent/v1/chat/{quote(session_id, safe='')}/files/{quote(path, safe='')}"
        return await self._download(where, max_bytes, f"The file {path!r}")

    async def cancel(self, session_id: str) -> None:
        await self._request("POST", f"/agent/v1/chat/{session_id}/cancel")

    async def end(self, session_id: str) -> EndResult:
        body = loads((await self._request("DELETE", f"/agent/v1/chat/{session_id}")).content)
        body = body if isinstance(body, dict) else {}
        cost = micros(body.get("costMicros"))
        dollars = body.get("cost")  # dollars, per the SDK's type
        if cost is None and isinstance(dollars, int | float) and not isinstance(dollars, bool) and 0 <= dollars < 1e9:
            cost = micros(round(dollars * 1_000_000))
        runtime = body.get("runtimeMs")
        return EndResult(cost, runtime if isinstance(runtime, int) else None)

    # --- turns ---------------------------------------------------------------------------

    def _new_frame(self, session_id: str, sse: SseMessage) -> SseFrame | None:
        """The frame if it carries data not seen before; frames at or before the last seen id
        are replays. A malformed frame still moves the id on, so a replay never brings it back."""
        frame = read_frame(sse, self._service)
        if frame is None:
            return None
        if frame.id is not None:
            if frame.id <= self._last_event_id.get(session_id, 0):
                return None
            self._last_event_id[session_id] = frame.id
        return frame

    async def send(self, session_id: str, text: str, files: Sequence[Attachment] = ()) -> AsyncIterator[DomainEvent]:
        turn_id: str | None = None
        try:
            async for event in self._respond(session_id, text, files):
                if isinstance(event, TurnStarted):
                    turn_id = event.turn_id
                yield event
                if isinstance(event, TurnCompleted):
                    return
            reason = "the stream ended before the turn did"
        except _StreamBroke as broke:
            reason = str(broke)
        async for event in self._resume(session_id, turn_id, reason):
            yield event

    async def _respond(self, session_id: str, text: str, files: Sequence[Attachment]) -> AsyncIterator[DomainEvent]:
        path = f"/agent/v1/chat/{session_id}/respond"
        # The chat API takes text parts only: each file goes as a fenced block named after it.
        body = {"parts": [{"type": "text", "text": part} for part in (text, *map(fenced, files))]}
        async with self._event_stream("POST", path, json=body) as source:
            # From here the turn runs on the server: a failure means resume, not resend.
            # Off screen (paced), of a run of updates of one part only the last is decoded and
            # applied (superseded_parts.py).
            latest = self._holding[session_id] = LatestText(usage=True)
            paced = self._read_pauses
            try:
                async for sse in self._messages(source, session_id):
                    if sse is BATCH_END:
                        items = latest.flush()
                    elif session_id in paced and (raw := raw_update(sse)) is not None:
                        readable, event_id = self._new_id(session_id, sse)
                        items = latest.take(raw, event_id) if readable else []
                    elif (event := decoded(frame := self._new_frame(session_id, sse), respond_event_to_domain, self._service)) is None:
                        continue
                    elif session_id in paced:
                        items = latest.take(event, frame.id if frame is not None else None)
                    else:
                        items = [*latest.flush(), event]
                    for event in self._handed_on(items):
                        yield event
                for event in self._handed_on(latest.flush()):
                    yield event
            except STREAM_BROKE as error:
                for event in self._handed_on(latest.flush()):
                    yield event
                raise _StreamBroke(self._dropped(error)) from None
            finally:
                if latest.held_since is not None:
                    # Closed while holding an update back (the app quits mid-turn): the feed is
                    # complete only up to before it, and a follow must bring it again.
                    self._last_event_id[session_id] = min(self._last_event_id.get(session_id, 0), latest.held_since - 1)
                if self._holding.get(session_id) is latest:
                    del self._holding[session_id]

    def _new_id(self, session_id: str, sse: SseMessage) -> tuple[bool, int | None]:
        """`_new_frame` for a frame not decoded yet: whether it is new (not a replay, no absurd
        id), and its id, which moves the last one seen on."""
        readable, event_id = frame_id(sse, self._service)
        if readable and event_id is not None:
            if event_id <= self._last_event_id.get(session_id, 0):
                return False, None
            self._last_event_id[session_id] = event_id
        return readable, event_id

    def _handed_on(self, items: list[Item]) -> list[DomainEvent]:
        """The events of `items`, a frame held undecoded decoded now (a malformed one: logged, none)."""
        events: list[DomainEvent] = []
        for item in items:
            if isinstance(item, RawUpdate):
                event = decoded(read_frame(item.sse, self._service), respond_event_to_domain, self._service)
                if event is not None:
                    events.append(event)
            else:
                events.append(item)
        return events

    async def _resume(self, session_id: str, turn_id: str | None, reason: str | None) -> AsyncIterator[DomainEvent]:
        """Follow `/stream` from the last event seen until the turn ends. With a `reason` the
        stream broke (back off first); without one this is a fresh follow (after a restart)."""
        normalizer = StreamNormalizer(turn_id)
        broke_at: float | None = time.monotonic()
        attempt = 0
        # What the follow brings back, judged by its ids over every connection (core/completeness.py).
        tally = ResumeTally("restart" if reason is None else "reconnect")
        while attempt < self.retry.reconnect_attempts:
            attempt += 1
            if reason is not None:
                delay = self.retry.backoff(attempt)
                log.info("the %s stream broke (%s); reconnect %d of %d in %.1f s", self._service, reason, attempt, self.retry.reconnect_attempts, delay)
                yield StreamInterrupted(turn_id, attempt, delay, reason)
                await asyncio.sleep(delay)
            after = self._last_event_id.get(session_id, 0)
            tally.connect(after)
            try:
                async with self._sse_response(
                    "GET", f"/agent/v1/chat/{session_id}/stream", params={"lastEventId": after},
                    headers={"Last-Event-ID": str(after)},
                ) as source:
                    await self._raise_for_status(source)
                    if reason is not None:
                        yield StreamResumed(turn_id, after)
                    async for sse in self._messages(source, session_id):
                        frame = self._new_frame(session_id, sse)
                        if frame is None:
                            continue
                        tally.saw(sse.id, frame.id)
                        if (payload := frame.payload) is None:
                            continue
                        attempt, broke_at = 0, None  # progress: the next failure starts afresh
                        event = translated(lambda: normalizer.to_domain(sse.event, payload), sse.event, self._service)
                        if event is None or not _belongs(event, turn_id):
                            continue
                        if turn_id is None and isinstance(event, TurnStarted):
                            turn_id = event.turn_id
                        if isinstance(event, TurnCompleted):
                            if (mark := tally.ended(turn_id)) is not None:
                                yield mark  # in the turn, before it ends
                            yield event
                            return
                        yield event
                reason = "the resumed stream ended before the turn did"
            except STREAM_BROKE as error:
                reason = self._dropped(error)
            except (RateLimited, ServerFailed) as error:
                reason = error.message
            if (mark := tally.ended(turn_id)) is not None:
                yield mark
            if broke_at is None:
                broke_at = time.monotonic()
        attempts = self.retry.reconnect_attempts
        since = time.monotonic() - (broke_at or 0.0)
        yield StreamGaveUp(turn_id, attempts, since, reason or "the stream ended")
        raise ConnectionFailed(
            f"Lost the stream from {self._service} and could not resume it after "
            f"{attempts} attempts ({reason}). The turn may still finish on the server."
        )
