"""WEB_* settings: defaults, one-sentence refusals, and `rocky-bot web` without WEB_SECRET."""

from __future__ import annotations

import os

import pytest

from bot.cli import EXIT_USAGE, main
from bot.settings import SettingsError, load_settings


def test_defaults_and_values() -> None:
    settings = load_settings({})
    assert (settings.web_host, settings.web_port, settings.web_base_url) == (
        "127.0.0.1", 8080, None)
    settings = load_settings({"WEB_PORT": "9000", "WEB_BASE_URL": "https://rocky.example.org/",
                              "DISCORD_CLIENT_ID": "123", "WEB_SECRET": "s" * 40,
                              "DISCORD_CLIENT_SECRET": "very-secret"})
    assert settings.web_port == 9000 and settings.web_base_url == "https://rocky.example.org"
    assert "very-secret" not in repr(settings) and "s" * 40 not in repr(settings)


@pytest.mark.parametrize(("name", "value", "sentence"), [
    ("WEB_PORT", "80a", "WEB_PORT must be a port number"),
    ("WEB_BASE_URL", "rocky.example.org", "WEB_BASE_URL must be a http or https URL"),
    ("DISCORD_CLIENT_ID", "abc", "DISCORD_CLIENT_ID must be your application's id"),
    ("WEB_SECRET", "short", "secrets.token_urlsafe(32)"),
])
def test_a_bad_value_is_one_sentence(name: str, value: str, sentence: str) -> None:
    with pytest.raises(SettingsError, match=None) as refused:
        load_settings({name: value})
    assert sentence in str(refused.value) and "\n" not in str(refused.value)


def test_web_refuses_to_start_without_a_secret_and_says_how_to_make_one(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_SECRET", raising=False)
    assert main(["--env-file", os.devnull, "web"]) == EXIT_USAGE
    error = capsys.readouterr().err
    assert "WEB_SECRET is not set" in error
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in error
