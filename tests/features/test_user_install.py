"""The app installed to a member's account: /quote, /montage, /help and /about work in their
DMs, group DMs and servers the bot is not in; commands that need a server's data do not."""

from __future__ import annotations

import pytest

from bot.emulator.records import EmulatorError
from tests.features.conftest import read_rows

pytestmark = pytest.mark.e2e


@pytest.fixture()
def foreign_server(discord):  # type: ignore[no-untyped-def]
    """A server alice is in and the bot is not (it never got GUILD_CREATE for it)."""

    def build():  # type: ignore[no-untyped-def]
        guild = discord.emu.add_guild("Some Other Server", channels=["chat"])
        del guild.members[discord.emu.bot_user.id]
        discord.emu.add_member(guild, "alice")
        return guild

    return discord.thread.do(build)


def alice(discord):  # type: ignore[no-untyped-def]
    return discord.member("alice").user


def test_quote_from_a_dm(discord, shared_bot) -> None:  # type: ignore[no-untyped-def]
    record = discord.call(discord.emu.user_install_command(alice(discord), "quote"))
    reply = discord.emu.message(record.original_message_id)
    assert record.payload["context"] == 1
    assert reply.embeds and reply.embeds[0]["description"].startswith("> ")
    assert discord.emu.violations == []


def test_quote_in_a_server_the_bot_is_not_in(discord, shared_bot, foreign_server) -> None:  # type: ignore[no-untyped-def]
    record = discord.call(discord.emu.user_install_command(
        alice(discord), "quote", {"film": "Rocky IV"}, guild=foreign_server))
    assert record.payload["authorizing_integration_owners"] == {"1": str(alice(discord).id)}
    reply = discord.emu.message(record.original_message_id)
    assert reply.embeds and "Rocky IV" in reply.embeds[0]["author"]["name"]
    # Nothing is stored about a server the bot was never added to.
    assert read_rows(shared_bot.database_url, "SELECT COUNT(*) FROM members WHERE guild_id = $1",
                     (foreign_server.id,)) == [(0,)]
    assert discord.emu.violations == []


@pytest.mark.parametrize("name, options", [("help", {}), ("about", {})])
def test_help_and_about_in_a_group_dm(discord, shared_bot, name, options) -> None:  # type: ignore[no-untyped-def]
    record = discord.call(discord.emu.user_install_command(alice(discord), name, options,
                                                           group_dm=True))
    assert record.payload["context"] == 2
    reply = discord.emu.message(record.original_message_id)
    if name == "help":  # Components V2
        assert reply.flags & reply.COMPONENTS_V2 and "Rocky bot commands" in reply.text()
    else:
        assert reply.embeds
    assert discord.emu.violations == []


def test_montage_in_a_server_the_bot_is_not_in(discord, shared_bot, foreign_server) -> None:  # type: ignore[no-untyped-def]
    command = discord.emu.find_command("montage", None)
    assert command["integration_types"] == [0, 1] and command["contexts"] == [0, 1, 2]
    record = discord.call(discord.emu.user_install_command(
        alice(discord), "montage", {"film": "Rocky IV"}, sub="show", guild=foreign_server))
    reply = discord.emu.message(record.original_message_id)
    assert reply.flags & reply.COMPONENTS_V2 and not reply.embeds
    assert reply.text().startswith("-# Training montage — Rocky IV\n### ")
    assert [b["label"] for b in reply.buttons()] == ["Previous", "Next"]
    assert discord.emu.violations == []


@pytest.mark.parametrize("name", ["stats", "leaderboard", "daily", "motivate", "config"])
def test_commands_that_need_a_server_stay_in_servers(discord, shared_bot, name) -> None:  # type: ignore[no-untyped-def]
    command = discord.emu.find_command(name, None)
    assert command.get("integration_types") in (None, [0])
    assert command.get("contexts") == [0] or command.get("dm_permission") is False
    with pytest.raises(EmulatorError, match="cannot be used as a user-installed app"):
        discord.call(discord.emu.user_install_command(alice(discord), name))
