"""The title belt end to end: /config belt-role, then each /config leaderboard-reset moves the
role from the last champion to the season's top scorer and posts the champion card; without
Manage Roles, or with the belt at or above the bot's role, the admin is told what to fix and
nothing changes (no season ends, no role moves, no card)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.emulator.model import Message, Role
from bot.emulator.permissions import ATTACH_FILES, DEFAULT_EVERYONE, MANAGE_ROLES
from tests.support.dbaccess import execute, query

BOT_ROLE = DEFAULT_EVERYONE | ATTACH_FILES | MANAGE_ROLES  # the bot's own role

pytestmark = pytest.mark.e2e


class Belt:
    """The demo server with a "Champion" role and the bot's own role just above it."""

    def __init__(self, discord, make_bot) -> None:  # type: ignore[no-untyped-def]
        self.discord = discord
        emu = discord.emu
        self.guild = guild = discord.world.guild

        def build() -> tuple[Role, Role]:
            belt = emu.add_role(guild, "Champion")
            mine = emu.add_role(guild, "Rocky Bot", BOT_ROLE)
            emu.bot_member(guild).roles.append(mine.id)
            return belt, mine

        self.belt, self.bot_role = discord.thread.do(build)
        self.channel = guild.channel_named("general")
        self.bot = make_bot()
        self.bot.start()

    def config(self, sub: str, options=None) -> Message:  # type: ignore[no-untyped-def]
        record = self.discord.call(self.discord.emu.command(
            self.discord.member("admin"), "config", options or {}, sub=sub,
            channel=self.channel))
        assert record.answered, self.discord.emu.violations
        message = self.discord.emu.message(record.original_message_id)
        assert message.ephemeral
        return message

    def reset(self) -> str:
        question = self.config("leaderboard-reset")
        done = self.discord.call(self.discord.emu.click(self.discord.member("admin"), question,
                                                        label="Start a new season"))
        reply = self.discord.emu.message(done.original_message_id)
        assert reply.ephemeral
        return reply.content

    def score(self, season: int, points: dict[str, int]) -> None:
        """Final standings of the open season (scoring itself is tested in tests/quiz)."""
        url, now = self.bot.database_url, datetime.now(UTC).isoformat()
        for name, value in points.items():
            user = self.discord.member(name).user
            execute(url, "INSERT INTO members (guild_id, user_id, display_name, last_seen_at) "
                         "VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, user_id) DO NOTHING",
                    (self.guild.id, user.id, user.username, now))
            execute(url, "INSERT INTO quiz_seasons (guild_id, season, started_at) "
                         "VALUES ($1, $2, $3) ON CONFLICT (guild_id, season) DO NOTHING",
                    (self.guild.id, season, now))
            execute(url, "INSERT INTO quiz_season_totals (guild_id, season, user_id, points, "
                         "answered, correct, best_streak) VALUES ($1, $2, $3, $4, 2, $5, 1)",
                    (self.guild.id, season, user.id, value, int(value > 0) * 2))

    def wearing(self) -> list[str]:
        return sorted(m.user.username for m in self.guild.members.values()
                      if self.belt.id in m.roles)

    def cards(self) -> list[Message]:
        return [m for m in self.discord.emu.channel_messages(self.channel)
                if any(item["url"].endswith("champion.png") for item in m.media())]

    def open_season(self) -> int:
        [(season,)] = query(self.bot.database_url, "SELECT season FROM quiz_seasons "
                            "WHERE guild_id = $1 AND ended_at IS NULL", (self.guild.id,))
        return int(season)


def test_the_belt_moves_to_each_seasons_champion_with_its_card(fresh_discord, make_bot):
    ring = Belt(fresh_discord, make_bot)
    set_up = ring.config("belt-role", {"role": ring.belt})
    assert f"<@&{ring.belt.id}> is the title belt" in set_up.content
    shown = {f["name"]: f["value"] for f in ring.config("show").embeds[0]["fields"]}
    assert shown["Title belt"] == f"<@&{ring.belt.id}>"

    ring.score(1, {"alice": 300, "bob": 100})
    text = ring.reset()
    alice = ring.discord.member("alice").user
    assert "season 2 starts now" in text and f"now belongs to <@{alice.id}>" in text
    assert ring.wearing() == ["alice"]
    [card] = ring.cards()
    assert card.flags & Message.COMPONENTS_V2 and not card.ephemeral
    assert "Season 1 champion: alice" in card.text()
    assert "Points: 300" in card.media()[0]["description"]
    assert card.files["champion.png"].startswith(b"\x89PNG")
    assert card.pings == ()

    ring.score(2, {"alice": 50, "bob": 500})  # the belt changes hands
    assert "season 3 starts now" in ring.reset()
    assert ring.wearing() == ["bob"]
    assert "Season 2 champion: bob" in ring.cards()[-1].text()

    ring.score(3, {"carol": 0})  # nobody scored: the belt goes to nobody, and no card
    text = ring.reset()
    assert "has no champion" in text and "went to nobody" in text
    assert ring.wearing() == []
    assert len(ring.cards()) == 2

    assert "No title belt" in ring.config("belt-role").content  # cleared: roles stay put
    ring.score(4, {"carol": 90})
    ring.reset()
    assert ring.wearing() == []
    assert "Season 4 champion: carol" in ring.cards()[-1].text()
    assert ring.discord.emu.violations == []


def test_without_manage_roles_or_below_the_belt_nothing_changes(fresh_discord, make_bot):
    ring = Belt(fresh_discord, make_bot)
    emu = ring.discord.emu
    ring.config("belt-role", {"role": ring.belt})
    ring.score(1, {"alice": 300})

    # Manage Roles taken from the bot: refused at the reset, and when choosing the role.
    ring.discord.call(emu.update_role(ring.guild, ring.bot_role,
                                      permissions=BOT_ROLE & ~MANAGE_ROLES))
    text = ring.reset()
    assert "I'm missing Manage Roles" in text and "Server Settings → Roles" in text
    refused = ring.config("belt-role", {"role": ring.belt})
    assert "I'm missing Manage Roles" in refused.content
    assert (ring.open_season(), ring.wearing(), ring.cards()) == (1, [], [])

    # Manage Roles back, but the belt dragged above the bot's role: the hierarchy says no.
    ring.discord.call(emu.update_role(ring.guild, ring.bot_role,
                                      permissions=BOT_ROLE))
    ring.discord.call(emu.update_role(ring.guild, ring.belt, position=ring.bot_role.position))
    assert ring.belt.position > ring.bot_role.position
    text = ring.reset()
    assert "at or above my highest role" in text and "drag my role above" in text
    assert "at or above my highest role" in ring.config("belt-role", {"role": ring.belt}).content
    assert (ring.open_season(), ring.wearing(), ring.cards()) == (1, [], [])
    assert not [r for r in emu.requests if r.route == "member_role"]  # not even tried

    # Fixed as the sentence said: the same reset goes through.
    ring.discord.call(emu.update_role(ring.guild, ring.bot_role, position=ring.belt.position))
    assert "season 2 starts now" in ring.reset()
    assert (ring.open_season(), ring.wearing(), len(ring.cards())) == (2, ["alice"], 1)
    assert emu.violations == []
