"""Every HTTP client shares one TLS context, and a plain-HTTP client's loads no CA (issue 16: the
peak RSS; httpx loaded the whole CA bundle again for each client, 0.8-2 MB each)."""

from __future__ import annotations

import ssl

import pytest

from tui_app.backends.tls_context import context_for


def cas_loaded(context: ssl.SSLContext) -> int:
    return context.cert_store_stats()["x509_ca"]


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("https_proxy", "http_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def test_clients_of_https_addresses_share_one_verifying_context() -> None:
    first, second = context_for("https://api.case.dev"), context_for("HTTPS://stewrd.example/v1")
    assert first is second
    assert cas_loaded(first) > 0 and first.verify_mode == ssl.CERT_REQUIRED and first.check_hostname


def test_a_plain_http_client_loads_no_ca_and_would_trust_no_certificate() -> None:
    plain = context_for("http://127.0.0.1:8765")
    assert plain is context_for("http://localhost:1")
    assert cas_loaded(plain) == 0
    assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname  # fails closed, never open


def test_behind_a_proxy_from_the_environment_plain_http_gets_the_verifying_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.example:3128")
    assert context_for("http://127.0.0.1:8765") is context_for("https://api.case.dev")
