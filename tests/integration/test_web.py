"""`tui-app web` in a real headless browser: Debian's Chromium driven by Playwright.

The page is textual-serve's: xterm.js draws the terminal on a canvas, so its text is not in the
DOM. The test reads xterm's own screen buffer, which is what the canvas is drawn from: an init
script catches the page's `Terminal` object when textual-serve's client stores it.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tui_app.cli.main import build_parser
from tui_app.server import demo_agent
from tui_app.cli.web import app_command

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "screenshots" / "web.png"
"""Refreshed only when TUI_APP_UPDATE_SCREENSHOTS is set: a test run leaves the work tree as it was."""
# The flags these machines need: without the networking ones Chromium keeps dialling Google's
# hosts, which the closed network refuses (/work/.library/env/machines/python.md).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
MESSAGE = "hello from the browser"
SPEED = 20  # tokens/s: slow enough to see the reply part-way, ~6 s for the whole of it

# textual-serve's client does `this.terminal = new Terminal(...)`; a setter on Object.prototype
# sees that assignment without changing the served script, then gets out of the way.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.buffer.active) window.__tuiAppTerminal = value;
  },
});
"""
SCREEN_TEXT = """() => {
  const terminal = window.__tuiAppTerminal;
  if (!terminal) return null;
  const buffer = terminal.buffer.active, rows = [];
  for (let y = 0; y < terminal.rows; y++) rows.push(buffer.getLine(buffer.viewportY + y).translateToString(true));
  return rows.join("\\n");
}"""


@pytest.fixture
def chromium() -> str:
    """Debian's Chromium, or a skip that says what is missing."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        pytest.skip("no browser: Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture
def web_url(tmp_path: Path) -> Iterator[str]:
    """`tui-app web` as a user starts it, with its own store, until the test ends; on port 0, so
    the system picks a free one and the line printed must name it."""
    log = tmp_path / "web.log"
    env = {k: v for k, v in os.environ.items() if k not in ("CASEDEV_API_KEY", "STEWRD_API_KEY")}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tui_app", "web", "--port", "0", "--data-dir", str(tmp_path / "data"),
             "--speed", str(SPEED)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO,
            start_new_session=True,  # its own process group: the apps it starts end with it
        )
    announced = re.compile(r"tui-app web on (http://127\.0\.0\.1:([1-9]\d*)/\?token=[\w-]+) ")
    try:
        deadline = time.monotonic() + 30
        while not (found := announced.search(log.read_text())):
            assert server.poll() is None, f"tui-app web exited: {log.read_text()}"
            assert time.monotonic() < deadline, f"tui-app web did not start: {log.read_text()}"
            time.sleep(0.1)
        yield found.group(1)  # the address printed, token and all, as a user would open it
    finally:
        # As Ctrl+C would, with the browser's tabs still open: the server and every app it
        # started must be gone within seconds.
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        finally:
            leftovers = not ended(process_group=server.pid, within=5)
            if leftovers:
                os.killpg(server.pid, signal.SIGKILL)
        assert not leftovers, "processes of tui-app web outlived it"


def ended(process_group: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(process_group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def wait_for_screen(page: Any, predicate: Any, what: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = page.evaluate(SCREEN_TEXT) or ""
        if predicate(text):
            return text
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{text}")


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from the kernel's own table (Linux)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.fixture
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def base_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def open_page(browser: Any, url: str, requested: list[str] | None = None) -> Any:
    """The page at `url`; every URL it requests is added to `requested`, if given."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    if requested is not None:
        page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(CATCH_TERMINAL)
    page.goto(url)
    return page


def app_started(text: str) -> bool:
    return "Message the agent" in text


def test_web_mode_sends_a_message_and_streams_the_reply_in_a_browser(browser: Any, web_url: str, tmp_path: Path) -> None:
    if Path("/proc/net/tcp").exists():
        assert listening_addresses(urlsplit(web_url).port or 0) == {"0100007F"}, "must listen on 127.0.0.1 only"
    reply = demo_agent.reply([], MESSAGE)
    first_words, last_line = reply.splitlines()[0][:40], reply.splitlines()[-1]

    requested: list[str] = []
    page = open_page(browser, web_url, requested)
    wait_for_screen(page, app_started, "the app to start in the page")
    # The token went into a cookie and out of the address bar; nothing came from another host
    # (the fonts were Google's).
    assert page.url == base_of(web_url) + "/"
    outside = [url for url in requested if not url.startswith((base_of(web_url) + "/", "ws://127.0.0.1"))]
    assert outside == [], outside
    assert any(url.endswith(".ttf") for url in requested), "the page's font is served locally"
    page.focus("textarea.xterm-helper-textarea")  # xterm.js takes keys through this textarea
    page.keyboard.type(MESSAGE)
    wait_for_screen(page, lambda text: MESSAGE in text, "the typed message in the composer")
    page.keyboard.press("Enter")

    # Streaming: the reply's start shows before its end has arrived.
    partial = wait_for_screen(page, lambda text: first_words in text, "the reply to begin")
    assert last_line not in partial, "the whole reply arrived at once: it did not stream"
    complete = wait_for_screen(page, lambda text: last_line in text, "the reply to finish")
    assert first_words in complete

    shot = SCREENSHOT if os.environ.get("TUI_APP_UPDATE_SCREENSHOTS") else tmp_path / "web.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_a_second_tab_is_told_to_close_the_first_and_a_reload_keeps_the_session(browser: Any, web_url: str) -> None:
    first = open_page(browser, web_url)
    wait_for_screen(first, lambda text: app_started(text) and "ready · local" in text, "the app in the first tab")

    second = open_page(browser, web_url)
    wait_for_screen(second, lambda text: "already open in another tab" in text, "the second tab's explanation")

    # A reload is the old page leaving and a new one arriving: it gets the app back, not the
    # explanation, with the same session still alive.
    first.reload()
    wait_for_screen(first, lambda text: app_started(text) and "ready · local" in text, "the app after a reload")

    first.close()
    second.reload()
    # The session's row in the sidebar, not only its name above the transcript (shown first).
    text = wait_for_screen(
        second, lambda text: "Session 1" in text and "ready · local" in text, "the app in the second tab once the first is closed"
    )
    assert "expired" not in text, text
    assert "Session 2" not in text


def get(url: str, headers: dict[str, str] | None = None, path: str | None = None) -> http.client.HTTPResponse:
    """A GET of `url` (or of `path` on its server), read in full."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    target = path if path is not None else parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", target or "/", headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def websocket_handshake(url: str, headers: dict[str, str]) -> int:
    """The status of a browser-style websocket handshake with these headers (101: accepted)."""
    upgrade = {
        "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(), "Sec-WebSocket-Version": "13",
    }
    return get(url, {**upgrade, **headers}, path="/ws?width=80&height=24").status


def test_only_the_holder_of_the_printed_token_gets_the_page_and_its_websocket(web_url: str) -> None:
    base = base_of(web_url)
    token = web_url.partition("token=")[2]
    assert get(base + "/").status == 403
    assert get(base + "/?token=" + "x" * len(token)).status == 403
    assert get(base + "/download/anything").status == 403

    welcome = get(web_url)
    assert welcome.status == 302 and welcome.headers["Location"] == base + "/"
    cookie_header = welcome.headers["Set-Cookie"]
    assert "HttpOnly" in cookie_header and "SameSite=Strict" in cookie_header
    cookie = cookie_header.split(";")[0]
    assert get(base + "/", {"Cookie": cookie}).status == 200
    assert get(base + "/", {"Cookie": cookie.split("=")[0] + "=wrong"}).status == 403

    # Another site in the browser, or a local program, cannot drive the app.
    assert websocket_handshake(web_url, {"Origin": base}) == 403  # no token
    assert websocket_handshake(web_url, {"Cookie": cookie, "Origin": "https://evil.example"}) == 403
    assert websocket_handshake(web_url, {"Cookie": cookie, "Origin": "http://localhost.evil.example:80"}) == 403
    assert websocket_handshake(web_url, {"Cookie": cookie}) == 403  # no Origin
    assert websocket_handshake(web_url, {"Cookie": cookie, "Origin": base}) == 101


def test_the_page_answers_only_to_its_own_address_and_sends_localhost_to_it(web_url: str) -> None:
    port = urlsplit(web_url).port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port}.evil.example"):
        assert get(web_url, {"Host": host}).status == 400, host
    # The same server named localhost: the token is carried to the configured address, where
    # the cookie is set; never to the address the request named.
    via_localhost = get(web_url, {"Host": f"localhost:{port}"})
    assert via_localhost.status == 302 and via_localhost.headers["Location"] == web_url
    assert "Set-Cookie" not in via_localhost.headers


def test_static_files_need_no_token_and_the_page_loads_no_google_fonts(web_url: str) -> None:
    base = base_of(web_url)
    assert get(base + "/static/fonts/RobotoMono-VariableFont_wght.ttf").status == 200
    parts = urlsplit(web_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    welcome = get(web_url)
    connection.request("GET", "/", headers={"Cookie": welcome.headers["Set-Cookie"].split(";")[0]})
    page = connection.getresponse().read().decode()
    connection.close()
    assert "googleapis" not in page and "gstatic" not in page
    assert f"{base}/static/fonts/RobotoMono-VariableFont_wght.ttf" in page


def test_each_browser_tab_runs_this_app_with_the_options_web_was_given(tmp_path: Path) -> None:
    data = tmp_path / "a dir with spaces"
    args = build_parser().parse_args(
        ["--speed", "0", "web", "--port", "9", "--backend", "local", "--model", "m1", "--data-dir", str(data)]
    )
    argv = shlex.split(app_command(args))
    assert argv[:4] == [sys.executable, "-m", "tui_app", "run"]
    again = build_parser().parse_args(argv[3:])
    assert (again.backend, again.model, again.data_dir, again.speed) == ("local", "m1", str(data), 0.0)


def run_web(*flags: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_app", "web", *flags], capture_output=True, text=True, timeout=60,
        env=env, check=False,
    )


def test_web_without_the_backend_key_says_so_in_the_terminal(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CASEDEV_API_KEY"}
    result = run_web("--backend", "casedev", "--data-dir", str(tmp_path), env=env)
    assert result.returncode == 2
    assert "needs a key" in result.stderr and "CASEDEV_API_KEY" in result.stderr


def test_web_on_a_taken_port_says_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_web("--port", str(port), "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use; choose another with --port N" in result.stderr
