"""The official `stewrd` 1.1.0 SDK, unchanged, against the embedded server over real HTTP.

The SDK has no sessions API: it speaks `POST /v1/agent` (run, stream) and
`POST /v1/agent/{id}/tool-outputs`, so this is what someone's existing SDK code needs from us.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from stewrd import (
    DoneEvent,
    InputFile,
    Stewrd,
    StewrdError,
    TokenEvent,
    ToolDefinition,
    ToolEndEvent,
    ToolOutput,
    ToolStartEvent,
)

from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

LOOKUP_TOOL = ToolDefinition(
    name="lookup_case",
    description="Find a court case by its name",
    parameters={"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}}},
)


@pytest.fixture(scope="module")
def options() -> ServerOptions:
    return ServerOptions(tokens_per_second=0)


@pytest.fixture(scope="module")
def sdk_server(options: ServerOptions) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(options) as running:
        yield running


@pytest.fixture(scope="module")
def sdk(sdk_server: EmbeddedServer) -> Iterator[Stewrd]:
    with Stewrd(sdk_server.api_key, base_url=sdk_server.base_url, timeout=30) as client:
        yield client


@contextmanager
def tuned(options: ServerOptions, **changes: Any) -> Iterator[None]:
    before = {name: getattr(options, name) for name in changes}
    for name, value in changes.items():
        setattr(options, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(options, name, value)


def test_agent_run_returns_the_demo_reply_with_usage_and_meta(sdk: Stewrd) -> None:
    result = sdk.agent.run("Research CRM tools")
    assert result.status == "completed" and result.object == "agent.response" and result.id
    assert result.message == demo_agent.reply([], "Research CRM tools")
    assert result.capabilities_used == ["chat"] and result.tool_calls == [] and result.files == []
    assert result.usage.credits_this_request == 1
    assert result.usage.tokens_used > demo_agent.count_tokens(result.message)
    assert result.meta.plan == "pro" and result.meta.project_id.startswith("proj_")


def test_agent_run_with_files_and_documents_returns_a_document_and_counts_the_files(sdk: Stewrd) -> None:
    plain = sdk.agent.run("summarise", capabilities=["documents"])
    with_file = sdk.agent.run(
        "summarise", capabilities=["documents"], files=[InputFile(name="notes.txt", content="one two three four")]
    )
    assert with_file.usage.credits_this_request == 5
    # The agent reads the file, and its reply begins by saying what it received.
    received = demo_agent.acknowledgement([("notes.txt", 18)]) + "\n\n"
    assert with_file.message == received + plain.message
    said_more = demo_agent.count_tokens(with_file.message) - demo_agent.count_tokens(plain.message)
    read_and_said = demo_agent.count_tokens("one two three four") + said_more
    assert with_file.usage.tokens_used == plain.usage.tokens_used + read_and_said
    assert [(f.name, f.content) for f in with_file.files] == [("demo-reply.md", with_file.message)]


def test_agent_stream_yields_tool_events_and_tokens_that_join_into_the_final_reply(sdk: Stewrd) -> None:
    events = list(sdk.agent.stream("Find recent rulings", capabilities=["research"]))
    assert isinstance(events[0], ToolStartEvent) and events[0].tool == "research"
    assert isinstance(events[1], ToolEndEvent) and events[1].tool == "research"
    text = "".join(e.content for e in events if isinstance(e, TokenEvent))
    assert text == demo_agent.reply([], "Find recent rulings")

    done = events[-1]
    assert isinstance(done, DoneEvent)
    assert done.response.message == text and done.response.capabilities_used == ["research"]
    # `done.usage` is what the SDK reads from the top level of a flat `done` frame.
    assert done.usage.credits_this_request == 3 and done.usage.credits_remaining > 0
    assert done.usage == done.response.usage


def test_final_response_of_a_stream_matches_a_blocking_run(sdk: Stewrd) -> None:
    streamed = sdk.agent.stream("same answer twice").final_response()
    blocking = sdk.agent.run("same answer twice")
    assert streamed.message == blocking.message
    assert streamed.usage.tokens_used == blocking.usage.tokens_used
    assert streamed.usage.credits_remaining == blocking.usage.credits_remaining + 1


def test_run_with_tools_calls_the_tool_submits_its_output_and_finishes_with_it(sdk: Stewrd) -> None:
    calls: list[dict[str, Any]] = []

    def handler(call: dict[str, Any]) -> str:
        calls.append(call)
        return "Brown v. Board of Education (1954)"

    before = sdk.agent.run("warm up").usage.credits_remaining
    result = sdk.agent.run_with_tools("Find Brown v. Board", tools=[LOOKUP_TOOL], handler=handler)
    assert [c["name"] for c in calls] == ["lookup_case"]
    assert calls[0]["arguments"] == {"query": "Find Brown v. Board", "limit": 1}
    assert result.status == "completed"
    assert "`lookup_case` returned “Brown v. Board of Education (1954)”" in result.message
    assert demo_agent.reply([], "Find Brown v. Board") in result.message
    # The run is charged once, when it starts; submitting outputs costs nothing more.
    assert result.usage.credits_this_request == 0 and result.usage.credits_remaining == before - 1


def test_a_run_waiting_for_tool_outputs_can_be_finished_only_once(sdk: Stewrd) -> None:
    waiting = sdk.agent.run("use the tool", tools=[LOOKUP_TOOL])
    assert waiting.status == "requires_tool_outputs" and waiting.message == ""
    assert waiting._compute_instance  # echoed back by the SDK for machine affinity
    (call,) = waiting.tool_calls

    with pytest.raises(StewrdError) as wrong_call:
        sdk.agent.submit_tool_outputs(waiting.id, [ToolOutput(tool_call_id="call_other", output="x")])
    assert wrong_call.value.status == 400 and "tool_outputs[0].tool_call_id" in wrong_call.value.message

    outputs = [ToolOutput(tool_call_id=call.id, output="found")]
    finished = sdk.agent.submit_tool_outputs(waiting.id, outputs, compute_instance=waiting._compute_instance)
    assert finished.status == "completed" and finished.id == waiting.id

    with pytest.raises(StewrdError) as again:
        sdk.agent.submit_tool_outputs(waiting.id, outputs)
    assert again.value.status == 404 and again.value.code == "context_expired"


def test_refusals_reach_the_sdk_as_stewrd_errors_with_their_codes(sdk: Stewrd, options: ServerOptions) -> None:
    with pytest.raises(StewrdError) as empty:
        sdk.agent.run("  ")
    assert (empty.value.status, empty.value.code) == (400, "missing_message")
    assert empty.value.docs and empty.value.docs.endswith("#missing_message")

    with pytest.raises(StewrdError) as unknown:
        sdk.agent.stream("hi", capabilities=["teleport"])
    assert (unknown.value.status, unknown.value.code) == (403, "capability_not_enabled")

    with tuned(options, stewrd_credits=0), pytest.raises(StewrdError) as broke:
        sdk.agent.run("hi")
    assert (broke.value.status, broke.value.code) == (402, "insufficient_credits")


def test_a_wrong_key_is_refused_with_invalid_api_key(sdk_server: EmbeddedServer) -> None:
    with Stewrd("sk-stw_not_the_key", base_url=sdk_server.base_url) as stranger, pytest.raises(StewrdError) as refused:
        stranger.agent.run("hi")
    assert (refused.value.status, refused.value.code) == (401, "invalid_api_key")
    assert "sk-stw_not_the_key" not in refused.value.message


def test_a_paced_stream_with_frequent_keepalives_parses_unchanged(sdk: Stewrd, options: ServerOptions) -> None:
    # About 1.4 s of tokens at 100/s with a keepalive every 10 ms: the SDK skips them silently.
    with tuned(options, tokens_per_second=100, heartbeat_seconds=0.01):
        events = list(sdk.agent.stream("slowly"))
    assert all(isinstance(e, (TokenEvent, DoneEvent)) for e in events)
    assert "".join(e.content for e in events if isinstance(e, TokenEvent)) == demo_agent.reply([], "slowly")


def test_a_stream_the_server_drops_has_no_final_response(sdk: Stewrd, options: ServerOptions) -> None:
    with tuned(options, drop_stream_after=3):
        stream = sdk.agent.stream("cut me off")
        with pytest.raises(RuntimeError, match="without a done event"):
            stream.final_response()
