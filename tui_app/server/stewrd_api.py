"""The Stewrd API surface of the embedded server: sessions, and the `/v1/agent` calls of the
official `stewrd` 1.1.0 SDK (`agent.run`, `agent.stream`, `submit_tool_outputs`).

Wire facts this module honours (PROTOCOL.md, and the SDK's `streaming.py`):
- the SDK splits SSE frames on `\\n\\n` only, so frames use `\\n`, never sse-starlette's CRLF;
- it skips any frame without an `event:` line, so every frame has one, with JSON data;
- it reads a flat `done`'s credit fields at the top level, and its `response.usage` nested:
  `done` carries both.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui_app.server.options import ServerOptions
from tui_app.server.request_body import BodyRefused, read_json_object, too_long
from tui_app.server.stewrd_sessions import (
    AgentTurn,
    Charge,
    StewrdRefusal,
    StewrdRegistry,
    account_of,
    compose_turn,
    demo_tool_arguments,
    input_token_count,
    new_id,
    project_id_of,
)

DOCS_URL = "https://docs.stewrd.dev/errors"
SSE_SEPARATOR = "\n"
# Echoed back by the SDK on tool-outputs for "machine affinity"; one local machine answers all.
COMPUTE_INSTANCE = "local-0"
TOOL_MESSAGES: dict[str, str] = {
    "data": "Analysing data",
    "files": "Reading the files",
    "research": "Researching",
    "code": "Running code",
    "documents": "Writing a document",
}


def stewrd_error(status: int, code: str, message: str) -> JSONResponse:
    """Stewrd's documented error body: `{"error": {code, message, docs}}`."""
    return JSONResponse({"error": {"code": code, "message": message, "docs": f"{DOCS_URL}#{code}"}}, status_code=status)


# -- request bodies -----------------------------------------------------------


class _Lenient(BaseModel):
    # Unknown fields are tolerated (newer SDKs add some); known ones must have the right type.
    model_config = ConfigDict(extra="allow", strict=True)


class InputFileBody(_Lenient):
    name: str
    content: str


class MessageBody(_Lenient):
    message: str
    capabilities: list[str] | None = None
    files: list[InputFileBody] | None = None
    stream: bool | None = None


class ToolDefinitionBody(_Lenient):
    name: str
    description: str = ""
    parameters: dict[str, Any] = {}


class AgentBody(MessageBody):
    tools: list[ToolDefinitionBody] | None = None


class ToolOutputBody(_Lenient):
    tool_call_id: str
    output: str


class ToolOutputsBody(_Lenient):
    tool_outputs: list[ToolOutputBody]


Body = TypeVar("Body", bound=BaseModel)


def _field_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _refusal_for(error: ValidationError) -> StewrdRefusal:
    first = error.errors()[0]
    path = _field_path(tuple(first["loc"]))
    if path == "message" and first["type"] == "missing":
        return StewrdRefusal(400, "missing_message", "Field 'message' is required: the instruction for the agent")
    return StewrdRefusal(400, "invalid_body", f"Field '{path}': {first['msg']}")


async def _parse(request: Request, model: type[Body], options: ServerOptions) -> Body:
    try:
        data = await read_json_object(request, options)
    except BodyRefused as refused:
        code = {408: "request_timeout", 413: "payload_too_large"}.get(refused.status, "invalid_body")
        raise StewrdRefusal(refused.status, code, refused.message) from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _refusal_for(error) from None


def _message_text(body: MessageBody, limit: int) -> str:
    if not body.message.strip():
        raise StewrdRefusal(400, "missing_message", "Field 'message' is empty")
    if len(body.message) > limit:
        raise StewrdRefusal(400, "invalid_body", too_long("message", limit).message)
    return body.message


# -- who is calling -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Caller:
    account: str
    plan: str


def _caller(request: Request) -> _Caller:
    # The shared auth middleware has already checked the key and set its scope.
    scope = getattr(request.state, "key_scope", "full")
    return _Caller(account_of(request.headers.get("authorization", "")), "free" if scope == "free" else "pro")


def _require_purchased_credits(caller: _Caller) -> None:
    if caller.plan == "free":
        raise StewrdRefusal(403, "plan_restricted", "Sessions need purchased credits; the free plan cannot use them")


# -- replies --------------------------------------------------------------------


@dataclass(slots=True)
class _Reply:
    """One answered request, rendered either as a JSON body or as a `done` frame."""

    id: str
    object: str
    turn: AgentTurn
    charge: Charge
    caller: _Caller
    started: float
    head: dict[str, Any] = field(default_factory=dict)

    def usage(self) -> dict[str, int]:
        return {
            "credits_remaining": self.charge.credits_remaining,
            "credits_this_request": self.charge.credits_this_request,
            "tokens_used": self.turn.tokens_used,
        }

    def body(self, duration_ms: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            **self.head,
            "message": self.turn.reply,
            "capabilities_used": self.turn.capabilities_used,
            "files": self.turn.files,
            "usage": self.usage(),
            "meta": {
                "duration_ms": duration_ms,
                "project_id": project_id_of(self.caller.account),
                "plan": self.caller.plan,
            },
        }

    def done(self, duration_ms: int) -> dict[str, Any]:
        # Flat and nested at once: the SDK builds `usage` from the top level of a flat `done`.
        return {"request_id": self.id, **self.body(duration_ms), **self.usage(), "duration_ms": duration_ms}


def _sse(name: str, data: dict[str, Any]) -> ServerSentEvent:
    # Each event carries its separator: sse-starlette encodes a ServerSentEvent with its own.
    return ServerSentEvent(data=json.dumps({"type": name, **data}), event=name, sep=SSE_SEPARATOR)


def _keepalive() -> ServerSentEvent:
    # A named JSON event, not an SSE comment: the SDK ignores unknown event names.
    return _sse("ping", {})


class StewrdRoutes:
    """The handlers; every refusal they raise becomes a Stewrd error body (see `stewrd_routes`)."""

    def __init__(self, registry: StewrdRegistry) -> None:
        self.registry = registry

    @property
    def options(self) -> ServerOptions:
        return self.registry.options

    def _elapsed_ms(self, started: float) -> int:
        return int((self.registry.clock() - started) * 1000)

    # -- sessions -----------------------------------------------------------

    async def create_session(self, request: Request) -> Response:
        caller = _caller(request)
        _require_purchased_credits(caller)
        session = self.registry.create_session(caller.account)
        return JSONResponse({"id": session.id, "object": "session", "status": session.status}, status_code=201)

    async def send_message(self, request: Request) -> Response:
        caller = _caller(request)
        _require_purchased_credits(caller)
        session = self.registry.session(caller.account, request.path_params["session_id"])
        body = await _parse(request, MessageBody, self.options)
        message = _message_text(body, self.options.max_message_chars)
        used, cost = self.registry.price(body.capabilities)
        started = self.registry.clock()
        files = [f.content for f in body.files or []]
        names = [f.name for f in body.files or []]
        turn = compose_turn(session.earlier_user_messages(), session.earlier_exchanges(), message, files, used, file_names=names)
        charge = self.registry.charge(caller.account, cost)
        # The turn is the server's as soon as it is accepted, like a real agent run: a reader who
        # drops off mid-stream still finds the exchange in context on the next message.
        self.registry.record_exchange(session, message, turn.reply)
        reply = _Reply(new_id("msg"), "session.message", turn, charge, caller, started, {"session_id": session.id})
        return await self._answer(reply, bool(body.stream))

    # -- /v1/agent (the official SDK) ---------------------------------------

    async def run_agent(self, request: Request) -> Response:
        caller = _caller(request)
        body = await _parse(request, AgentBody, self.options)
        message = _message_text(body, self.options.max_message_chars)
        used, cost = self.registry.price(body.capabilities)
        files = [f.content for f in body.files or []]
        if body.tools:
            if body.stream:
                raise StewrdRefusal(400, "invalid_body", "Field 'tools' cannot be combined with stream: true")
            return self._ask_for_tool_outputs(caller, message, used, cost, files, body.tools)
        started = self.registry.clock()
        turn = compose_turn([], [], message, files, used, file_names=[f.name for f in body.files or []])
        charge = self.registry.charge(caller.account, cost)
        reply = _Reply(new_id("req"), "agent.response", turn, charge, caller, started, _completed())
        return await self._answer(reply, bool(body.stream))

    def _ask_for_tool_outputs(
        self,
        caller: _Caller,
        message: str,
        used: list[str],
        cost: int,
        files: list[str],
        tools: list[ToolDefinitionBody],
    ) -> Response:
        """The demo agent calls every declared tool once, then waits for their outputs."""
        started = self.registry.clock()
        charge = self.registry.charge(caller.account, cost)
        calls = [
            {"id": new_id("call"), "name": tool.name, "arguments": demo_tool_arguments(tool.parameters, message)}
            for tool in tools
        ]
        run = self.registry.start_tool_run(caller.account, message, used, files, calls)
        waiting = AgentTurn("", [], input_token_count([], message, files), used, [])
        head = {"status": "requires_tool_outputs", "tool_calls": calls, "_compute_instance": COMPUTE_INSTANCE}
        reply = _Reply(run.id, "agent.response", waiting, charge, caller, started, head)
        return JSONResponse(reply.body(self._elapsed_ms(started)))

    async def submit_tool_outputs(self, request: Request) -> Response:
        caller = _caller(request)
        run = self.registry.pending_tool_run(caller.account, request.path_params["run_id"])
        body = await _parse(request, ToolOutputsBody, self.options)
        outputs = _outputs_for(run.tool_calls, body.tool_outputs)
        self.registry.finish_tool_run(run)
        started = self.registry.clock()
        results = [(call["name"], outputs[call["id"]]) for call in run.tool_calls]
        read = [*run.file_contents, *outputs.values()]
        turn = compose_turn([], [], run.message, read, run.capabilities_used, results)
        # The run was charged when it started; finishing it costs nothing more.
        charge = Charge(0, self.registry.credits_remaining(caller.account))
        reply = _Reply(run.id, "agent.response", turn, charge, caller, started, _completed())
        return await self._answer(reply, stream=False)

    # -- answering ----------------------------------------------------------

    async def _answer(self, reply: _Reply, stream: bool) -> Response:
        if stream:
            heartbeat = self.options.heartbeat_seconds
            return EventSourceResponse(
                self._frames(reply), sep=SSE_SEPARATOR, ping=max(heartbeat, 0), ping_message_factory=_keepalive
            )
        # A blocking call takes as long as streaming the same reply would.
        if self.options.tokens_per_second > 0:
            await asyncio.sleep(len(reply.turn.tokens) / self.options.tokens_per_second)
        return JSONResponse(reply.body(self._elapsed_ms(reply.started)))

    async def _frames(self, reply: _Reply) -> AsyncIterator[ServerSentEvent]:
        """The reply's events; the `drop_stream_after` fault cuts them short with no `done`."""
        sent = 0
        try:
            async for name, data in self._events(reply):
                if self.options.drops_stream_now(sent):
                    return
                yield _sse(name, data)
                sent += 1
        except Exception as error:  # the run fails, the server does not: Stewrd's `error` event
            yield _sse("error", {"code": "compute_error", "message": f"The agent failed: {error}"})

    async def _events(self, reply: _Reply) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        for capability in reply.turn.capabilities_used:
            if capability in TOOL_MESSAGES:
                yield "tool_start", {"tool": capability, "message": TOOL_MESSAGES[capability]}
                yield "tool_end", {"tool": capability}
        for token in reply.turn.tokens:
            # Read each time: the pace may be changed while a reply streams.
            pace = self.options.tokens_per_second
            if pace > 0:
                await asyncio.sleep(1 / pace)
            yield "token", {"text": token}
        yield "done", reply.done(self._elapsed_ms(reply.started))


def _completed() -> dict[str, Any]:
    return {"status": "completed", "tool_calls": []}


def _outputs_for(tool_calls: list[dict[str, Any]], given: list[ToolOutputBody]) -> dict[str, str]:
    """Outputs by call id; every call needs one, and only calls of this run may be answered."""
    known = {call["id"] for call in tool_calls}
    outputs: dict[str, str] = {}
    for index, output in enumerate(given):
        if output.tool_call_id not in known:
            raise StewrdRefusal(
                400,
                "invalid_body",
                f"Field 'tool_outputs[{index}].tool_call_id': no tool call '{output.tool_call_id}' in this run",
            )
        outputs[output.tool_call_id] = output.output
    missing = [call for call in tool_calls if call["id"] not in outputs]
    if missing:
        call = missing[0]
        raise StewrdRefusal(
            400, "invalid_body", f"Field 'tool_outputs': no output for tool call '{call['id']}' ({call['name']})"
        )
    return outputs


Endpoint = Callable[[Request], Awaitable[Response]]


def _answering_refusals(endpoint: Endpoint) -> Endpoint:
    async def answer(request: Request) -> Response:
        try:
            return await endpoint(request)
        except StewrdRefusal as refusal:
            return stewrd_error(refusal.status, refusal.code, refusal.message)

    return answer


def stewrd_routes(registry: StewrdRegistry) -> list[Route]:
    routes = StewrdRoutes(registry)
    return [
        Route("/v1/sessions", _answering_refusals(routes.create_session), methods=["POST"]),
        Route("/v1/sessions/{session_id}/messages", _answering_refusals(routes.send_message), methods=["POST"]),
        Route("/v1/agent", _answering_refusals(routes.run_agent), methods=["POST"]),
        Route("/v1/agent/{run_id}/tool-outputs", _answering_refusals(routes.submit_tool_outputs), methods=["POST"]),
    ]
