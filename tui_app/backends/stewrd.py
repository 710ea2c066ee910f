"""The Stewrd sessions adapter, over httpx and httpx-sse.

A turn is one `POST /v1/sessions/{id}/messages` with `stream: true`. Stewrd has no event ids and
no way to follow a reply again (PROTOCOL.md "Stewrd sessions"), so unlike the Case.dev adapter
this one cannot resume: a stream that breaks after the message was accepted ends the turn as
failed and raises `ConnectionFailed` saying so. Requests refused with 429 or 5xx are retried,
because a refused request was not accepted and may safely be sent again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from urllib.parse import quote

import httpx

from tui_app.backends.base import Capabilities, RemoteSession
from tui_app.backends.errors import ConnectionFailed, FrameTooLarge, NotFound, SessionExpired
from tui_app.backends.http_backend import HttpBackend
from tui_app.backends.response_body import read_at_most
from tui_app.backends.sse_frames import STREAM_BROKE, decoded, read_frame
from tui_app.backends.sse_stream import too_large
from tui_app.backends.wire_json import loads
from tui_app.backends.stewrd_wire import MessageResponse, SessionCreated, StewrdTurn
from tui_app.core.attachments import Attachment
from tui_app.core.events import DomainEvent, TurnCompleted

# 429s that waiting a few seconds cannot clear: the active-session limit lasts until one expires.
_NOT_WORTH_RETRYING = frozenset({"quota_exceeded"})


class StewrdBackend(HttpBackend):
    not_worth_retrying = _NOT_WORTH_RETRYING
    # Stewrd has no questions, cancel, end, replay or file upload here; it bills in credits.
    capabilities = Capabilities(money="credits", history_cap=50)
    default_name = "stewrd"
    service = "Stewrd"

    key_probe = ("POST", "/v1/sessions/sess_tui_app_key_check/messages")

    async def create_session(
        self, title: str | None = None, model: str | None = None, idle_timeout_ms: int | None = None
    ) -> RemoteSession:
        # Stewrd sessions have no title, model or idle timeout: the project's settings decide.
        response = await self._request("POST", "/v1/sessions")
        created = SessionCreated.model_validate(loads(response.content))
        return RemoteSession(created.id, created.status)

    # --- turns ---------------------------------------------------------------------------

    async def send(self, session_id: str, text: str, files: Sequence[Attachment] = ()) -> AsyncIterator[DomainEvent]:
        turn = StewrdTurn.new()
        path = f"/v1/sessions/{quote(session_id, safe='')}/messages"
        body: dict[str, object] = {"message": text, "stream": True}
        if files:
            body["files"] = [{"name": file.name, "content": file.content} for file in files]
        try:
            async with self._event_stream("POST", path, json=body) as source:
                async for event in self._read_turn(turn, source, session_id):
                    yield event
        except NotFound as error:
            raise self._forgotten(error) from None

    def _forgotten(self, error: NotFound) -> SessionExpired:
        """A 404 on a session Stewrd created for us: it purged it (or restarted without it), which
        ends it for good, like the 410 of an expired one. Never retried: nothing was accepted."""
        return SessionExpired(
            f"{self._service} no longer knows this session; it has expired there. Start a new one.",
            error.status,
            error.code,
        )

    async def _read_turn(self, turn: StewrdTurn, source: httpx.Response, session_id: str) -> AsyncIterator[DomainEvent]:
        """The accepted turn's events. Ends the turn as failed, then raises, if the stream breaks."""
        for event in turn.opening():
            yield event
        content_type = source.headers.get("content-type", "")
        try:
            if "text/event-stream" not in content_type:
                # A server that ignored `stream: true` answers with the whole message as JSON.
                # Read like a frame, with its bound: a reply of any size is not held whole.
                body, cut = await read_at_most(source, self.retry.max_frame_bytes)
                if cut:
                    raise too_large(self._service, self.retry.max_frame_bytes)
                reply = MessageResponse.model_validate(loads(body))
                for event in turn.from_reply(reply):
                    yield event
                return
            async for sse in self._messages(source, session_id):
                # Stewrd frames have no ids (nothing to resume from): only the payload counts.
                for event in decoded(read_frame(sse, self._service), turn.to_domain, self._service) or []:
                    yield event
                    if isinstance(event, TurnCompleted):
                        return
            reason = "the stream ended before the reply did"
        except STREAM_BROKE as error:
            reason = self._dropped(error)
        except FrameTooLarge as error:
            reason = error.message
        except ValueError:  # pydantic's ValidationError included
            reason = "the reply was not a message this client can read"
        cut_off = ConnectionFailed(
            f"The reply from {self._service} was cut off: {reason}. {self._service} cannot resume a reply, "
            "so the rest of it is lost; send the message again for a complete answer."
        )
        # End the turn in the transcript too, so nothing waits on a reply that will never come.
        for event in turn.cut_off(cut_off.message):
            yield event
        raise cut_off
