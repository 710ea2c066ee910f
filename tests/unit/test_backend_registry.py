"""The backend registry is the one table of backends; settings and the backend choice follow it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tui_app.backends import registry
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.registry import BackendSpec, UnknownBackend
from tui_app.backends.stewrd import StewrdBackend
from tui_app.settings.backend_choice import ConfigError, MissingKey, choose_backend, key_source, remote_settings
from tui_app.settings.user_settings import validated


def test_the_table_names_each_backend_once_with_one_embedded_fallback() -> None:
    assert registry.names() == ("local", "casedev", "stewrd")
    assert registry.remote_names() == ("casedev", "stewrd")
    assert [s.name for s in registry.SPECS if s.embedded] == ["local"] == [registry.fallback().name]


def test_each_spec_says_its_money_unit_through_its_adapter() -> None:
    assert [registry.spec(n).money for n in registry.names()] == ["micros", "micros", "credits"]
    assert registry.spec("stewrd").adapter is StewrdBackend and registry.spec("local").adapter is CasedevBackend


def test_an_unknown_name_is_refused_with_the_names_there_are() -> None:
    with pytest.raises(UnknownBackend, match="choose one of local, casedev, stewrd"):
        registry.spec("openai")


def test_a_backend_that_needs_a_key_must_say_where_it_is_set() -> None:
    with pytest.raises(ValueError, match="environment prefix"):
        BackendSpec("keyed", "Keyed", StewrdBackend)


def test_a_spec_opens_its_adapter_under_its_own_name_and_label() -> None:
    from tui_app.backends.api_key import ApiKey

    opened = registry.spec("local").open("http://127.0.0.1:9", ApiKey("sk_local"))
    assert isinstance(opened, CasedevBackend) and opened.name == "local"
    assert "sk_local" not in repr(opened)


def test_settings_accept_only_registered_backends() -> None:
    assert validated({"backend": "stewrd"}).backend == "stewrd"
    with pytest.raises(ValidationError, match="Unknown backend 'nope'"):
        validated({"backend": "nope"})


def test_a_key_in_the_environment_wins_over_one_in_the_keyring_in_the_tables_order() -> None:
    in_keyring = {"casedev": "sk_case_kept"}
    assert choose_backend(None, env={"STEWRD_API_KEY": "sk-stw"}, stored=in_keyring.get) == "stewrd"
    assert choose_backend(None, env={"CASEDEV_API_KEY": "a", "STEWRD_API_KEY": "b"}) == "casedev"
    assert choose_backend(None, env={}, stored=in_keyring.get) == "casedev"
    assert choose_backend(None, env={}) == "local"


def test_the_flag_then_the_settings_choose_and_an_unknown_one_is_a_config_error() -> None:
    assert choose_backend("stewrd", env={"CASEDEV_API_KEY": "a"}, configured="local") == "stewrd"
    assert choose_backend(None, env={"CASEDEV_API_KEY": "a"}, configured="local") == "local"
    with pytest.raises(ConfigError, match="Unknown backend 'nope'"):
        choose_backend("nope", env={})


def test_url_and_key_come_from_the_specs_environment_variables() -> None:
    env = {"STEWRD_API_KEY": "sk-stw_env", "STEWRD_BASE_URL": "http://127.0.0.1:1"}
    settings = remote_settings("stewrd", None, env=env)
    assert (settings.base_url, settings.api_key.reveal()) == ("http://127.0.0.1:1", "sk-stw_env")
    assert remote_settings("casedev", None, env={"CASEDEV_API_KEY": "k"}).base_url == "https://api.case.dev"
    assert key_source("casedev", env={}, stored={"casedev": "kept"}.get) == ("kept", "keyring (tui-app login)")
    with pytest.raises(MissingKey, match="CASEDEV_API_KEY"):
        remote_settings("casedev", None, env={})
