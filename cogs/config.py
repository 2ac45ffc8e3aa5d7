"""/config: how the bot behaves in this server: daily posts, roles, quiz defaults, films. Admins.

`default_permissions(manage_guild=True)` only hides the group in the client, and server admins
can override it per role or member; so every subcommand, button and menu here also checks on
the server side (Cog.interaction_check runs for each subcommand of the cog).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.core.bot import RockyBot
from bot.core.checks import (
    is_admin,
    join_names,
    missing_permissions,
    require_postable,
    require_real_role,
)
from bot.core.error_handler import RockyView
from bot.db.repositories.schedule import ScheduleRepository
from bot.domain.config import ChangedBy, GuildConfig
from bot.domain.films import FILMS
from bot.domain.leaderboard import BoardRow
from bot.domain.schedule import (
    CATCH_UP_WINDOW,
    KINDS,
    Action,
    PostState,
    canonical_timezone,
    decide,
    format_daily_time,
    load_timezone,
    parse_daily_time,
    timezone_names,
)
from bot.domain.server_settings import (
    QUIZ_QUESTIONS,
    QUIZ_SECONDS,
    check_films,
    check_quiz_defaults,
)
from bot.errors import Conflict, InvalidInput, UserFacingError
from bot.ui.cards import CardRenderer, ChampionCard, avatar_url
from bot.ui.embeds import PHILLY_BLUE, safe
from bot.ui.quiz import champion_layout

try:  # the quiz feature owns the leaderboard; /config only asks it to start a new season
    from bot.db.repositories.quiz import QuizRepository
except ImportError:  # pragma: no cover - the quiz feature is not installed
    # mypy has no type for "this class, or None when its module is absent".
    QuizRepository = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

POST_NAMES = {"fact": "Daily fact", "quote": "Daily quote", "question": "Daily question"}
POST_CHOICES = [Choice(name=POST_NAMES[kind], value=kind) for kind in KINDS]
QuestionsOption = app_commands.Range[int, QUIZ_QUESTIONS[0], QUIZ_QUESTIONS[1]]
SecondsOption = app_commands.Range[int, QUIZ_SECONDS[0], QUIZ_SECONDS[1]]
MENU_TIMEOUT = 180.0  # seconds a confirmation button or the films menu stays usable
MAX_CHOICES = 25
# Shown when nothing is typed yet: the zones most Rocky fans are likely to want.
POPULAR_TIMEZONES = ("UTC", "America/New_York", "America/Chicago", "America/Denver",
                     "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Europe/Paris",
                     "Europe/Rome", "Australia/Sydney", "Asia/Tokyo")


# -- checks and small helpers --------------------------------------------------------------------
def require_admin(interaction: discord.Interaction) -> None:
    """Manage Server (or Administrator), checked on the server whatever the client allowed."""
    member = interaction.user
    if not isinstance(member, discord.Member) or not is_admin(member):
        raise app_commands.MissingPermissions(["manage_guild"])


def changed_by(interaction: discord.Interaction) -> ChangedBy:
    """The admin behind a change, for the audit log the dashboard shows."""
    user = interaction.user
    return ChangedBy(user.id, getattr(user, "display_name", user.name), "discord")


def require_belt_movable(role: discord.Role, me: discord.Member) -> None:
    """The bot can give and take the belt role: Manage Roles, and the role below its own."""
    require_real_role(role)
    if role.managed:
        raise InvalidInput(f"{role.mention} belongs to an integration, so nobody can hand it "
                           "over: pick a role you made.")
    if me.guild.owner_id == me.id:
        return
    if not me.guild_permissions.manage_roles:
        raise InvalidInput(f"I can't hand over {role.mention}: I'm missing Manage Roles. Grant "
                           "it to my role in Server Settings → Roles, then try again.")
    if role >= me.top_role:
        raise InvalidInput(f"I can't hand over {role.mention}: it is at or above my highest "
                           "role, and Discord only lets me give roles below it. In Server "
                           f"Settings → Roles, drag my role above {role.mention}, then try "
                           "again.")


def timezone_choices(typed: str) -> list[Choice[str]]:
    """Zones starting with what was typed first, then zones containing it (e.g. 'berlin')."""
    wanted = typed.strip().casefold().replace(" ", "_")
    if not wanted:
        return [Choice(name=tz, value=tz) for tz in POPULAR_TIMEZONES]
    names = timezone_names()
    starts = [tz for tz in names if tz.casefold().startswith(wanted)]
    inside = [tz for tz in names if wanted in tz.casefold() and tz not in starts]
    return [Choice(name=tz, value=tz) for tz in (starts + inside)[:MAX_CHOICES]]


def next_post_text(config: GuildConfig, last_posted_day: date | None, now: datetime) -> str:
    decision = decide(zone=load_timezone(config.timezone),
                      at=parse_daily_time(config.daily_time),
                      last_posted_day=last_posted_day, now=now)
    if decision.action is Action.POST:
        return "due now"
    return f"next <t:{int(decision.next_due.timestamp())}:f>"


def channel_text(guild: discord.Guild, channel_id: int | None) -> str:
    if channel_id is None:
        return "no channel set"
    channel = guild.get_channel(channel_id)
    if channel is None:
        return "a channel that was deleted"
    missing = missing_permissions(channel, guild.me)
    warning = f" (⚠ I'm missing {join_names(missing)} there)" if missing else ""
    return channel.mention + warning


def post_text(kind: str, guild: discord.Guild, config: GuildConfig, state: PostState,
              now: datetime) -> str:
    on = getattr(config, f"daily_{kind}_enabled")
    where = channel_text(guild, getattr(config, f"daily_{kind}_channel_id"))
    if on:
        text = f"**on** in {where}, {next_post_text(config, state.last_posted_day, now)}"
    elif state.disabled_reason:
        when = (state.disabled_at or "")[:10]
        text = (f"**off**: I switched it off on {when} because {state.disabled_reason}. "
                f"Fix that, then `/config daily post:{kind} enabled:True`")
    else:
        text = f"off ({where})"
    if state.last_posted_day is not None:
        text += f"; last posted for {state.last_posted_day.isoformat()}"
    return text


def role_text(guild: discord.Guild, role_id: int | None, unset: str) -> str:
    if role_id is None:
        return unset
    role = guild.get_role(role_id)
    return role.mention if role is not None else "a role that was deleted"


def config_embed(guild: discord.Guild, config: GuildConfig, states: dict[str, PostState],
                 now: datetime) -> discord.Embed:
    embed = discord.Embed(title=f"Settings for {safe(guild.name)}", colour=PHILLY_BLUE)
    embed.add_field(name="Daily posts", inline=False, value=(
        f"at **{config.daily_time}** ({config.timezone}); a missed post is sent if the bot is "
        f"back within {CATCH_UP_WINDOW.total_seconds() / 3600:g} hours\n"
        f"ping role: {role_text(guild, config.daily_ping_role_id, 'none')}"))
    for kind in KINDS:
        embed.add_field(name=POST_NAMES[kind], inline=False,
                        value=post_text(kind, guild, config, states[kind], now))
    embed.add_field(name="Moderation", inline=False, value=(
        f"moderator role: {role_text(guild, config.moderator_role_id, 'none (Manage Messages)')}"
        f"\nreview channel: {channel_text(guild, config.review_channel_id)}"))
    embed.add_field(name="Quiz defaults", inline=False,
                    value=f"{config.quiz_questions} questions, {config.quiz_seconds} s each")
    films = [f for f in FILMS if f in config.enabled_films]
    embed.add_field(name="Title belt", inline=False, value=role_text(
        guild, config.belt_role_id, "none: choose a role with /config belt-role"))
    embed.add_field(name="Films on (spoiler gating)", inline=False,
                    value="all nine" if len(films) == len(FILMS) else ", ".join(films))
    embed.add_field(name="Web leaderboard", inline=False,
                    value=f"on: /servers/{guild.id}/leaderboard" if config.web_leaderboard
                    else "off (`/config web-leaderboard enabled:True` publishes it)")
    return embed


# -- views -----------------------------------------------------------------------------------
class ConfirmView(RockyView):
    """Confirm or cancel a destructive change; only an admin's click counts."""

    def __init__(self, action: Callable[[discord.Interaction], Awaitable[str]],
                 label: str) -> None:
        super().__init__(timeout=MENU_TIMEOUT)
        self.action = action
        self.confirm.label = label
        self.origin: discord.Interaction | None = None
        self.done = False

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_admin(interaction)
        if self.done:
            raise Conflict("That was already answered; run the command again to start over.")
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.done = True
        self.stop()
        try:
            text = await self.action(interaction)
        except UserFacingError as exc:  # said in place of the question, so no dead buttons stay
            text = exc.message
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.done = True
        self.stop()
        await interaction.response.edit_message(content="Cancelled: nothing changed.", view=None)

    async def on_timeout(self) -> None:
        if self.origin is not None and not self.done:
            try:
                await self.origin.edit_original_response(
                    content="No answer in time: nothing changed.", view=None)
            except discord.HTTPException:
                pass


class FilmsView(RockyView):
    """A menu of the nine films; what is ticked is what facts, quizzes and posts may use."""

    def __init__(self, bot: RockyBot, enabled: frozenset[str]) -> None:
        super().__init__(timeout=MENU_TIMEOUT)
        self.bot = bot
        for option in self.films.options:
            option.default = option.value in enabled

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_admin(interaction)
        return True

    # cls is the default, given because mypy cannot solve it (self.films would be Never).
    @discord.ui.select(cls=discord.ui.Select, placeholder="Films the bot may use", min_values=1,
                       max_values=len(FILMS),
                       options=[discord.SelectOption(label=film, value=film) for film in FILMS])
    async def films(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        try:
            chosen = check_films(select.values)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        assert interaction.guild_id is not None
        await self.bot.guild_config.set_enabled_films(interaction.guild_id, chosen,
                                                      changed_by=changed_by(interaction))
        self.stop()
        names = ", ".join(f for f in FILMS if f in chosen)
        await interaction.response.edit_message(
            content=f"Films on: {names}. Facts, quiz questions and daily posts now come only "
                    "from these films (items about the whole series always count).",
            view=None)


# -- the cog ---------------------------------------------------------------------------------
class Config(commands.Cog):
    config = app_commands.Group(
        name="config", description="Set up the bot for this server (Manage Server)",
        guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot
        self.schedule = ScheduleRepository(bot.db)
        self.cards: CardRenderer | None = None  # the champion card, drawn off the loop

    async def cog_unload(self) -> None:
        if self.cards is not None:
            await self.cards.close()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_admin(interaction)  # every /config subcommand, whatever the client allowed
        return True

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    @config.command(name="show", description="Show this server's settings")
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        config = await self.bot.guild_config.get(guild_id)
        states = await self.schedule.states(guild_id)
        embed = config_embed(interaction.guild, config, states, self.bot.clock())
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @config.command(name="channel", description="Choose the channel of a daily post")
    @app_commands.describe(post="Which daily post", channel="Where it goes")
    @app_commands.choices(post=POST_CHOICES)
    async def channel(self, interaction: discord.Interaction, post: Choice[str],
                      channel: discord.TextChannel) -> None:
        assert interaction.guild is not None
        require_postable(channel, interaction.guild.me)
        kind = post.value
        config = await self.bot.guild_config.update(
            interaction.guild.id, changed_by=changed_by(interaction),
            **{f"daily_{kind}_channel_id": channel.id})
        await self.schedule.clear_disabled(interaction.guild.id, kind)
        state = "on" if getattr(config, f"daily_{kind}_enabled") else (
            f"off: turn it on with `/config daily post:{kind} enabled:True`")
        await self._reply(interaction, f"{POST_NAMES[kind]} goes to {channel.mention}. "
                                       f"It is {state}.")

    @config.command(name="daily", description="Turn a daily post on or off")
    @app_commands.describe(post="Which daily post", enabled="True to post every day")
    @app_commands.choices(post=POST_CHOICES)
    async def daily(self, interaction: discord.Interaction, post: Choice[str],
                    enabled: bool) -> None:
        guild = interaction.guild
        assert guild is not None
        kind = post.value
        config = await self.bot.guild_config.get(guild.id)
        if enabled:
            channel_id = getattr(config, f"daily_{kind}_channel_id")
            channel = guild.get_channel(channel_id) if channel_id else None
            if channel is None:
                raise InvalidInput(f"Choose its channel first: `/config channel post:{kind}`.")
            require_postable(channel, guild.me)
        config = await self.bot.guild_config.update(
            guild.id, changed_by=changed_by(interaction), **{f"daily_{kind}_enabled": enabled})
        await self.schedule.clear_disabled(guild.id, kind)
        if not enabled:
            await self._reply(interaction, f"{POST_NAMES[kind]} is off.")
            return
        states = await self.schedule.states(guild.id)
        when = next_post_text(config, states[kind].last_posted_day, self.bot.clock())
        await self._reply(interaction, f"{POST_NAMES[kind]} is on in <#{channel_id}> every day "
                                       f"at {config.daily_time} ({config.timezone}): {when}.")

    @config.command(name="daily-time", description="The time of day of the daily posts (HH:MM)")
    @app_commands.describe(time="24-hour time in the server's timezone, e.g. 09:00 or 18:30")
    async def daily_time(self, interaction: discord.Interaction, time: str) -> None:
        assert interaction.guild_id is not None
        try:
            at = format_daily_time(parse_daily_time(time))
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        config = await self.bot.guild_config.update(
            interaction.guild_id, changed_by=changed_by(interaction), daily_time=at)
        await self._reply(interaction, f"Daily posts go out at {at} ({config.timezone}).")

    @config.command(name="timezone", description="The server's timezone, for the daily posts")
    @app_commands.describe(timezone="An IANA timezone such as Europe/London or America/New_York")
    async def timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        assert interaction.guild_id is not None
        name = canonical_timezone(timezone)
        if name is None:
            raise InvalidInput(f"{safe(timezone)!r} is not a timezone I know: pick one from the "
                               "list, such as America/New_York (Philadelphia's).")
        config = await self.bot.guild_config.update(
            interaction.guild_id, changed_by=changed_by(interaction), timezone=name)
        await self._reply(interaction, f"Timezone set to {name}: daily posts go out at "
                                       f"{config.daily_time} there.")

    @timezone.autocomplete("timezone")
    async def timezone_autocomplete(self, interaction: discord.Interaction, current: str
                                    ) -> list[Choice[str]]:
        return timezone_choices(current)

    @config.command(name="ping-role", description="A role to ping on daily posts (none to stop)")
    @app_commands.describe(role="The role to ping; leave empty to ping nobody")
    async def ping_role(self, interaction: discord.Interaction,
                        role: discord.Role | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        if role is None:
            await self.bot.guild_config.update(guild.id, changed_by=changed_by(interaction),
                                               daily_ping_role_id=None)
            await self._reply(interaction, "Daily posts ping nobody.")
            return
        require_real_role(role)
        await self.bot.guild_config.update(guild.id, changed_by=changed_by(interaction),
                                           daily_ping_role_id=role.id)
        text = f"Daily posts ping {role.mention}."
        if not role.mentionable and not guild.me.guild_permissions.mention_everyone:
            text += (" Note: that role is not mentionable, so Discord will not notify it; allow "
                     "anyone to mention it in the role's settings.")
        await self._reply(interaction, text)

    @config.command(name="quiz", description="Default number of questions and seconds per question")
    @app_commands.describe(questions="Questions per game, 1 to 20",
                           seconds="Seconds to answer each question, 10 to 60")
    async def quiz(self, interaction: discord.Interaction,
                   questions: QuestionsOption | None = None,
                   seconds: SecondsOption | None = None) -> None:
        assert interaction.guild_id is not None
        # The client enforces the ranges; checked again because a request can skip the client.
        try:
            changes = check_quiz_defaults(questions, seconds)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        config = await self.bot.guild_config.update(interaction.guild_id,
                                                    changed_by=changed_by(interaction), **changes)
        await self._reply(interaction, f"Quiz games now default to {config.quiz_questions} "
                                       f"questions, {config.quiz_seconds} seconds each.")

    @config.command(name="belt-role",
                    description="The title belt: a role that moves to each season's champion")
    @app_commands.describe(role="The champion's role; leave empty to stop handing one over")
    async def belt_role(self, interaction: discord.Interaction,
                        role: discord.Role | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        if role is None:
            await self.bot.guild_config.update(guild.id, belt_role_id=None)
            await self._reply(interaction, "No title belt: seasons end without handing over a "
                                           "role (whoever has it keeps it).")
            return
        require_belt_movable(role, guild.me)
        await self.bot.guild_config.update(guild.id, belt_role_id=role.id)
        await self._reply(interaction, f"{role.mention} is the title belt: when a season ends "
                                       "(/config leaderboard-reset) it moves from the last "
                                       "champion to the season's top scorer.")

    @config.command(name="moderator-role", description="The role that reviews fact submissions")
    @app_commands.describe(role="The moderators' role; leave empty for Manage Messages only")
    async def moderator_role(self, interaction: discord.Interaction,
                             role: discord.Role | None = None) -> None:
        assert interaction.guild_id is not None
        if role is not None:
            require_real_role(role)
        await self.bot.guild_config.update(interaction.guild_id, changed_by=changed_by(interaction),
                                           moderator_role_id=role.id if role else None)
        who = f"{role.mention} and members" if role else "Members"
        await self._reply(interaction, f"{who} with Manage Messages can moderate.")

    @config.command(name="review-channel", description="Where fact submissions wait for review")
    @app_commands.describe(channel="The review channel; leave empty to clear it")
    async def review_channel(self, interaction: discord.Interaction,
                             channel: discord.TextChannel | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        if channel is not None:
            require_postable(channel, guild.me)
        await self.bot.guild_config.update(guild.id, changed_by=changed_by(interaction),
                                           review_channel_id=channel.id if channel else None)
        await self._reply(interaction, f"Submissions are reviewed in {channel.mention}." if channel
                          else "The review channel is cleared.")

    @config.command(name="films", description="Which films the bot may use (spoiler gating)")
    async def films(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        config = await self.bot.guild_config.get(interaction.guild_id)
        await interaction.response.send_message(
            "Tick the films the bot may talk about; at least one stays on.",
            view=FilmsView(self.bot, config.enabled_films), ephemeral=True)

    @config.command(name="web-leaderboard",
                    description="Show the quiz standings on a public web page, or stop")
    @app_commands.describe(enabled="True to publish the leaderboard page, False to take it down")
    async def web_leaderboard(self, interaction: discord.Interaction, enabled: bool) -> None:
        assert interaction.guild_id is not None
        await self.bot.guild_config.update(interaction.guild_id, changed_by=changed_by(interaction),
                                           web_leaderboard=enabled)
        if enabled:
            await self._reply(interaction, "The leaderboard page is public: anyone with its "
                                           f"address, /servers/{interaction.guild_id}/leaderboard "
                                           "on the bot's web pages, can see the standings.")
        else:
            await self._reply(interaction, "The leaderboard page is off: its address shows "
                                           "\"not found\".")

    @config.command(name="leaderboard-reset",
                    description="Archive the quiz standings as a season and start a new one")
    async def leaderboard_reset(self, interaction: discord.Interaction) -> None:
        await self._confirm(interaction, self._start_new_season, "Start a new season",
                            "This archives the quiz standings so far as a finished season and "
                            "starts a new one with an empty leaderboard. Go ahead?")

    @config.command(name="reset", description="Put every setting back to its default")
    async def reset(self, interaction: discord.Interaction) -> None:
        await self._confirm(interaction, self._reset_settings, "Reset the settings",
                            "This puts every /config setting back to its default (daily posts "
                            "off, all films on). Go ahead?")

    async def _confirm(self, interaction: discord.Interaction,
                       action: Callable[[discord.Interaction], Awaitable[str]], label: str,
                       question: str) -> None:
        view = ConfirmView(action, label)
        view.origin = interaction
        await interaction.response.send_message(question, view=view, ephemeral=True)

    async def _start_new_season(self, interaction: discord.Interaction) -> str:
        guild = interaction.guild
        assert guild is not None
        if QuizRepository is None:
            raise Conflict("The quiz feature is not installed on this bot, so there is no "
                           "leaderboard to reset.")
        config = await self.bot.guild_config.get(guild.id)
        belt = guild.get_role(config.belt_role_id) if config.belt_role_id else None
        if belt is not None:  # checked before anything changes: nothing is left half done
            require_belt_movable(belt, guild.me)
        repo = QuizRepository(self.bot.db, self.bot.clock)
        holder = await repo.leaderboards.last_champion_id(guild.id)
        season = await repo.start_new_season(guild.id)
        champion = await repo.leaderboards.champion(guild.id, season - 1)
        log.info("server %s started quiz season %s", guild.id, season)
        text = (f"Done: the standings so far are archived, and season {season} starts now "
                "with an empty leaderboard.")
        if champion is None:
            text += f" Nobody scored in season {season - 1}, so it has no champion."
        worn = None
        if belt is not None:
            worn, note = await self._move_belt(guild, belt, holder,
                                               champion.user_id if champion else None)
            text += note
        elif config.belt_role_id is not None:
            text += (" The title belt's role was deleted, so no role moved: choose another with "
                     "/config belt-role.")
        if champion is not None:
            text += await self._post_champion(interaction, guild, config, champion, season - 1,
                                              worn)
        return text

    async def _move_belt(self, guild: discord.Guild, belt: discord.Role, holder: int | None,
                         champion: int | None) -> tuple[str | None, str]:
        """Take the belt from the last champion and give it to the new one. Returns the belt's
        mention if the champion wears it now, and a sentence for the admin."""
        reason = "Rocky bot: the title belt moves to the season's champion"
        try:
            if holder is not None and holder != champion:
                try:
                    await self.bot.http.remove_role(guild.id, holder, belt.id, reason=reason)
                except discord.NotFound:
                    pass  # the last champion left the server: nothing to take back
            if champion is None:
                return None, f" {belt.mention} went to nobody."
            try:
                await self.bot.http.add_role(guild.id, champion, belt.id, reason=reason)
            except discord.NotFound:
                return None, (" The champion has left the server, so nobody wears "
                              f"{belt.mention}.")
        except discord.Forbidden:  # the roles changed since the check a moment ago
            log.warning("server %s: Discord refused to move the belt role", guild.id)
            return None, (f" Discord refused to move {belt.mention}: give my role Manage Roles "
                          "and drag it above the belt in Server Settings → Roles.")
        return belt.mention, f" {belt.mention} now belongs to <@{champion}>."

    async def _post_champion(self, interaction: discord.Interaction, guild: discord.Guild,
                             config: GuildConfig, champion: BoardRow, season: int,
                             belt: str | None) -> str:
        """The champion card, in the channel of the reset or else the daily question's."""
        places = [interaction.channel, guild.get_channel(config.daily_question_channel_id or 0)]
        channel = next((c for c in places if isinstance(c, discord.TextChannel)
                        and not missing_permissions(c, guild.me)
                        and c.permissions_for(guild.me).attach_files), None)
        if channel is None:
            return (" I couldn't post the champion card: let me send messages, embed links and "
                    "attach files here or in the daily question's channel.")
        try:
            member: discord.Member | None = await guild.fetch_member(champion.user_id)
        except discord.NotFound:
            member = None
        if self.cards is None:
            self.cards = CardRenderer()
        card = ChampionCard(champion.display_name, avatar_url(member) if member else None,
                            guild.name, season, champion.points, champion.correct,
                            champion.answered)
        await channel.send(view=champion_layout(champion.display_name, season, champion.points,
                                                champion.correct, champion.answered,
                                                card.file_name, belt),
                           file=await self.cards.file(card),
                           allowed_mentions=discord.AllowedMentions.none())
        return f" The champion card is up in {channel.mention}."

    async def _reset_settings(self, interaction: discord.Interaction) -> str:
        assert interaction.guild_id is not None
        await self.bot.guild_config.reset(interaction.guild_id,
                                          changed_by=changed_by(interaction))
        await self.schedule.clear_disabled(interaction.guild_id)
        return "Every setting is back to its default: daily posts are off and all films are on."


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Config(bot))
