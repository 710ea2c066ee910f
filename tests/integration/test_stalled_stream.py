"""A stream that goes silent, over real HTTP: it is noticed after the stall timeout (a setting),
resumed, and given up on after the reconnect attempts, each step published as a workspace notice
that a caller can print (`tui-app ask` prints them on stderr).

Class covered: a stalled stream (liveness timeout as a setting; reconnecting and giving up said).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tests.hostile_server import KEY, STALL, HostileServer, Reply, Script, sse, stream_of, text_part
from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.backends.errors import ConnectionFailed
from tui_app.backends.http_backend import RetryPolicy
from tui_app.core.events import DomainEvent, StreamGaveUp, StreamInterrupted, TurnCompleted
from tui_app.server.options import ServerOptions
from tui_app.settings.stream_limits import stream_limits
from tui_app.settings.user_settings import load_settings
from tui_app.workspace.changes import Notice
from tui_app.workspace.workspace import Workspace

# A tiny stall timeout and no real backoff: the test waits for nothing but the stalls themselves.
TINY = RetryPolicy(reconnect_attempts=3, reconnect_base_delay=0.001, reconnect_max_delay=0.001, request_retries=0, liveness_timeout=0.2)


def stalls_after_hello() -> Iterator[bytes]:
    yield sse("turn.started", {"turnId": "t1"}, 1)
    yield text_part("hello", 2)
    yield STALL


async def run_turn(script: Script, retry: RetryPolicy) -> tuple[Workspace, list[DomainEvent], list[Notice], BaseException | None]:
    """One turn through a workspace: what it applied, what it said, and what the send raised."""
    events: list[DomainEvent] = []
    with HostileServer(script) as server:
        workspace = Workspace([Connection("casedev", server.base_url, ApiKey(KEY), retry=retry)])
        notices: list[Notice] = []
        workspace.notices.subscribe(notices.append)
        workspace.changes.subscribe(lambda change: change.event is not None and events.append(change.event))
        workspace.open()
        raised: BaseException | None = None
        try:
            session = await workspace.open_session("stalled")
            await workspace.send(session, "hi")
        except ConnectionFailed as error:
            raised = error
        finally:
            await workspace.aclose()
    return workspace, events, notices, raised


async def test_a_stream_that_stalls_is_resumed_then_given_up_with_notices_to_print() -> None:
    script = Script(respond=Reply(chunks=stalls_after_hello), stream=Reply(chunks=lambda: iter([STALL])))
    workspace, events, notices, raised = await run_turn(script, TINY)
    assert isinstance(raised, ConnectionFailed) and "after 3 attempts" in raised.message
    stalled = "the stream stalled: nothing came for 0.2 s"
    interrupted = [e for e in events if isinstance(e, StreamInterrupted)]
    assert [(e.attempt, e.reason) for e in interrupted] == [(1, stalled), (2, stalled), (3, stalled)]
    [gave_up] = [e for e in events if isinstance(e, StreamGaveUp)]
    assert (gave_up.attempts, gave_up.reason) == (3, stalled)
    assert gave_up.seconds >= 3 * 0.2  # three stalls since the first one broke the stream
    assert [(n.title, n.severity) for n in notices] == [("stalled: reconnecting", "warning")] * 3 + [
        ("stalled: stream lost", "error")
    ]
    assert [n.message.split(" in ")[0] for n in notices[:3]] == [f"Reconnecting (attempt {n})" for n in (1, 2, 3)]
    assert all(n.message.endswith(f": {stalled}.") for n in notices[:3])
    assert notices[-1].message.startswith("Gave up after 3 attempts over ")
    assert notices[-1].message.endswith(f" s: {stalled}. The turn may still finish on the service.")
    [session] = workspace.sessions.values()
    assert session.transcript.messages[-1].text == "hello"  # what came before the stall is kept
    assert session.state == "ready" and session.error is not None


async def test_a_stalled_reply_resumed_from_the_feed_finishes_after_one_notice() -> None:
    # The feed speaks OpenCode's envelope (PROTOCOL.md): the part again in full, then the end.
    part = {"id": "p1", "messageID": "m1", "type": "text", "text": "hello world"}
    rest = stream_of(
        sse("message.part.updated", {"type": "message.part.updated", "properties": {"part": part, "turnId": "t1"}}, 3),
        sse("session.idle", {"type": "session.idle", "properties": {"turnId": "t1", "status": "completed"}}, 4),
    )
    workspace, events, notices, raised = await run_turn(Script(respond=Reply(chunks=stalls_after_hello), stream=rest), TINY)
    assert raised is None and isinstance(events[-1], TurnCompleted)
    [session] = workspace.sessions.values()
    assert session.transcript.messages[-1].text == "hello world"
    assert [n.message.split(" in ")[0] for n in notices] == ["Reconnecting (attempt 1)"]


def test_the_stall_timeout_is_a_setting_twice_the_embedded_servers_heartbeat(tmp_path: Path) -> None:
    default = load_settings(tmp_path / "none.toml", env={}).settings
    assert default.stall_timeout_s == 2 * ServerOptions().heartbeat_seconds
    assert stream_limits(default).liveness_timeout == default.stall_timeout_s
    config = tmp_path / "config.toml"
    config.write_text("stall_timeout_s = 12.5\nmax_frame_mib = 2\n", encoding="utf-8")
    limits = stream_limits(load_settings(config, env={}).settings)
    assert (limits.liveness_timeout, limits.max_frame_bytes) == (12.5, 2 * 2**20)
    from_env = load_settings(config, env={"TUI_APP_STALL_TIMEOUT_S": "90"}).settings
    assert stream_limits(from_env).liveness_timeout == 90
    loaded = load_settings(config, env={"TUI_APP_STALL_TIMEOUT_S": "0"})
    assert loaded.problems and "stall_timeout_s" in loaded.problems[0]
