"""Keys out of everything tui-app writes about itself (the log, crash reports): the keys it was
given, and anything that looks like one, replaced before the text leaves the process."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping

# Names of environment variables whose values are secrets, by convention: CASEDEV_API_KEY,
# GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, PGPASSWORD, ...
SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH(?!OR)|COOKIE", re.IGNORECASE)
# Shorter values are not worth masking (and "1" or "true" would mask every digit of a traceback).
SHORTEST_SECRET = 8

_SHAPES = (
    # A header or scheme followed by a credential: `Bearer sk_...`, `Authorization: Basic ...`.
    (re.compile(r"\b(Bearer)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1 ****"),
    # "Basic" and "Token" are words too ("Basic arithmetic"): only what looks encoded follows.
    (re.compile(r"\b(Basic|Token)\s+(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), r"\1 ****"),
    (re.compile(r"\b((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)(?!Bearer\b|Basic\b|Token\b)[^\s'\",}]+", re.IGNORECASE), r"\1****"),
    # A key written into a URL: `http://user:KEY@host`.
    (re.compile(r"\b([a-z][a-z0-9+.-]*://)[^/\s@]+@", re.IGNORECASE), r"\1****@"),
    # Keys by their usual prefixes (sk_case_..., sk-..., ghp_..., xoxb-...).
    (re.compile(r"\b(?:sk|pk|rk|ghp|gho|ghs|xox[abp])[-_][A-Za-z0-9_-]{12,}"), "****"),
    # A long run of letters and digits with both in it: a key of unknown make. Paths, words,
    # ids in hex of 32 characters and Python names are shorter or have no digits.
    (re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*[0-9])(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])"), "****"),
)


class SecretMask:
    """Replaces known secrets (each shown as `****` and at most its last 4 characters, as
    `tui-app config show` does) and text shaped like a credential (as `****`)."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()  # the log writes from the store's writer thread too
        for secret in secrets:
            self.add(secret)

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SecretMask:
        """A mask knowing every value of an environment variable named like a secret."""
        return cls(value for name, value in env.items() if SECRET_NAME.search(name))

    def add(self, secret: str | None) -> None:
        if secret and len(secret.strip()) >= SHORTEST_SECRET:
            with self._lock:
                self._secrets.add(secret.strip())

    def __call__(self, text: str) -> str:
        with self._lock:
            known = sorted(self._secrets, key=len, reverse=True)
        for secret in known:
            if secret in text:
                text = text.replace(secret, "****" + (secret[-4:] if len(secret) >= 20 else ""))
        for shape, replacement in _SHAPES:
            text = shape.sub(replacement, text)
        return text
