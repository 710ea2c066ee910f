"""The turn runner: plays the demo agent's plan for one turn onto a chat's event log.

It streams reasoning and text parts token by token, moves a tool call through its states, asks
questions and waits for the answers, and reports usage (interim snapshots, then the final one)
before `turn.completed`, whatever the outcome: a cancelled or failed turn is billed too. That
holds across a restart: a turn the server stopped (or was killed) during is closed as failed
when its chat is loaded again (turn_usage.py's `close_interrupted_turns`), billed for what it had streamed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tui_app.server import demo_agent
from tui_app.server.chat_model import Chat, PendingQuestion, TurnRecord
from tui_app.server.chats import ChatRegistry
from tui_app.server.turn_usage import INTERRUPTED_ERROR, Meter, api_entry, usage_payload

__all__ = ["INTERRUPTED_ERROR", "TurnRunner"]


class TurnRunner:
    def __init__(self, registry: ChatRegistry) -> None:
        self.registry = registry
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, chat: Chat, text: str, model: str | None) -> TurnRecord:
        """Start a turn; the caller has checked that none is active and the chat is not ended."""
        resuming = self.registry.status(chat) == "idle"
        turn = TurnRecord(id=self.registry.new_id("turn"), user_text=text, model=model or chat.model)
        earlier = [(t.user_text, t.reply_text) for t in chat.turns if t.status == "completed"]
        chat.turns.append(turn)
        chat.active_turn = turn
        self.registry.touch(chat)
        turn.task = asyncio.get_running_loop().create_task(self._run(chat, turn, earlier, resuming))
        self._tasks.add(turn.task)
        turn.task.add_done_callback(self._tasks.discard)
        return turn

    @property
    def _delay(self) -> float:
        pace = self.registry.options.tokens_per_second
        return 1.0 / pace if pace > 0 else 0.0

    async def _pause(self) -> None:
        # Even unpaced, yield to the loop so readers and cancels get their turn.
        await asyncio.sleep(self._delay)

    async def _run(self, chat: Chat, turn: TurnRecord, earlier: list[tuple[str, str]], resuming: bool) -> None:
        clock = self.registry.clock
        meter = Meter(turn.model, demo_agent.input_tokens(earlier, turn.user_text), clock())
        error: str | None = None
        try:
            await chat.publish("turn.started", {"turnId": turn.id, "chatId": chat.id})
            if resuming:
                await chat.publish(
                    "turn.status",
                    {"turnId": turn.id, "status": "resuming", "message": "Restoring the sandbox from its snapshot"},
                )
                await asyncio.sleep(self.registry.options.resume_delay)
                self.registry.resume(chat)
            await chat.publish("turn.status", {"turnId": turn.id, "status": "running"})
            turn.message_id = self.registry.new_id("msg")
            await chat.publish(
                "message.created", {"turnId": turn.id, "messageId": turn.message_id, "role": "assistant"}
            )
            plan = demo_agent.plan(turn.user_text)
            if plan.reasoning:
                await self._stream_part(chat, turn, meter, "reasoning", plan.reasoning)
            if plan.tool_call:
                await self._call_tool(chat, turn, meter, plan.tool_call)
            answers = await self._ask(chat, turn, plan.questions) if plan.questions else []
            reply = demo_agent.reply([user for user, _ in earlier], turn.user_text, answers)
            turn.reply_text = await self._stream_part(chat, turn, meter, "text", reply)
            await chat.publish("message.completed", {"turnId": turn.id, "messageId": turn.message_id, "finish": "stop"})
            turn.status = "completed"
        except asyncio.CancelledError:
            if self.registry.stopping:
                # The server is going away, not the user cancelling: end the turn the way the
                # next start would find it had the process been killed instead.
                turn.status, error = "failed", INTERRUPTED_ERROR
            else:
                turn.status = "cancelled"
            await self._reject_questions(chat, turn)
        except Exception as failure:  # the turn fails, the server does not
            turn.status, error = "failed", str(failure)
            await self._reject_questions(chat, turn)
        turn.usage = usage_payload(meter, turn.id, clock() - meter.started)
        await chat.publish("session.usage", {"turnId": turn.id, "usage": turn.usage})
        completed: dict[str, Any] = {"turnId": turn.id, "status": turn.status}
        if error:
            completed["error"] = error
        if turn.status == "completed":
            chat.files[f"out/turn-{len(chat.turns)}.md"] = turn.reply_text.encode()
            if demo_agent.FILE_KEYWORD in turn.user_text.lower():
                path, content = demo_agent.demo_file(len(chat.turns), turn.user_text)
                chat.files[path] = content.encode()
        chat.active_turn = None
        self.registry.touch(chat)
        await chat.publish("turn.completed", completed)

    async def _publish_part(self, chat: Chat, turn: TurnRecord, part: dict[str, Any], delta: str | None = None) -> None:
        turn.parts[part["id"]] = part
        payload: dict[str, Any] = {"turnId": turn.id, "messageId": turn.message_id, "partId": part["id"], "part": part}
        if delta is not None:
            payload["delta"] = delta
        await chat.publish("message.part.updated", payload)

    async def _stream_part(self, chat: Chat, turn: TurnRecord, meter: Meter, kind: str, text: str) -> str:
        part_id = self.registry.new_id("prt")
        every = max(self.registry.options.usage_every_tokens, 1)
        shown = ""
        for token in demo_agent.tokenize(text):
            await self._pause()
            shown += token
            meter.output_tokens += 1
            await self._publish_part(chat, turn, {"id": part_id, "type": kind, "text": shown}, delta=token)
            if meter.output_tokens % every == 0:
                usage = usage_payload(meter, turn.id, self.registry.clock() - meter.started)
                await chat.publish("session.usage", {"turnId": turn.id, "usage": usage})
        return shown

    async def _call_tool(self, chat: Chat, turn: TurnRecord, meter: Meter, call: demo_agent.ToolCall) -> None:
        part = {"id": self.registry.new_id("prt"), "type": "tool", "tool": call.tool, "callID": self.registry.new_id("call")}
        title = f"Searching for {call.input['query']}"
        for state in ({"status": "pending", "input": call.input}, {"status": "running", "input": call.input, "title": title}):
            await self._publish_part(chat, turn, {**part, "state": state})
            await self._pause()
        if call.error is None:
            final = {"status": "completed", "input": call.input, "output": call.output, "title": title}
        else:
            final = {"status": "error", "input": call.input, "error": call.error}
        meter.tool_calls += 1
        meter.api_entries.append(api_entry(call, part["callID"]))
        await self._publish_part(chat, turn, {**part, "state": final})

    async def _ask(self, chat: Chat, turn: TurnRecord, questions: list[dict[str, Any]]) -> list[list[str]]:
        request_id = self.registry.new_id("que")
        answer: asyncio.Future[list[list[str]]] = asyncio.get_running_loop().create_future()
        chat.questions[request_id] = PendingQuestion(request_id, turn.id, questions, answer)
        await chat.publish("turn.status", {"turnId": turn.id, "status": "waiting", "message": "Waiting for your answer"})
        await chat.publish("question.asked", {"turnId": turn.id, "requestID": request_id, "questions": questions})
        answers = await answer
        chat.questions.pop(request_id, None)
        await chat.publish("question.replied", {"turnId": turn.id, "requestID": request_id, "answers": answers})
        await chat.publish("turn.status", {"turnId": turn.id, "status": "running"})
        return answers

    async def _reject_questions(self, chat: Chat, turn: TurnRecord) -> None:
        for request_id, pending in list(chat.questions.items()):
            if pending.turn_id == turn.id:
                chat.questions.pop(request_id)
                await chat.publish("question.rejected", {"turnId": turn.id, "requestID": request_id})
