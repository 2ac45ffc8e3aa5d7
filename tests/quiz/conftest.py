"""Quiz end-to-end fixtures: one emulator and one bot with short timers for the quiz tests, and
a fresh server per test so the tests never depend on each other's state or order."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.content import Question, load_content
from bot.emulator.model import Channel, Guild, Member, Message
from bot.emulator.permissions import DEFAULT_EVERYONE, MANAGE_MESSAGES
from tests.conftest import BACKENDS, Discord, new_bot_database
from tests.support.botproc import BotProcess
from tests.support.dbaccess import execute, query

TIMER_SCALE = 0.2  # a 10-second question lasts 2 s, the pause between questions 0.8 s
QUIZ_ENV = {"ROCKY_TEST_TIMER_SCALE": str(TIMER_SCALE),
            "ROCKY_TEST_EXTRA_EXTENSIONS": "tests.quiz.daily_trigger"}
QUESTIONS: dict[str, Question] = {q.prompt: q for q in load_content().questions}
_clubs = itertools.count(1)


@pytest.fixture(scope="session", params=BACKENDS)
def quiz_env(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
             ) -> Iterator[tuple[Discord, BotProcess]]:
    """The quiz bot, once per backend: every quiz end-to-end test runs on both."""
    discord = Discord()
    folder = tmp_path_factory.mktemp("quiz-bot")
    bot = BotProcess(discord.emu, folder, extra_env=QUIZ_ENV,
                     database=new_bot_database(request, folder, request.param))
    try:
        bot.start()
        yield discord, bot
    finally:
        bot.kill()
        discord.stop()


@dataclass
class Club:
    """A server of its own in the emulator, with members and channels, and helpers to act."""

    discord: Discord
    guild: Guild
    members: dict[str, Member]

    @property
    def emu(self) -> Any:
        return self.discord.emu

    def channel(self, name: str = "quiz") -> Channel:
        return self.guild.channel_named(name)

    def run(self, coro: Any) -> Any:
        return self.discord.call(coro)

    def command(self, who: str, name: str, options: dict[str, Any] | None = None, *,
                sub: str | None = None, channel: str = "quiz") -> Any:
        return self.run(self.emu.command(self.members[who], name, options or {}, sub=sub,
                                         channel=self.channel(channel)))

    def reply(self, record: Any) -> Message:
        return self.emu.message(record.original_message_id)

    def click(self, who: str, message: Message, **how: Any) -> Any:
        return self.run(self.emu.click(self.members[who], message, **how))

    def bot_posts(self, channel: str = "quiz") -> list[Message]:
        """Messages the bot posted in the channel itself (not interaction replies)."""
        return [m for m in self.emu.channel_messages(self.channel(channel))
                if m.interaction_id is None]

    def wait_for_post(self, predicate: Callable[[Message], bool], channel: str = "quiz",
                      timeout: float = 15.0) -> Message:
        found: list[Message] = []

        def check() -> bool:
            found[:] = [m for m in self.bot_posts(channel) if predicate(m)]
            return bool(found)

        self.run(self.emu.wait_for(check, timeout))
        return found[0]

    def question(self, number: int, channel: str = "quiz", timeout: float = 15.0) -> Message:
        return self.wait_for_post(lambda m: title(m).startswith(f"Question {number} of"),
                                  channel, timeout)

    def wait_revealed(self, message: Message, timeout: float = 15.0) -> Message:
        self.run(self.emu.wait_for(lambda: title(message).endswith("time!"), timeout))
        return message

    def standings(self, channel: str = "quiz", timeout: float = 20.0) -> Message:
        return self.wait_for_post(lambda m: "Final bell" in title(m), channel, timeout)


def displays(message: Message) -> list[str]:
    """The text displays of a Components V2 message, in order."""
    return [c.get("content", "") for c in message.all_components() if c.get("type") == 10]


def title(message: Message) -> str:
    """An embed's title, or the heading (`### ...`) a Components V2 message opens with: a game's
    question and its reveal are V2, the standings an embed."""
    if message.embeds:
        return message.embeds[0].get("title", "")
    first = (displays(message) or [""])[0].split("\n")[0]
    return first.removeprefix("### ") if first.startswith("### ") else ""


def question_of(message: Message) -> Question:
    """The question a game's question (or reveal) message asks: the bold prompt under its
    heading."""
    assert message.flags & Message.COMPONENTS_V2 and not message.embeds
    heading, prompt = displays(message)[0].split("\n")[:2]
    assert heading.startswith("### Question "), heading
    return QUESTIONS[prompt.removeprefix("**").removesuffix("**")]


def reveal_field(message: Message, starts: str) -> dict[str, str]:
    """A part of a revealed question by the start of its name, as name and value: "Got it
    right: N of M" (the bold line) with the lines under it, or a `**Name:** value` line ("Why",
    "Source")."""
    assert title(message).endswith("time!"), title(message)
    fields: list[tuple[str, str]] = []
    for text in displays(message)[1:]:  # after the heading and the prompt
        head, _, rest = text.partition("\n")
        if re.fullmatch(r"\*\*Got it right: \d+ of \d+\*\*", head):
            fields.append((head.strip("*"), rest))
        else:
            fields += re.findall(r"^\*\*([^*]+):\*\* (.*)$", text, re.M)
    name, value = next((n, v) for n, v in fields if n.startswith(starts))
    return {"name": name, "value": value}


def right_and_wrong(message: Message) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The button with the right answer, and the others."""
    answer = question_of(message).answer
    buttons = message.buttons()
    right = next(b for b in buttons if b["label"] == answer)
    return right, [b for b in buttons if b is not right]


def new_club(discord: Discord, members: tuple[str, ...] = ("alice", "bob", "carol"),
             channels: tuple[str, ...] = ("quiz", "trivia")) -> Club:
    emu = discord.emu

    def build() -> tuple[Guild, dict[str, Member]]:
        guild = emu.add_guild(f"Quiz Club {next(_clubs)}", channels=channels)
        moderators = emu.add_role(guild, "Moderators", DEFAULT_EVERYONE | MANAGE_MESSAGES)
        people = {name: emu.add_member(guild, name) for name in members}
        people["mod"] = emu.add_member(guild, "mod", roles=[moderators])
        return guild, people

    guild, people = discord.thread.do(build)
    discord.call(emu.add_bot(guild))
    return Club(discord, guild, people)


def read_db(bot: BotProcess, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database (committed data only) through a connection of its own."""
    return query(bot.database_url, sql, params)


def write_db(bot: BotProcess, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Stand in for another feature's command (e.g. /config films) by writing its rows."""
    execute(bot.database_url, sql, params)


def game_id_of(message: Message) -> int:
    return int(message.buttons()[0]["custom_id"].split(":")[1])


def figures(stats: Message) -> dict[str, str]:
    """/stats' figures, from its card's alt text ("Name: value" a line)."""
    card = stats.media()[0]
    assert card["url"] == "attachment://stats.png" and "stats.png" in stats.files
    return dict(line.split(": ", 1) for line in card["description"].splitlines())


def board_rows(board: Message) -> list[str]:
    """The rows of a leaderboard page, from its card's alt text."""
    card = board.media()[0]
    assert card["url"] == "attachment://leaderboard.png" and "leaderboard.png" in board.files
    return card["description"].splitlines()


def board_footer(board: Message) -> str:
    return next(line for line in board.text().splitlines() if line.startswith("-# Page "))[3:]
