"""What the session store raises: one base type, so a caller can catch the store's failures alone."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot do what was asked; the message says why."""


class UnknownSessionError(StoreError, LookupError):
    """Events or a draft for a session that was never saved."""


class NewerSchemaError(StoreError):
    """The database was written by a newer tui-app than this one."""


class StoreDamaged(StoreError):
    """SQLite's own check found the file damaged (pages in the middle of it, not only its header)."""
