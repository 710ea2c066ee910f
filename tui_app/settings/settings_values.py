"""The settings' values as the app holds them: plain dataclasses with their defaults. What each
means, its bounds and how a file or a variable is checked are in `settings_schema.py` (pydantic),
which only a value to check imports (issue 16: no pydantic before the first screen)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Literal

ENV_PREFIX = "TUI_APP_"
ON_LIMIT = ("warn", "stop")


@dataclass(slots=True)
class Budget:
    """Spending limits in dollars; a send that would start past one asks first."""

    session_usd: Decimal | None = None
    overall_usd: Decimal | None = None
    warn_ratio: float = 0.8
    on_limit: Literal["warn", "stop"] = "warn"

    def __post_init__(self) -> None:
        # The one constraint code (not a file) could break unseen: a typo here would never stop.
        if self.on_limit not in ON_LIMIT:
            raise ValueError(f"on_limit must be one of {ON_LIMIT}, not {self.on_limit!r}")

    @property
    def session_micros(self) -> int | None:
        return _micros(self.session_usd)

    @property
    def overall_micros(self) -> int | None:
        return _micros(self.overall_usd)


def _micros(dollars: Decimal | None) -> int | None:
    return None if dollars is None else int(dollars * 1_000_000)


def written_like_keys(spec: str) -> str:
    if not spec.strip() or any(not part.strip() for part in spec.split(",")):
        raise ValueError("needs one key or several separated by commas")
    return spec


@dataclass(slots=True)
class Settings:
    """Everything a user can set. Field names are the keys of `config.toml`; what each means and
    its bounds are in `settings_schema.SettingsModel`."""

    backend: str | None = None
    model: str | None = None
    idle_timeout_s: int | None = None
    theme: str = "tui-app-dark"
    frame_rate: int = 30
    notifications: bool = True
    bell: bool = True
    budget: Budget = field(default_factory=Budget)
    max_frame_mib: int = 4
    stall_timeout_s: float = 30.0
    max_attachment_kib: int = 128
    keys: dict[str, str] = field(default_factory=dict)


SETTING_NAMES = tuple(f.name for f in fields(Settings))
