"""/help and /about. Help is read from the live command tree, so it never goes stale."""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

import bot as bot_package
from bot.core.bot import RockyBot
from bot.core.routes import RoutedButton, route
from bot.errors import InvalidInput
from bot.ui.embeds import ROCKY_RED, echo

# Characters per page: with the heading, the direct-message note and the page count, a page stays
# under the 4,000 characters Components V2 allows a message's text displays together.
PAGE_BUDGET = 3700
MAX_CHOICES = 25
OTHER = "Other"
SAMPLES = {
    discord.AppCommandOptionType.user: "@member",
    discord.AppCommandOptionType.channel: "#channel",
    discord.AppCommandOptionType.role: "@role",
    discord.AppCommandOptionType.mentionable: "@member",
    discord.AppCommandOptionType.boolean: "True",
}


# -- reading the tree (pure helpers) ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CommandHelp:
    usage: str
    description: str
    example: str
    audience: str | None  # "admins", "moderators" or None for everyone


@dataclass(frozen=True, slots=True)
class Section:
    feature: str
    summary: str
    commands: tuple[CommandHelp, ...]


def _sample(param: app_commands.Parameter) -> str:
    if param.choices:
        name = str(param.choices[0].name)
        return f'"{name}"' if " " in name else name
    if param.type in (discord.AppCommandOptionType.integer, discord.AppCommandOptionType.number):
        return str(param.min_value if param.min_value is not None else 1)
    return SAMPLES.get(param.type, f"<{param.name}>")


def describe_command(command: app_commands.Command) -> CommandHelp:
    params = command.parameters
    usage = " ".join([f"/{command.qualified_name}"] + [
        f"<{p.display_name}>" if p.required else f"[{p.display_name}]" for p in params])
    example = command.extras.get("example") or " ".join(
        [f"/{command.qualified_name}"] + [f"{p.display_name}:{_sample(p)}" for p in params
                                          if p.required])
    root = command.root_parent or command
    perms = root.default_permissions
    audience = None
    if perms is not None and (perms.manage_guild or perms.administrator):
        audience = "admins"
    elif perms is not None and perms.value:
        audience = "moderators"
    return CommandHelp(usage, command.description, example, audience)


def sections_of(bot: commands.Bot) -> list[Section]:
    """Every slash command in the tree, grouped by the cog (feature) that defines it."""
    live = {c.name for c in bot.tree.get_commands()}
    seen: set[str] = set()
    sections = []
    for cog in bot.cogs.values():
        found = [c for c in cog.walk_app_commands()
                 if isinstance(c, app_commands.Command) and (c.root_parent or c).name in live]
        if found:
            seen.update(c.qualified_name for c in found)
            summary = (cog.description or "").strip().splitlines()
            sections.append(Section(cog.qualified_name, summary[0] if summary else "",
                                    tuple(describe_command(c) for c in found)))
    strays = [c for c in bot.tree.walk_commands()
              if isinstance(c, app_commands.Command) and c.qualified_name not in seen]
    if strays:
        sections.append(Section(OTHER, "", tuple(describe_command(c) for c in strays)))
    return sections


def _command_text(command: CommandHelp) -> str:
    who = f" *({command.audience})*" if command.audience else ""
    return f"`{command.usage}`{who} — {command.description}\n  e.g. `{command.example}`"


@dataclass(frozen=True, slots=True)
class HelpPage:
    text: str
    features: tuple[str, ...]


def pages_of(sections: list[Section], budget: int = PAGE_BUDGET) -> list[HelpPage]:
    """Pages under `budget` characters; a feature that fits stays whole on one page."""
    pages: list[HelpPage] = []
    lines: list[str] = []
    features: list[str] = []

    def size() -> int:
        return sum(len(line) + 1 for line in lines)

    def flush() -> None:
        pages.append(HelpPage("\n".join(lines), tuple(features)))
        lines.clear()
        features.clear()

    for section in sections:
        heading = f"**{section.feature}**" + (f" — {section.summary}" if section.summary else "")
        items = [_command_text(c) for c in section.commands]
        if lines and size() + 1 + len(heading) + sum(len(i) + 1 for i in items) > budget:
            flush()
        lines.extend(["", heading] if lines else [heading])
        features.append(section.feature)
        for item in items:
            if size() + len(item) > budget:
                flush()
                lines.append(f"**{section.feature}** (continued)")
                features.append(section.feature)
            lines.append(item)
    if lines:
        flush()
    return pages or [HelpPage("No commands are loaded.", ())]


def format_duration(duration: timedelta) -> str:
    seconds = max(0, int(duration.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def project_url() -> str | None:
    """The project's page from the installed package metadata ([project.urls] in pyproject)."""
    try:
        entries = importlib.metadata.metadata("rocky-bot").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    urls = [entry.partition(",")[2].strip() for entry in entries]
    return next((url for url in urls if url.startswith(("https://", "http://"))), None)


# -- rendering --------------------------------------------------------------------------------
def help_message(bot: commands.Bot, page: int, in_dm: bool) -> discord.ui.LayoutView:
    """A page of /help in Components V2: heading, the page's commands, the page count and the
    routed Previous / Next buttons (the page rides in their custom ids)."""
    pages = pages_of(sections_of(bot))
    page = min(max(page, 0), len(pages) - 1)
    text = pages[page].text
    if in_dm:
        here = ", ".join(f"/{c.name}" for c in bot.tree.get_commands() if _works_in_dms(c))
        text = f"*Here in direct messages: {here}. Everything else works in a server.*\n\n{text}"
    items: list[discord.ui.Item] = [
        discord.ui.TextDisplay("### Rocky bot commands"),
        discord.ui.TextDisplay(text),
        discord.ui.TextDisplay(f"-# Page {page + 1} of {len(pages)} · <required> [optional]")]
    if len(pages) > 1:
        row: discord.ui.ActionRow = discord.ui.ActionRow()
        for direction in ("prev", "next"):
            target = page + (1 if direction == "next" else -1)
            row.add_item(RoutedButton(
                label="Previous" if direction == "prev" else "Next",
                style=discord.ButtonStyle.secondary, disabled=not 0 <= target < len(pages),
                custom_id=f"help:{direction}:{page}"))
        items.append(row)
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(*items, accent_colour=ROCKY_RED))
    return view


def _works_in_dms(
        command: app_commands.Command | app_commands.Group | app_commands.ContextMenu) -> bool:
    contexts = command.allowed_contexts
    return not command.guild_only and (contexts is None or contexts.dm_channel)


def about_embed(bot: RockyBot) -> discord.Embed:
    library = bot.content
    embed = discord.Embed(
        title="Rocky fan bot",
        description="Trivia, quizzes, montage songs and quotes from all nine Rocky and Creed "
                    "films. Self-hosted and open source.",
        colour=ROCKY_RED)
    embed.add_field(name="Version", value=bot_package.__version__, inline=True)
    embed.add_field(name="Uptime", value=format_duration(bot.clock() - bot.started_at),
                    inline=True)
    embed.add_field(name="Servers", value=str(len(bot.guilds)), inline=True)
    embed.add_field(name="Content", value=(
        f"{len(library.facts)} facts · {len(library.questions)} questions · "
        f"{len(library.songs)} songs · {len(library.quotes)} quotes"), inline=False)
    url = project_url()
    embed.add_field(name="Project", value=url or "See the README that came with the bot.",
                    inline=False)
    return embed


class Help(commands.Cog):
    """What the bot can do, and about the bot itself."""

    def __init__(self, bot: RockyBot) -> None:
        self.bot = bot

    @route(r"help:(?P<dir>prev|next):(?P<page>\d+)")
    async def turn_page(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        target = int(match["page"]) + (1 if match["dir"] == "next" else -1)
        view = help_message(self.bot, target, in_dm=interaction.guild_id is None)
        await interaction.response.edit_message(view=view)

    @app_commands.command(name="help", description="Every command, by feature, with examples",
                          extras={"example": "/help feature:Montage"})
    @app_commands.describe(feature="Open at this feature")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.allowed_installs(guilds=True, users=True)
    async def help(self, interaction: discord.Interaction,
                   feature: app_commands.Range[str, 1, 100] | None = None) -> None:
        page = 0
        if feature is not None:
            pages = pages_of(sections_of(self.bot))
            page = next((i for i, p in enumerate(pages) if feature in p.features), -1)
            if page < 0:
                raise InvalidInput(f"There is no feature called {echo(feature)}; pick one "
                                   "from the list.")
        view = help_message(self.bot, page, in_dm=interaction.guild_id is None)
        await interaction.response.send_message(view=view, ephemeral=True)

    @help.autocomplete("feature")
    async def feature_autocomplete(self, interaction: discord.Interaction, current: str
                                   ) -> list[app_commands.Choice[str]]:
        typed = current.casefold()
        names = [s.feature for s in sections_of(self.bot) if typed in s.feature.casefold()]
        return [app_commands.Choice(name=n, value=n) for n in names[:MAX_CHOICES]]

    @app_commands.command(name="about", description="Version, uptime, servers and content",
                          extras={"example": "/about"})
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.allowed_installs(guilds=True, users=True)
    async def about(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=about_embed(self.bot), ephemeral=True)


async def setup(bot: RockyBot) -> None:
    await bot.add_cog(Help(bot))
