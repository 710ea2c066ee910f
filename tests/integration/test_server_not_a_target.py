"""The embedded server is not a target, over real sockets on 127.0.0.1: it answers only to its
own Host (the DNS-rebinding defence), hands out URLs from its configuration, closes connections
that never finish a request, and `tui-app serve` on a taken port says so in one line."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

# Far beyond the server's bound (below), so a socket still open at this point was never closed.
NEVER = 60.0


@pytest.fixture
def impatient_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, request_timeout_seconds=0.3)) as running:
        yield running


def post_with_host(server: EmbeddedServer, path: str, host: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.api_key}", "Host": host}
    return httpx.post(f"{server.base_url}{path}", json={"title": "t"}, headers=headers, timeout=30)


def test_a_foreign_host_is_refused_before_the_key_is_even_checked(server: EmbeddedServer) -> None:
    port = server.port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", f"127.0.0.1:{port + 1}",
                 f"localhost:{port}@evil.example", ""):
        response = post_with_host(server, "/agent/v1/chat", host)
        assert response.status_code == 400, host
        assert response.json()["error"]["code"] == "INVALID_HOST", host
        assert "evil" not in response.text
    stewrd = post_with_host(server, "/v1/sessions", f"rebound.example:{port}")
    assert stewrd.status_code == 400 and stewrd.json()["error"]["code"] == "invalid_host"


def test_loopback_names_with_the_port_are_served(server: EmbeddedServer) -> None:
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"LOCALHOST:{server.port}",
                 f"[::1]:{server.port}", "127.0.0.1", "localhost"):
        assert post_with_host(server, "/agent/v1/chat", host).status_code == 200, host


def test_stream_urls_come_from_configuration_not_from_the_host_header(server: EmbeddedServer) -> None:
    chat = post_with_host(server, "/agent/v2/chat", f"localhost:{server.port}").json()["id"]
    response = post_with_host(server, f"/agent/v2/chat/{chat}/stream-token", f"localhost:{server.port}")
    assert response.status_code == 200
    assert response.json()["streamUrl"].startswith(f"{server.base_url}/agent/v2/chat/{chat}/stream?token=")


def connected(server: EmbeddedServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=NEVER)
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """Reads until the server closes the connection: True at its end of file (or reset)."""
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


def test_a_connection_that_sends_half_a_request_head_is_closed(impatient_server: EmbeddedServer) -> None:
    with connected(impatient_server) as sock:
        sock.sendall(f"POST /agent/v1/chat HTTP/1.1\r\nHost: 127.0.0.1:{impatient_server.port}\r\nX-Slow".encode())
        assert closed_by_server(sock)


def test_a_connection_that_sends_nothing_is_closed(impatient_server: EmbeddedServer) -> None:
    with connected(impatient_server) as sock:
        assert closed_by_server(sock)


def test_a_body_that_stops_half_way_is_answered_408_and_closed(impatient_server: EmbeddedServer) -> None:
    head = (
        f"POST /agent/v1/chat HTTP/1.1\r\nHost: 127.0.0.1:{impatient_server.port}\r\n"
        f"Authorization: Bearer {impatient_server.api_key}\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n"
    )
    with connected(impatient_server) as sock:
        sock.sendall(head.encode() + b'{"title": "')
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"REQUEST_TIMEOUT" in answer


def test_a_kept_alive_connection_gets_the_same_bound_for_its_next_request(impatient_server: EmbeddedServer) -> None:
    request = (
        f"GET /agent/v1/chat/nope/files HTTP/1.1\r\nHost: 127.0.0.1:{impatient_server.port}\r\n"
        f"Authorization: Bearer {impatient_server.api_key}\r\n\r\n"
    )
    with connected(impatient_server) as sock:
        sock.sendall(request.encode())
        assert sock.recv(65536).startswith(b"HTTP/1.1 404 ")
        sock.sendall(b"GET /agent/v1/chat/nope/files HTTP/1.1\r\n")  # and then nothing
        assert closed_by_server(sock)


def test_serve_on_a_taken_port_says_so_in_one_line_and_exits_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "tui_app", "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=60, check=False,
        )
    assert result.returncode == 2
    assert result.stdout == "", "no banner for a server that is not running"
    assert result.stderr.splitlines() == [
        f"tui-app serve: cannot listen on 127.0.0.1:{port}: port {port} on 127.0.0.1 is in use; choose another with --port N"
    ]
