"""The TLS context each HTTP client is given: one for all, and none loaded for plain HTTP.

httpx builds a TLS context for every client it makes, and loads the whole CA bundle (certifi)
into it: about 2 MB of the process's memory for the first client and 0.8 MB for each one after
it, held as long as the client is (issue 16: the peak RSS). A client of the embedded server, or
of any `http://` address, never opens a TLS connection (the adapters send relative paths and
follow no redirect), so it is given a context with no CA loaded: were it ever asked to speak TLS,
it would refuse every certificate rather than trust one. Clients of `https://` addresses share
one context, built as httpx builds its own (`SSL_CERT_FILE`, `SSL_CERT_DIR` honoured).
A proxy from the environment may itself be reached over TLS: then every client gets the shared one.
"""

from __future__ import annotations

import functools
import os
import ssl

PROXY_VARIABLES = ("https_proxy", "http_proxy", "all_proxy")


@functools.cache
def _verifying() -> ssl.SSLContext:
    import httpx  # (imported already: only the adapters ask, through http_stack)

    return httpx.create_ssl_context()


@functools.cache
def _refusing() -> ssl.SSLContext:
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, with nothing to verify against


def _proxied() -> bool:
    return any(os.environ.get(name) or os.environ.get(name.upper()) for name in PROXY_VARIABLES)


def context_for(base_url: str) -> ssl.SSLContext:
    """The context for a client of `base_url`."""
    if base_url.lower().startswith("http://") and not _proxied():
        return _refusing()
    return _verifying()
