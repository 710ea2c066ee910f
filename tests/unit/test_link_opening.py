"""Which addresses from a reply may be handed to the system's opener, and how it is started."""

from __future__ import annotations

import stat
import sys
import time
from pathlib import Path

import pytest

from tui_app.workspace.link_opening import OPENER_VARIABLE, is_web_link, link_opener, open_link


@pytest.mark.parametrize(
    "url",
    ["https://example.com", "http://example.com/a?b=c#d", "HTTPS://EXAMPLE.COM/x", "https://[::1]:8080/"],
)
def test_web_addresses_are_links(url: str) -> None:
    assert is_web_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "vscode://open?file=/x",
        "ssh://host",
        "https://",  # no host
        "//example.com",
        "-https://example.com",  # would read as an option to the opener
        "https://example.com/\x1b]8;;evil\x07",  # a control character smuggled in
        "https://example.com/\nsecond",
        "https://[bad",
    ],
)
def test_anything_else_is_not(url: str) -> None:
    assert not is_web_link(url)


def test_the_variable_names_the_opener(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OPENER_VARIABLE, "/opt/browser")
    assert link_opener() == "/opt/browser"


def test_a_link_is_handed_over_as_one_argument_and_nothing_else_is(tmp_path: Path) -> None:
    script = tmp_path / "opener"
    out = tmp_path / "argv"
    script.write_text(f"#!{sys.executable}\nimport sys\nopen({str(out)!r}, 'a').write(repr(sys.argv[1:]) + '\\n')\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(ValueError):
        open_link(str(script), "file:///etc/passwd")
    open_link(str(script), "https://example.com/a b;$(touch x)")
    for _ in range(500):  # started detached: wait for what it writes
        if out.exists() and out.read_text().endswith("\n"):
            break
        time.sleep(0.01)
    assert out.read_text().splitlines() == ["['https://example.com/a b;$(touch x)']"]
    assert not (tmp_path / "x").exists()
