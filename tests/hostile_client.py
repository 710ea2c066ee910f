"""The client side of the attacks: a Case.dev adapter pointed at a `HostileServer`, one turn
read through it, and what must never come out of the wire."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from tests.hostile_server import KEY, HostileServer
from tui_app.backends.api_key import ApiKey
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.http_backend import RetryPolicy
from tui_app.core.events import DomainEvent

# What must never reach a domain event: escape and other C0 controls (but tab and newline), C1
# controls, bidi overrides and isolates, zero-width characters, lone surrogates.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\ud800-\udfff]")

FAST = RetryPolicy(reconnect_attempts=2, reconnect_base_delay=0.001, reconnect_max_delay=0.001, request_retries=0)


def backend(server: HostileServer, retry: RetryPolicy = FAST) -> CasedevBackend:
    return CasedevBackend(server.base_url, ApiKey(KEY), retry=retry)


async def one_turn(server: HostileServer, retry: RetryPolicy = FAST) -> list[DomainEvent]:
    client = backend(server, retry)
    try:
        chat = await client.create_session(title="attacked")
        return [event async for event in client.send(chat.id, "hi")]
    finally:
        await client.aclose()


def strings(value: Any) -> Iterator[str]:
    """Every string inside a domain event (fields, tuples, dicts), keys included."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from strings(getattr(value, item.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)
