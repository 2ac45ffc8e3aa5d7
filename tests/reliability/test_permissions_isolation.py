"""Admin and moderator actions refused for ordinary members, forged ids included; and two
servers never read or change each other's data.

The admin commands are discovered from the synced tree (every command with
default_member_permissions), and run with the client-side default bypassed, as a server admin's
override or a tampered client could. After every refused action the server's stored data must be
exactly what it was, and after a whole battery of actions in one server the other server's data
must be untouched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from bot.db import Database, DatabaseUrl
from tests.conftest import Discord
from tests.facts.conftest import button, label_of, plant, submit
from tests.quiz.conftest import Club, new_club
from tests.support.botproc import BotProcess
from tests.support.dbaccess import in_own_thread

pytestmark = pytest.mark.e2e

REFUSAL_WORDS = ("need", "only", "belongs", "ended", "moderator", "not", "can't", "cannot")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Discord, BotProcess, Club, Club]]:
    discord = Discord()
    bot = BotProcess(discord.emu, tmp_path_factory.mktemp("isolation"),
                     extra_env={"ROCKY_TEST_EXTRA_EXTENSIONS": ""})
    bot.start()
    home = new_club(discord, members=("alice", "bob"))
    away = new_club(discord, members=("zelda", "quincy"))
    # The bot stores a member soon after their first command, not before answering it; writes
    # made later commit after it, so the seeding in each test settles alice before a snapshot.
    assert home.command("alice", "quote").answered
    yield discord, bot, home, away
    bot.kill()
    discord.stop()


def snapshot(url: DatabaseUrl, guild_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that belongs to `guild_id`, except when members were last seen."""

    async def read() -> dict[str, list[tuple[Any, ...]]]:
        db = await Database.open(url, migrate=False)
        try:
            rows = {}
            for table in await db.tables():
                columns = await db.columns(table)
                if "guild_id" not in columns:
                    continue
                kept = [c for c in columns if c != "last_seen_at"]
                rows[table] = sorted((tuple(r) for r in await db.fetch_all(
                    f"SELECT {', '.join(kept)} FROM {table} WHERE guild_id = $1", (guild_id,))),
                    key=repr)
            return rows
        finally:
            await db.close()

    return in_own_thread(lambda: asyncio.run(read()))


def seed(discord: Discord, club: Club, owner_name: str, writer: str) -> None:
    """Give a server some of everything: settings, a pending fact, a quiz answer."""
    owner = club.guild.members[club.guild.owner_id]
    tz = discord.call(discord.emu.command(owner, "config", {"timezone": "Europe/Rome"},
                                          sub="timezone", channel=club.channel("quiz")))
    assert tz.answered
    answer = submit(discord, club.members[writer],
                    f"{owner_name} says Rocky ran the steps at dawn in a grey sweatsuit.",
                    channel=club.channel("trivia"))
    assert label_of(answer)
    start = club.command("mod", "quiz", {"questions": 3, "seconds": 60}, sub="start")
    assert start.answered
    question = club.question(1)
    assert club.click(writer, question, index=1).answered


def _leaves(command: dict[str, Any]) -> list[tuple[str, ...]]:
    subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
    if not subs:
        return [()]
    paths = []
    for sub in subs:
        if sub["type"] == 1:
            paths.append((sub["name"],))
        else:
            paths += [(sub["name"], leaf["name"]) for leaf in sub.get("options") or []]
    return paths


def _required(discord: Discord, club: Club, command: dict[str, Any], path: tuple[str, ...]
              ) -> dict[str, Any]:
    options = command.get("options") or []
    for part in path:
        options = next(o for o in options if o["name"] == part).get("options") or []
    values: dict[str, Any] = {}
    for option in options:
        if not option.get("required"):
            continue
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        else:
            values[option["name"]] = {
                3: "Europe/Rome", 4: option.get("min_value", 1), 5: True, 10: 1,
                6: club.members["bob"], 7: club.channel("trivia"),
                8: next(r for r in club.guild.roles.values() if r.name == "Moderators"),
            }.get(option["type"], "x")
    return values


def _assert_refused(discord: Discord, record: Any, what: str) -> None:
    assert record.answered, f"{what}: no answer"
    message = discord.emu.message(record.original_message_id)
    assert message.ephemeral, f"{what}: answered publicly: {message.content!r}"
    text = (message.content + " ".join(e.get("description", "") for e in message.embeds)).lower()
    assert any(word in text for word in REFUSAL_WORDS), f"{what}: {message.content!r}"
    assert record.modal is None, f"{what}: opened a form"


def test_admin_and_moderator_actions_are_refused_for_ordinary_members(servers):
    discord, bot, home, _ = servers
    seed(discord, home, "home", "bob")
    assert home.command("alice", "quote").answered  # alice is known before the snapshot
    before = snapshot(bot.database_url, home.guild.id)
    alice = home.members["alice"]
    admin_commands = [c for c in discord.emu.global_commands
                      if c.get("default_member_permissions") not in (None, "0")]
    assert admin_commands, "no admin command found in the synced tree"
    tried = 0
    for command in admin_commands:
        for path in _leaves(command):
            record = discord.call(discord.emu.command(
                alice, command["name"], _required(discord, home, command, path),
                sub=path[-1] if path else None, group=path[0] if len(path) == 2 else None,
                channel=home.channel("trivia"), bypass_default_permissions=True))
            _assert_refused(discord, record, f"/{command['name']} {' '.join(path)}")
            tried += 1
    for sub, options in (("review", {}), ("remove", {"id": "s1"})):
        record = discord.call(discord.emu.command(alice, "fact", options, sub=sub,
                                                  channel=home.channel("trivia")))
        _assert_refused(discord, record, f"/fact {sub}")
        tried += 1
    stop = home.command("alice", "quiz", sub="stop")
    _assert_refused(discord, stop, "/quiz stop by a member who did not start it")
    assert tried >= 10
    assert snapshot(bot.database_url, home.guild.id) == before, "a refused action changed data"


def test_forged_custom_ids_are_refused_and_change_nothing(servers):
    discord, bot, home, away = servers
    seed(discord, away, "away", "zelda")
    home_before = snapshot(bot.database_url, home.guild.id)
    away_before = snapshot(bot.database_url, away.guild.id)
    away_fact = away_before["fact_submissions"][0][0]
    away_game = away_before["quiz_games"][0][0]
    bob_id = home.members["bob"].user.id
    forged = [
        f"fact:approve:{away_fact}", f"fact:reject:{away_fact}", f"fact:skip:{away_fact}",
        "fact:approve:1", f"quiz:{away_game}:1:0", f"privacy:delete:{bob_id}",
    ]
    for custom_id in forged:
        # discord.py ignores a click on an id the message does not carry, as Discord refuses
        # it: a tampered client would present a message that carries the forged button.
        planted = plant(discord, home.channel("trivia"), [button(custom_id, "forged")])
        record = discord.call(discord.emu.click(home.members["alice"], planted,
                                                custom_id=custom_id))
        _assert_refused(discord, record, f"forged {custom_id}")
    assert snapshot(bot.database_url, home.guild.id) == home_before
    assert snapshot(bot.database_url, away.guild.id) == away_before


def test_a_server_never_reads_or_changes_another_servers_data(servers):
    discord, bot, home, away = servers
    away_before = snapshot(bot.database_url, away.guild.id)
    alice = home.members["alice"]
    outputs = []
    for name, sub, options in (
            ("fact", "mine", {}), ("fact", "contributors", {}), ("fact", "random", {}),
            ("leaderboard", None, {}), ("stats", None, {}), ("privacy", "show", {}),
            ("quiz", "start", {"questions": 1, "seconds": 10})):
        record = discord.call(discord.emu.command(alice, name, options, sub=sub,
                                                  channel=home.channel("trivia")))
        assert record.answered, (name, sub, discord.emu.violations)
        message = discord.emu.message(record.original_message_id)
        outputs.append(message.content + repr(message.embeds))
    seen = " ".join(outputs)
    for stranger in ("zelda", "quincy"):
        assert stranger not in seen, f"{stranger} of another server shows up here"
    assert "away says" not in seen, "another server's submitted fact shows up here"
    assert snapshot(bot.database_url, away.guild.id) == away_before
