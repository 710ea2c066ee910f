"""Every backend the app can talk to, in one table. Settings, the command line (choices, help,
`login`, `config show`), the connection and the forms derive from it, so a new backend is one
adapter module plus one entry in `SPECS`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_app.backends.api_key import ApiKey
from tui_app.backends.base import MoneyUnit
from tui_app.backends.http_stack import import_adapter
from tui_app.backends.retry_policy import RetryPolicy

if TYPE_CHECKING:
    from tui_app.backends.http_backend import HttpBackend


class UnknownBackend(ValueError):
    """A name that is in no spec; the message lists the names there are."""


@dataclass(frozen=True, slots=True)
class BackendSpec:
    """What the app knows about one backend before it talks to it."""

    name: str
    """What the user types and the store records: `--backend NAME`, `backend = "NAME"`."""
    label: str
    """The service's name in sentences a person reads."""
    adapter_class: type[HttpBackend] | str
    """The adapter class, or where it is (`"module:Class"`, imported when first needed: the
    adapters bring httpx and the wire models, which the app's first screen does without); it
    declares the capabilities (money unit included) and the key probe."""
    env_prefix: str | None = None
    """`<PREFIX>_API_KEY` and `<PREFIX>_BASE_URL` in the environment; None: nothing to set."""
    default_url: str | None = None
    """The public service; None when the app supplies the URL (the embedded server)."""
    needs_key: bool = True
    """Whether the service refuses requests without a key (and so `login` offers it)."""
    embedded: bool = False
    """The app's own server, started in-process by the command line."""

    def __post_init__(self) -> None:
        # A key the user must supply needs a place to supply it outside the keyring.
        if self.needs_key and not self.env_prefix:
            raise ValueError(f"backend {self.name!r} needs a key, so it needs an environment prefix")

    @property
    def adapter(self) -> type[HttpBackend]:
        if isinstance(self.adapter_class, type):
            return self.adapter_class
        module, _, name = self.adapter_class.partition(":")
        found: type[HttpBackend] = getattr(import_adapter(module), name)
        return found

    @property
    def money(self) -> MoneyUnit:
        """The unit costs come in (one source: the adapter's capabilities)."""
        return self.adapter.capabilities.money

    @property
    def key_variable(self) -> str | None:
        return f"{self.env_prefix}_API_KEY" if self.env_prefix else None

    @property
    def url_variable(self) -> str | None:
        return f"{self.env_prefix}_BASE_URL" if self.env_prefix else None

    def open(self, base_url: str, api_key: ApiKey, retry: RetryPolicy | None = None) -> HttpBackend:
        """A fresh client (httpx clients are bound to the event loop that made them)."""
        return self.adapter(base_url, api_key, name=self.name, service=self.label, retry=retry)

    async def check_key(self, base_url: str, api_key: ApiKey) -> None:
        """Raise `AuthFailed` if the service refuses the key (`ConnectionFailed` if unreachable);
        `login` stores a key only after this passes."""
        backend = self.open(base_url, api_key)
        try:
            await backend.check_key()
        finally:
            await backend.aclose()


CASEDEV = "tui_app.backends.casedev:CasedevBackend"

# Order matters: without `--backend` or a configured one, the first remote backend whose key is
# found is chosen, and the embedded server is the fallback.
SPECS: tuple[BackendSpec, ...] = (
    # The embedded server speaks the Case.dev API (and Stewrd's), so the Case.dev adapter drives it.
    BackendSpec("local", "The local server", CASEDEV, needs_key=False, embedded=True),
    BackendSpec("casedev", "Case.dev", CASEDEV, env_prefix="CASEDEV", default_url="https://api.case.dev"),
    BackendSpec("stewrd", "Stewrd", "tui_app.backends.stewrd:StewrdBackend", env_prefix="STEWRD", default_url="https://api.stewrd.dev"),
)


def names() -> tuple[str, ...]:
    return tuple(entry.name for entry in SPECS)


def remote_names() -> tuple[str, ...]:
    """Backends that are a service elsewhere (not the embedded server), in order of preference."""
    return tuple(entry.name for entry in SPECS if not entry.embedded)


def spec(name: str) -> BackendSpec:
    """The spec called `name`; raises `UnknownBackend`."""
    for entry in SPECS:
        if entry.name == name:
            return entry
    raise UnknownBackend(f"Unknown backend {name!r}: choose one of {', '.join(names())}")


def fallback() -> BackendSpec:
    """The backend used when no key selects another: the first that needs none."""
    return next(entry for entry in SPECS if not entry.needs_key)


def known_backend(name: str) -> str:
    """`name` if a spec has it (a validator for settings); raises `UnknownBackend`."""
    return spec(name).name
