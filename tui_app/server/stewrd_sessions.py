"""Stewrd sessions of the embedded server: ownership, history, credits, limits and expiry (no HTTP).

Every limit is read from `ServerOptions` when it applies, because tests and `tui-app serve` change
them while the server runs; every time read goes through the injected clock, so tests can drive
expiry with a fake clock or with `idle_scale`. Limits are Stewrd's (PROTOCOL.md "Stewrd
sessions"): 30 min idle expiry, 10 active sessions and credits per key, 50 messages of history.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions

CAPABILITY_COSTS: dict[str, int] = {"chat": 1, "data": 1, "files": 2, "research": 3, "code": 3, "documents": 5}
DEFAULT_CAPABILITIES: tuple[str, ...] = ("chat",)
IDLE_EXPIRY_SECONDS = 30 * 60
DEMO_DOCUMENT_NAME = "demo-reply.md"


class StewrdRefusal(Exception):
    """A request the registry refuses, with Stewrd's documented status and error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def account_of(authorization: str) -> str:
    # Only a digest of the bearer key is kept, so the key is never stored, logged or echoed.
    return hashlib.sha256(authorization.encode()).hexdigest()


def project_id_of(account: str) -> str:
    return f"proj_{account[:12]}"


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass(slots=True)
class HistoryMessage:
    role: Literal["user", "assistant"]
    content: str


@dataclass(slots=True)
class StewrdSession:
    id: str
    account: str
    last_activity: float
    status: Literal["active", "expired"] = "active"
    history: list[HistoryMessage] = field(default_factory=list)

    def earlier_user_messages(self) -> list[str]:
        return [m.content for m in self.history if m.role == "user"]

    def earlier_exchanges(self) -> list[tuple[str, str]]:
        """(user, assistant) pairs still in context; a user message cut from its reply reads alone."""
        pairs: list[tuple[str, str]] = []
        for message in self.history:
            if message.role == "user":
                pairs.append((message.content, ""))
            elif pairs:
                pairs[-1] = (pairs[-1][0], message.content)
        return pairs


@dataclass(frozen=True, slots=True)
class Charge:
    credits_this_request: int
    credits_remaining: int


@dataclass(frozen=True, slots=True)
class AgentTurn:
    """What the demo agent answers to one request, before any of it is sent."""

    reply: str
    tokens: list[str]
    tokens_used: int
    capabilities_used: list[str]
    files: list[dict[str, str]]


@dataclass(slots=True)
class PendingToolRun:
    """An `/v1/agent` run waiting for the caller's tool outputs."""

    id: str
    account: str
    message: str
    capabilities_used: list[str]
    file_contents: list[str]
    tool_calls: list[dict[str, Any]]
    last_activity: float


def compose_turn(
    earlier_user_messages: Sequence[str],
    earlier_exchanges: Sequence[tuple[str, str]],
    message: str,
    file_contents: Sequence[str],
    capabilities_used: list[str],
    tool_results: Sequence[tuple[str, str]] = (),
    file_names: Sequence[str] = (),
) -> AgentTurn:
    """The demo agent's deterministic answer; `tool_results` are (tool name, output) pairs."""
    received = [(name, len(content.encode())) for name, content in zip(file_names, file_contents)]
    reply = demo_agent.reply(earlier_user_messages, message, files=received)
    if tool_results:
        called = "; ".join(f"`{name}` returned “{output}”" for name, output in tool_results)
        reply = f"I called your tools: {called}.\n\n{reply}"
    tokens = demo_agent.tokenize(reply)
    read = input_token_count(earlier_exchanges, message, file_contents)
    # The demo agent "writes a document" only when asked to, so clients can exercise `files`.
    files = [{"name": DEMO_DOCUMENT_NAME, "content": reply}] if "documents" in capabilities_used else []
    if demo_agent.FILE_KEYWORD in message.lower():
        path, content = demo_agent.demo_file(len(earlier_user_messages) + 1, message)
        files.append({"name": path, "content": content})
    return AgentTurn(reply, tokens, read + len(tokens), capabilities_used, files)


def input_token_count(
    earlier_exchanges: Sequence[tuple[str, str]], message: str, file_contents: Sequence[str]
) -> int:
    """Tokens the agent reads: the demo agent's context plus every attached file."""
    files = sum(demo_agent.count_tokens(content) for content in file_contents)
    return demo_agent.input_tokens(earlier_exchanges, message) + files


def demo_tool_arguments(parameters: dict[str, Any], message: str) -> dict[str, Any]:
    """Arguments for a tool call, one plausible value per declared property."""
    properties = parameters.get("properties")
    if not isinstance(properties, dict):
        return {}
    by_type: dict[str, Any] = {"string": message, "integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}
    arguments: dict[str, Any] = {}
    for name, spec in properties.items():
        kind = spec.get("type") if isinstance(spec, dict) else None
        arguments[name] = by_type.get(kind) if isinstance(kind, str) else None
    return arguments


class StewrdRegistry:
    """Every Stewrd session, credit ledger and pending tool run of this server."""

    def __init__(self, options: ServerOptions, clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self.clock = clock
        self.sessions: dict[str, StewrdSession] = {}
        # Credits spent per account, not balances: the balance is read against the current
        # `stewrd_credits`, so changing that option at runtime applies to every key at once.
        self._spent: dict[str, int] = {}
        self._tool_runs: dict[str, PendingToolRun] = {}

    # -- expiry -------------------------------------------------------------

    def idle_timeout(self) -> float:
        return IDLE_EXPIRY_SECONDS * self.options.idle_scale

    def _is_idle(self, last_activity: float, now: float) -> bool:
        # `>=` so that `idle_scale=0` expires a session as soon as it exists, with no waiting.
        return now - last_activity >= self.idle_timeout()

    def expire_idle(self) -> None:
        """Mark idle sessions expired for good, and forget idle tool runs.

        Swept on every call, so an expiry observed once stays, even if `idle_scale` grows later.
        """
        now = self.clock()
        for session in self.sessions.values():
            if session.status == "active" and self._is_idle(session.last_activity, now):
                session.status = "expired"
                # Only its id is needed from now on (a 410 for it): its history leaves memory.
                session.history = []
        for run_id in [r.id for r in self._tool_runs.values() if self._is_idle(r.last_activity, now)]:
            del self._tool_runs[run_id]

    # -- sessions -----------------------------------------------------------

    def active_sessions(self, account: str) -> int:
        return sum(1 for s in self.sessions.values() if s.account == account and s.status == "active")

    def create_session(self, account: str) -> StewrdSession:
        self.expire_idle()
        limit = self.options.stewrd_max_active_sessions
        if self.active_sessions(account) >= limit:
            raise StewrdRefusal(
                429, "quota_exceeded", f"At most {limit} sessions may be active at once; wait for one to expire"
            )
        session = StewrdSession(id=new_id("sess"), account=account, last_activity=self.clock())
        self.sessions[session.id] = session
        return session

    def session(self, account: str, session_id: str) -> StewrdSession:
        """The caller's session; another key's session is as unknown as a made-up id."""
        self.expire_idle()
        session = self.sessions.get(session_id)
        if session is None or session.account != account:
            raise StewrdRefusal(404, "session_not_found", f"No session with id '{session_id}'")
        if session.status == "expired":
            raise StewrdRefusal(410, "session_expired", "This session expired after 30 minutes idle; create a new one")
        return session

    def record_exchange(self, session: StewrdSession, message: str, reply: str) -> None:
        """Keep the exchange in context; past the cap the oldest messages drop out of context."""
        session.history += [HistoryMessage("user", message), HistoryMessage("assistant", reply)]
        cap = max(self.options.stewrd_history_cap, 0)
        del session.history[: max(len(session.history) - cap, 0)]
        session.last_activity = self.clock()

    # -- credits ------------------------------------------------------------

    @staticmethod
    def price(capabilities: Sequence[str] | None) -> tuple[list[str], int]:
        """Capabilities used (deduplicated, chat when none) and their cost in credits."""
        used = list(dict.fromkeys(capabilities or DEFAULT_CAPABILITIES))
        unknown = [name for name in used if name not in CAPABILITY_COSTS]
        if unknown:
            raise StewrdRefusal(
                403,
                "capability_not_enabled",
                f"Capability '{unknown[0]}' is not enabled for this project; "
                f"enabled: {', '.join(CAPABILITY_COSTS)}",
            )
        return used, sum(CAPABILITY_COSTS[name] for name in used)

    def credits_remaining(self, account: str) -> int:
        return max(self.options.stewrd_credits - self._spent.get(account, 0), 0)

    def charge(self, account: str, credits: int) -> Charge:
        remaining = self.credits_remaining(account)
        if credits > remaining:
            raise StewrdRefusal(
                402, "insufficient_credits", f"This request needs {credits} credits and {remaining} remain"
            )
        self._spent[account] = self._spent.get(account, 0) + credits
        return Charge(credits, remaining - credits)

    # -- tool runs of /v1/agent ----------------------------------------------

    def start_tool_run(
        self,
        account: str,
        message: str,
        capabilities_used: list[str],
        file_contents: list[str],
        tool_calls: list[dict[str, Any]],
    ) -> PendingToolRun:
        self.expire_idle()
        run = PendingToolRun(
            new_id("req"), account, message, capabilities_used, file_contents, tool_calls, self.clock()
        )
        self._tool_runs[run.id] = run
        return run

    def pending_tool_run(self, account: str, run_id: str) -> PendingToolRun:
        self.expire_idle()
        run = self._tool_runs.get(run_id)
        if run is None or run.account != account:
            raise StewrdRefusal(
                404, "context_expired", f"No run '{run_id}' is waiting for tool outputs (finished, expired or unknown)"
            )
        return run

    def finish_tool_run(self, run: PendingToolRun) -> None:
        self._tool_runs.pop(run.id, None)
