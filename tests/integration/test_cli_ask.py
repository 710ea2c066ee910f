"""`tui-app ask` as a script (or a person at a terminal) runs it: a subprocess against the
embedded server, its stdout, stderr and exit status, and what the server holds afterwards."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.stored_sessions import two_sessions
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

GUARD = 60  # seconds: a guard against a hang, never a measured figure


def env_for(data: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "TUI_APP_DATA_DIR": str(data), **extra}


def ask(data: Path, *args: str, stdin: str | None = "", **env: str) -> subprocess.CompletedProcess[str]:
    """`tui-app ask` on the local backend at full speed; stdin is a pipe (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "tui_app", "ask", "--speed", "0", *args],
        input=stdin, capture_output=True, text=True, timeout=GUARD, env=env_for(data, **env), check=False,
    )


def casedev_env(server: EmbeddedServer) -> dict[str, str]:
    return {"CASEDEV_API_KEY": server.api_key, "CASEDEV_BASE_URL": server.base_url}


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def summary(stdout: str) -> dict[str, Any]:
    last = json_lines(stdout)[-1]
    assert last["type"] == "summary"
    return last


# -- questions never hang ------------------------------------------------------------------


def test_a_question_without_a_terminal_fails_with_a_clear_message_and_its_own_exit_status(tmp_path: Path) -> None:
    result = ask(tmp_path, "ask me please")
    assert result.returncode == 4, result.stderr
    assert "How long should my answer be?" in result.stderr
    assert "no terminal to answer on" in result.stderr and "--on-question" in result.stderr
    assert "Traceback" not in result.stderr


def test_on_question_first_answers_each_question_with_its_first_option(tmp_path: Path) -> None:
    result = ask(tmp_path, "--on-question", "first", "quiz me")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(demo_agent.reply([], "quiz me", [["Short"], ["Cost"]]) + "\n")
    assert "answered Short; Cost" in result.stderr


def test_on_question_skip_cancels_the_turn_keeps_what_was_said_and_exits_0(tmp_path: Path) -> None:
    result = ask(tmp_path, "--on-question", "skip", "think, then ask me")
    assert result.returncode == 0, result.stderr
    assert "skipped (--on-question skip)" in result.stderr
    assert "You said" not in result.stdout  # the reply never came: the turn was cancelled at the question


def read_until(fd: int, wanted: bytes, seen: bytearray) -> None:
    """Read the terminal's output until `wanted` appears (the guard fails the test, never waits forever)."""
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], GUARD)
        assert ready, f"{wanted!r} never came; the terminal showed {bytes(seen)!r}"
        seen.extend(os.read(fd, 4096))


def test_at_a_terminal_the_question_is_asked_on_stderr_and_the_typed_answer_sent(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_app", "ask", "--speed", "0", "ask me"],
        stdin=terminal, stderr=terminal, stdout=subprocess.PIPE, env=env_for(tmp_path),
    )
    os.close(terminal)
    seen = bytearray()
    try:
        read_until(controller, b"Type a number from 1 to 2, or your own answer. > ", seen)
        assert b"How long should my answer be?" in seen and b"2. Detailed" in seen
        os.write(controller, b"9\n")  # no such option: asked again, saying why
        read_until(controller, b"There is no option 9", seen)
        os.write(controller, b"2\n")
        stdout, _ = process.communicate(timeout=GUARD)
    finally:
        process.kill()
        os.close(controller)
    assert process.returncode == 0, bytes(seen)
    assert stdout.decode().startswith(demo_agent.reply([], "ask me", [["Detailed"]]) + "\n")


def test_at_a_terminal_the_end_of_input_is_no_answer_and_exits_4(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_app", "ask", "--speed", "0", "ask me"],
        stdin=terminal, stderr=terminal, stdout=subprocess.PIPE, env=env_for(tmp_path),
    )
    os.close(terminal)
    seen = bytearray()
    try:
        read_until(controller, b"> ", seen)
        os.write(controller, b"\x04")  # Ctrl+D
        process.communicate(timeout=GUARD)
        read_until(controller, b"no answer was typed", seen)
    finally:
        process.kill()
        os.close(controller)
    assert process.returncode == 4


# -- the message -----------------------------------------------------------------------------


def test_the_message_is_read_from_stdin_for_a_dash_or_when_left_out(tmp_path: Path) -> None:
    for args in (["-"], []):
        result = ask(tmp_path, *args, stdin="piped in\nover two lines\n")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(demo_agent.reply([], "piped in\nover two lines\n"))
    given = ask(tmp_path, "the argument", stdin="not this")
    assert given.stdout.startswith(demo_agent.reply([], "the argument"))


def test_an_empty_message_is_refused_before_anything_is_sent(tmp_path: Path, server: EmbeddedServer) -> None:
    chats = len(server.registry.chats)
    for args, stdin in ((["", "--backend", "casedev"], ""), (["--backend", "casedev"], " \n\t"), (["-", "--backend", "casedev"], "")):
        result = ask(tmp_path, *args, stdin=stdin, **casedev_env(server))
        assert result.returncode == 2, result.stderr
        assert "the message is empty; nothing was sent" in result.stderr
    assert len(server.registry.chats) == chats


def test_help_documents_the_options_and_exit_statuses() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui_app", "ask", "--help"], capture_output=True, text=True, timeout=GUARD, check=False
    )
    assert result.returncode == 0
    for words in ("--on-question {fail,first,skip}", "--session SESSION", "--continue", "--keep", "--json", "exit status:", "  4  the agent asked"):
        assert words in result.stdout, words


# -- stored sessions: continue, and end what ask created ------------------------------------------


def test_continue_and_session_send_to_a_stored_session_as_the_app_keeps_it(tmp_path: Path) -> None:
    first = ask(tmp_path, "--keep", "--json", "remember the lighthouse")
    assert first.returncode == 0, first.stderr
    kept = summary(first.stdout)
    assert kept["ended"] is False
    second = ask(tmp_path, "--continue", "and then?")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith(demo_agent.reply(["remember the lighthouse"], "and then?"))
    third = ask(tmp_path, "--session", kept["session"][:8], "--json", "one more")
    assert third.returncode == 0, third.stderr
    texts = "".join(event["delta"] for event in json_lines(third.stdout) if event["type"] == "text")
    assert texts == demo_agent.reply(["remember the lighthouse", "and then?"], "one more")  # earlier turns not printed
    assert summary(third.stdout)["continued"] is True and summary(third.stdout)["ended"] is False
    with Store(tmp_path / "tui-app.db") as store:
        record = store.session(kept["session"])
        assert record is not None and record.state == "ready"
        assert [m.text for m in store.load_transcript(record.id).transcript.messages if m.role == "user"] == [
            "remember the lighthouse", "and then?", "one more"
        ]


def test_continuing_an_unknown_or_ended_session_is_a_clear_error(tmp_path: Path) -> None:
    unknown = ask(tmp_path, "--session", "nosuch", "hi")
    assert unknown.returncode == 2 and "no session matches 'nosuch'" in unknown.stderr
    assert ask(tmp_path, "hello").returncode == 0  # ended afterwards: ask did not keep it
    ended = ask(tmp_path, "--continue", "again")
    assert ended.returncode == 1 and "cannot take a message: it has ended" in ended.stderr


def test_a_session_that_could_not_start_is_not_kept(tmp_path: Path) -> None:
    result = ask(tmp_path, "--backend", "casedev", "hi", CASEDEV_API_KEY="sk_case_" + "x" * 24, CASEDEV_BASE_URL="http://127.0.0.1:9")
    assert result.returncode == 1 and "Could not reach" in result.stderr
    with Store(tmp_path / "tui-app.db") as store:
        assert store.sessions() == []


def test_ask_ends_the_chat_it_created_unless_kept_or_continued(tmp_path: Path, server: EmbeddedServer) -> None:
    env = casedev_env(server)
    ended = summary(ask(tmp_path, "--backend", "casedev", "--json", "hi", **env).stdout)
    assert ended["ended"] is True
    chat = server.registry.chats.get(ended["remote_session"])
    assert chat is None or chat.ended  # the server holds it no longer (ended, or already let go)
    kept = summary(ask(tmp_path, "--backend", "casedev", "--json", "--keep", "hi", **env).stdout)
    assert kept["ended"] is False and not server.registry.chats[kept["remote_session"]].ended
    continued = summary(ask(tmp_path, "--json", "--session", kept["session"], "more", **env).stdout)
    assert continued["exit_status"] == 0 and continued["ended"] is False
    assert not server.registry.chats[kept["remote_session"]].ended


# -- JSON Lines ---------------------------------------------------------------------------------


def test_json_prints_one_object_per_event_and_a_summary_with_exact_money(tmp_path: Path) -> None:
    result = ask(tmp_path, "--json", "--on-question", "first", "use a tool, then ask me")
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    kinds = [event["type"] for event in events]
    assert kinds[0] == "session" and kinds[1] == "turn_start" and kinds[-2:] == ["turn_end", "summary"]
    assert {"tool", "question", "question_settled", "usage", "text"} <= set(kinds)
    reply = demo_agent.reply([], "use a tool, then ask me", [["Short"]])
    assert "".join(e["delta"] for e in events if e["type"] == "text") == reply
    (question,) = [e for e in events if e["type"] == "question"]
    assert [o["label"] for o in question["questions"][0]["options"]] == ["Short", "Detailed"]
    assert [e["answers"] for e in events if e["type"] == "question_settled"] == [[["Short"]]]
    tool = [e for e in events if e["type"] == "tool"][-1]
    assert (tool["name"], tool["state"], tool["title"]) == ("demo_search", "completed", "Searching for use a tool, then ask me")
    last_usage = [e for e in events if e["type"] == "usage"][-1]
    end = summary(result.stdout)
    assert end["cost_micros"] == last_usage["cost_micros"]
    llm = demo_agent.cost_micros(end["input_tokens"], end["output_tokens"])
    assert isinstance(end["cost_micros"], int) and end["cost_micros"] == llm + demo_agent.SEARCH_COST_MICROS
    assert end["cost_credits"] is None and end["exit_status"] == 0 and end["outcome"] == "completed"


@pytest.fixture
def dropping_server() -> Iterator[EmbeddedServer]:
    """Every turn's stream is cut after 12 events, once: the client resumes from the feed."""
    options = ServerOptions(tokens_per_second=0, drop_stream_after=12, drop_stream_count=1)
    with EmbeddedServer(options) as running:
        yield running


def test_json_reports_a_reconnect_and_the_reply_stays_whole(tmp_path: Path, dropping_server: EmbeddedServer) -> None:
    result = ask(tmp_path, "--backend", "casedev", "--json", "hello", **casedev_env(dropping_server))
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    assert [e["type"] for e in events if e["type"] in ("reconnecting", "resumed")][:2] == ["reconnecting", "resumed"]
    assert "".join(e["delta"] for e in events if e["type"] == "text") == demo_agent.reply([], "hello")
    # The completeness mark the app shows in the reply, as data: the feed replayed it all.
    *_, mark = (e for e in events if e["type"] == "completeness")
    assert mark["cause"] == "reconnect" and mark["known"] is True and mark["missing"] == []
    assert "nothing missing" in mark["text"]


# -- stderr and stdout as scripts meet them --------------------------------------------------------


def test_workspace_notices_are_printed_on_stderr_one_line_each(tmp_path: Path) -> None:
    result = ask(tmp_path, "hello", TUI_APP_BUDGET__SESSION_USD="0.000001")
    assert result.returncode == 0, result.stderr
    budget = [line for line in result.stderr.splitlines() if line.startswith("tui-app ask: Budget: ")]
    assert len(budget) == 1, result.stderr


def test_a_closed_stdout_stops_ask_quietly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_app", "ask", "--speed", "20", "a slow reply"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(tmp_path),
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(3) == b"You"
    process.stdout.close()  # as `| head -c 3` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=GUARD) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


# -- search ---------------------------------------------------------------------------------------


async def test_search_takes_several_words_without_quotes(connection: Connection, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _, groceries = await two_sessions(connection, data)
    run = lambda *words: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "tui_app", "search", *words],
        capture_output=True, text=True, timeout=GUARD, env=env_for(data), check=False,
    )
    both = run("apples", "bread")
    assert both.returncode == 0, both.stderr
    assert groceries.id[:12] in both.stdout and "**apples**" in both.stdout and "**bread**" in both.stdout
    assert run("apples", "bread").stdout == run("apples bread").stdout
    nothing = run("apples", "museums")  # every word must be in the message
    assert nothing.returncode == 1 and "Nothing found for 'apples museums'" in nothing.stdout


# -- a service that refuses answers and ignores cancels ------------------------------------------


def test_a_service_that_refuses_the_answer_and_the_cancel_still_cannot_make_ask_hang(tmp_path: Path) -> None:
    """The hostile service asks (in hostile text), has no reply or cancel to offer (404), and never
    ends the turn: `ask` answers once, is refused, gives up, and stops following after its grace."""
    from tests.hostile_server import HOSTILE, KEY, HostileServer, Script, sse, stream_of
    from tests.integration.test_hostile_cli import assert_clean

    question = {
        "turnId": "t1",
        "requestID": "que_h",
        "questions": [{"question": f"Which? {HOSTILE}", "options": [{"label": f"One {HOSTILE}"}], "custom": False}],
    }
    frames = (sse("turn.started", {"turnId": "t1", "chatId": "chat_h"}, 1), sse("question.asked", question, 2))
    with HostileServer(Script(respond=stream_of(*frames))) as hostile:
        result = subprocess.run(
            [sys.executable, "-m", "tui_app", "ask", "--backend", "casedev", "--on-question", "first", "hi"],
            capture_output=True, timeout=GUARD, check=False, stdin=subprocess.DEVNULL,
            env=env_for(tmp_path, CASEDEV_API_KEY=KEY, CASEDEV_BASE_URL=hostile.base_url),
        )
        calls = list(hostile.script.calls)
    assert result.returncode == 4, result.stderr
    assert_clean(result)
    assert b"the service refused the answer to" in result.stderr and "⟨U+202E⟩evil".encode() in result.stderr
    assert "end" in calls  # the chat it created was still ended
