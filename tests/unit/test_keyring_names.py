"""Which backends' keys the keyring's child is asked for, and whether the backend choice waits
for it (`settings/backend_choice.py`): the environment wins over the keyring, and a named
backend needs no key to be chosen."""

from __future__ import annotations

from tui_app.settings.backend_choice import choice_asks_keyring, key_variables, keyring_names


def test_every_remote_backend_is_asked_about_unless_its_key_is_in_the_environment() -> None:
    assert keyring_names({}) == ("casedev", "stewrd")
    assert keyring_names({"CASEDEV_API_KEY": "sk_case_x"}) == ("stewrd",)
    assert keyring_names({"CASEDEV_API_KEY": "", "STEWRD_API_KEY": "s"}) == ("casedev",)


def test_the_choice_waits_for_the_keyring_only_with_no_backend_named_and_no_key_in_the_environment() -> None:
    assert choice_asks_keyring(None, {})
    assert not choice_asks_keyring("local", {})
    assert not choice_asks_keyring(None, {"STEWRD_API_KEY": "s"})


def test_the_key_variables_are_the_backends() -> None:
    assert set(key_variables()) == {"CASEDEV_API_KEY", "STEWRD_API_KEY"}
