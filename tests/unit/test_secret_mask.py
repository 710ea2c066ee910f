"""What the log and crash reports never show: the keys tui-app was given, and text shaped like a
credential; what they still show: paths, ids, words."""

from __future__ import annotations

import logging

import pytest

from tui_app.cli.logging_setup import MaskingFormatter
from tui_app.cli.secret_mask import SecretMask

KEY = "sk_case_mask_" + "m4" * 12


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"key {KEY} refused", f"key ****{KEY[-4:]} refused"),
        ("Authorization: Bearer abc.DEF-123_x", "Authorization: Bearer ****"),
        ("{'authorization': 'Basic Zm9vOmJhcg=='}", "{'authorization': 'Basic ****'}"),
        ('{"Authorization": "opaque-token-1"}', '{"Authorization": "****"}'),
        ("Could not reach http://me:hunter2hunter2@api.example/v1", "Could not reach http://****@api.example/v1"),
        ("sk-proj-abcdefghijklmnop1234 and ghp_0123456789abcdefghij", "**** and ****"),
        ("a token of unknown make: Ab3dEf6hIj9kLm2oPq5sTu8wXy1zAb4dEf7hIj0k.", "a token of unknown make: ****."),
    ],
)
def test_secrets_are_masked(text: str, shown: str) -> None:
    assert SecretMask([KEY])(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        'File "/work/tui-app/.venv/lib/python3.11/site-packages/textual/app.py", line 3263, in _handle_exception',
        "session 3f2a9c0e1b2d4e5f8a7b6c5d4e3f2a1b: turn t1 failed",
        "a_very_long_python_identifier_without_any_digits_in_it",
        "Basic arithmetic works",
    ],
)
def test_what_is_not_a_secret_is_left_alone(text: str) -> None:
    assert SecretMask([KEY])(text) == text


def test_the_environment_gives_the_values_of_variables_named_like_secrets() -> None:
    mask = SecretMask.from_environment(
        {"CASEDEV_API_KEY": KEY, "GITHUB_TOKEN": "t0ken-value-x", "GIT_AUTHOR_NAME": "Ada Lovelace", "PAGER": "less"}
    )
    assert mask(f"{KEY} t0ken-value-x Ada Lovelace less") == f"****{KEY[-4:]} **** Ada Lovelace less"


def test_a_key_in_a_logged_traceback_is_masked() -> None:
    try:
        raise RuntimeError(f"refused {KEY}")
    except RuntimeError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed with %s", (KEY,), exc_info=__import__("sys").exc_info())
    text = MaskingFormatter(SecretMask([KEY])).format(record)
    assert KEY not in text and text.count(f"****{KEY[-4:]}") == 2 and "RuntimeError" in text
