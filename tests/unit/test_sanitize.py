from hypothesis import given, strategies as st

from tui_app.core.sanitize import strip_control


def test_escape_sequences_are_removed_and_text_kept() -> None:
    hostile = (
        "safe \x1b[31mred\x1b[0m text\n"
        "\x1b]0;pwned title\x07title gone\n"
        "\x1b]52;c;aGVsbG8=\x1b\\clipboard gone\n"
        "bell\x07 and back\x08space and \rreturn\tand tab"
    )
    assert strip_control(hostile) == (
        "safe red text\ntitle gone\nclipboard gone\nbell and backspace and return\tand tab"
    )


def test_plain_text_is_unchanged() -> None:
    text = "Markdown with `code`, **bold**, “quotes” and émoji 🙂\n\n- a list"
    assert strip_control(text) == text


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    cleaned = strip_control(text)
    assert all(ch in "\n\t" or not (ord(ch) < 32 or 127 <= ord(ch) < 160) for ch in cleaned)
