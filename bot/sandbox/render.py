"""Draw what the bot sent as text a member can read. Pure: works on snapshots and a name lookup.

Mentions become @name with whether they pinged; embeds keep title, description, fields, footer
and colour (as a name); buttons and select options are numbered from 1 as `click`/`pick` use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.sandbox import components as comp

INDENT = "  "
FEW_SECONDS = 5
MENU_SHOWN = 12  # a form's menu lists this many options, then "..."


class Names(Protocol):
    """How the renderer learns what an id is called in the emulated world."""

    bot_name: str

    def user(self, user_id: int) -> str: ...

    def role(self, role_id: int) -> str: ...

    def channel(self, channel_id: int) -> str: ...  # "#general", or "a DM to alice"


@dataclass(frozen=True)
class MessageSnapshot:
    """A message as it was when the event happened (later edits must not change it)."""

    id: int
    channel_id: int
    content: str = ""
    embeds: tuple[dict[str, Any], ...] = ()
    components: tuple[dict[str, Any], ...] = ()
    ephemeral: bool = False
    loading: bool = False
    interaction_user_id: int | None = None
    pings: tuple[str, ...] = ()
    seen_at: float = 0.0  # epoch seconds: relative timestamps are drawn against it
    pictures: tuple[tuple[str, str], ...] = ()  # (attachment name, where it was saved)


# -- colours ---------------------------------------------------------------------------------
# discord.Colour's named palette: the names a bot author picks colours from.
PALETTE = {
    "teal": 0x1ABC9C, "dark teal": 0x11806A, "green": 0x2ECC71, "dark green": 0x1F8B4C,
    "blue": 0x3498DB, "dark blue": 0x206694, "purple": 0x9B59B6, "dark purple": 0x71368A,
    "magenta": 0xE91E63, "dark magenta": 0xAD1457, "gold": 0xF1C40F, "dark gold": 0xC27C0E,
    "orange": 0xE67E22, "dark orange": 0xA84300, "red": 0xE74C3C, "dark red": 0x992D22,
    "light grey": 0x979C9F, "dark grey": 0x607D8B, "darker grey": 0x546E7A,
    "blurple": 0x5865F2, "yellow": 0xFEE75C, "pink": 0xEB459E, "white": 0xFFFFFF,
    "black": 0x000000,
}


def colour_name(value: int) -> str:
    """The nearest named colour (redmean distance, close to how eyes compare colours)."""

    def distance(other: int) -> float:
        r1, g1, b1 = value >> 16, (value >> 8) & 255, value & 255
        r2, g2, b2 = other >> 16, (other >> 8) & 255, other & 255
        mean = (r1 + r2) / 2
        return ((2 + mean / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2
                + (2 + (255 - mean) / 256) * (b1 - b2) ** 2)

    return min(PALETTE, key=lambda name: distance(PALETTE[name]))


# -- text ------------------------------------------------------------------------------------
_LINK = re.compile(r"\[([^\]\n]+)\]\(<?(https?://(?:[^()\s<>]|\([^()\s<>]*\))+)>?\)")
_MENTION = re.compile(
    r"<@!?(?P<user>\d+)>|<@&(?P<role>\d+)>|<#(?P<channel>\d+)>|</(?P<command>[-_\w ]+):\d+>"
    r"|<t:(?P<time>-?\d+)(?::(?P<style>[tTdDfFR]))?>|<a?:(?P<emoji>\w+):\d+>"
    r"|(?<![\w\u200b])@(?P<everyone>everyone|here)\b"
)
_HEADING = re.compile(r"^(?:#{1,3}|-#) ", re.M)
_ESCAPED = re.compile(r"\\([\\*_~`|>#\-\[\]()<@:.])")


def text(raw: str, names: Names, *, pings: tuple[str, ...] | None, now: float) -> str:
    """Discord markup as a reader sees it. `pings` is None where nothing can ping (embeds)."""

    def marker(key: str) -> str:
        if pings is None:
            return ""
        return " (pings)" if key in pings else " (no ping)"

    def mention(match: re.Match[str]) -> str:
        if match["user"]:
            return f"@{names.user(int(match['user']))}{marker('user:' + match['user'])}"
        if match["role"]:
            return f"@{names.role(int(match['role']))}{marker('role:' + match['role'])}"
        if match["channel"]:
            return names.channel(int(match["channel"]))
        if match["command"]:
            return "/" + match["command"]
        if match["time"]:
            return timestamp(int(match["time"]), match["style"] or "f", now)
        if match["emoji"]:
            return f":{match['emoji']}:"
        return f"@{match['everyone']}{marker('everyone')}"

    shown = _LINK.sub(lambda m: f"{m[1]} <{m[2]}>", raw)
    shown = _MENTION.sub(mention, shown)
    return _ESCAPED.sub(r"\1", shown)


def timestamp(epoch: int, style: str, now: float) -> str:
    if style == "R":
        seconds = round(epoch - now)
        if abs(seconds) <= FEW_SECONDS:  # as Discord says it, and steady across runs
            return "in a few seconds" if seconds > 0 else "a few seconds ago"
        return f"in {_duration(seconds)}" if seconds >= 0 else f"{_duration(-seconds)} ago"
    moment = datetime.fromtimestamp(epoch, UTC)
    formats = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%Y-%m-%d", "D": "%d %B %Y",
               "f": "%d %B %Y %H:%M", "F": "%A %d %B %Y %H:%M"}
    return moment.strftime(formats.get(style, formats["f"])) + ("" if style in "dD" else " UTC")


def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if (seconds >= size and seconds % size == 0) or seconds >= 2 * size:
            count = round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _indented(block: str, prefix: str) -> list[str]:
    return [prefix + line if line else prefix.rstrip() for line in block.split("\n")]


# -- messages --------------------------------------------------------------------------------
def message(snapshot: MessageSnapshot, names: Names, *, viewer_id: int | None,
            edited: bool = False) -> list[str]:
    """The header line, then the content, embeds and components, each indented."""
    where = names.channel(snapshot.channel_id)
    verb = "edited a message in" if edited else "in"
    header = f"{names.bot_name} {verb} {where}"
    if snapshot.ephemeral:
        who = snapshot.interaction_user_id
        header += (", only you can see this" if who == viewer_id or who is None
                   else f", only {names.user(who)} can see this")
    if snapshot.loading:
        return [f"{header}: {names.bot_name} is thinking..."]
    lines = [header + ":"]
    if snapshot.content:
        lines += _indented(text(snapshot.content, names, pings=snapshot.pings,
                                now=snapshot.seen_at), INDENT)
    for embed in snapshot.embeds:
        lines += embed_lines(embed, names, snapshot.seen_at)
    lines += component_lines(list(snapshot.components), names, snapshot.seen_at,
                             dict(snapshot.pictures))
    if len(lines) == 1:
        lines.append(INDENT + "(empty)")
    return lines


def embed_lines(embed: dict[str, Any], names: Names, now: float) -> list[str]:
    def show(raw: str) -> str:
        return text(raw, names, pings=None, now=now)

    colour = embed.get("color")
    top = INDENT + "╭─" + (f" {colour_name(int(colour))}" if colour is not None else "")
    lines = [top]
    bar = INDENT + "│ "
    author = (embed.get("author") or {}).get("name")
    if author:
        lines += _indented(show(author), bar)
    if embed.get("title"):
        title = f"**{show(embed['title'])}**"
        if embed.get("url"):
            title += f" <{embed['url']}>"
        lines += _indented(title, bar)
    if embed.get("description"):
        lines += _indented(show(embed["description"]), bar)
    for item in embed.get("fields") or []:
        name, value = show(item.get("name") or ""), show(item.get("value") or "")
        if "\n" in value:
            lines += _indented(name + ":", bar) + _indented(value, bar + INDENT)
        else:
            lines += _indented(f"{name}: {value}", bar)
    for key in ("image", "thumbnail"):
        url = (embed.get(key) or {}).get("url")
        if url:
            lines.append(f"{bar}{key}: <{url}>")
    footer = (embed.get("footer") or {}).get("text")
    bottom = [show(footer)] if footer else []
    if embed.get("timestamp"):
        bottom.append(str(embed["timestamp"]))
    lines.append(INDENT + "╰─" + (" " + " · ".join(bottom) if bottom else ""))
    return lines


def component_lines(components: list[dict[str, Any]], names: Names, now: float,
                    pictures: dict[str, str] | None = None) -> list[str]:
    """Buttons one row per line, [n label]; select menus with their options numbered;
    Components V2 containers drawn as boxes like embeds, pictures with where they were saved
    and their alt text."""
    lines: list[str] = []
    number = {id(b): i for i, b in enumerate(comp.buttons(components), start=1)}
    options = {id(o.option): o.number for o in comp.options(components)}
    saved = pictures or {}

    def picture(media: dict[str, Any] | None, description: str | None, prefix: str) -> None:
        url = (media or {}).get("url", "")
        name = url.removeprefix("attachment://")
        where = f" saved as {saved[name]}" if name in saved else f" <{url}>"
        lines.append(f"{prefix}picture: {name if name != url else 'from the web'}{where}")
        if description:
            lines.extend(_indented(description, prefix + INDENT))

    def draw(items: list[dict[str, Any]], prefix: str) -> None:
        row_buttons: list[str] = []
        for item in items:
            kind = item.get("type")
            if kind == comp.BUTTON:
                row_buttons.append(_button(item, number[id(item)]))
                continue
            if row_buttons:
                lines.append(prefix + " ".join(row_buttons))
                row_buttons = []
            if kind in comp.SELECTS:
                lines.extend(prefix + line.removeprefix(INDENT)
                             for line in _select(item, options))
            elif kind == 10:  # a text display (components v2): headings and small print plain
                shown = _HEADING.sub("", item.get("content") or "")
                lines.extend(_indented(text(shown, names, pings=None, now=now), prefix))
            elif kind == 14:  # a separator
                lines.append(prefix + "─" * 20)
            elif kind == 12:  # a media gallery
                for entry in item.get("items") or []:
                    picture(entry.get("media"), entry.get("description"), prefix)
            elif kind == 11:  # a thumbnail
                picture(item.get("media"), item.get("description"), prefix)
            elif kind == 17:  # a container: a box, like an embed
                colour = item.get("accent_color")
                lines.append(prefix + "╭─" + (f" {colour_name(int(colour))}"
                                               if colour is not None else ""))
                draw(list(item.get("components") or []), prefix + "│ ")
                lines.append(prefix + "╰─")
            else:
                nested = list(item.get("components") or [])
                nested += [item[k] for k in ("accessory",) if isinstance(item.get(k), dict)]
                draw(nested, prefix)
        if row_buttons:
            lines.append(prefix + " ".join(row_buttons))

    draw(components, INDENT)
    return lines


def _button(button: dict[str, Any], number: int) -> str:
    label = comp.button_label(button)
    if button.get("style") == comp.LINK_STYLE and button.get("url"):
        label += f" -> {button['url']}"
    if button.get("disabled"):
        label += " (disabled)"
    return f"[{number} {label}]"


def _select(select: dict[str, Any], numbers: dict[int, int]) -> list[str]:
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    how = f"pick {low}" if low == high else f"pick {low} to {high}"
    placeholder = select.get("placeholder") or "a menu"
    disabled = " (disabled)" if select.get("disabled") else ""
    kind = select.get("type")
    if kind in comp.ENTITY_SELECTS:
        return [f"{INDENT}menu: {placeholder} ({how} {comp.ENTITY_SELECTS[kind]}; "
                f"write pick @name or pick #channel){disabled}"]
    lines = [f"{INDENT}menu: {placeholder} ({how}){disabled}:"]
    for option in select.get("options") or []:
        label = " ".join(p for p in (comp.emoji_text(option.get("emoji")), option["label"]) if p)
        if option.get("description"):
            label += f" - {option['description']}"
        if option.get("default"):
            label += " (selected)"
        lines.append(f"{INDENT}  {numbers[id(option)]}. {label}")
    return lines


# -- modals and other events -----------------------------------------------------------------
def modal(data: dict[str, Any], names: Names, *, for_user: int, viewer_id: int | None,
          hint: str) -> list[str]:
    who = "you" if for_user == viewer_id else names.user(for_user)
    lines = [f"{names.bot_name} opens a form for {who}, \"{data.get('title', '')}\":"]
    for item in comp.modal_fields(data):
        lines.append(f"{INDENT}{item.key}: {item.label} ({_field_rules(item)})")
        if item.description:
            lines.append(f"{INDENT}  {item.description}")
    keys = " ".join(f"{f.key}=..." for f in comp.modal_fields(data))
    lines.append(f"{INDENT}{hint}: fill {keys}")
    return lines


def _field_rules(item: comp.ModalField) -> str:
    high: int | None  # a menu's count, or a text input's length (None: no limit)
    rules = []
    if item.input.get("type") == comp.TEXT_INPUT:
        rules.append("paragraph" if item.input.get("style") == 2 else "short")
    elif item.is_menu:
        high = int(item.input.get("max_values", 1))
        rules.append("menu" if high == 1 else f"menu of up to {high}, comma-separated")
    rules.append("required" if item.required else "optional")
    if item.options:
        labels = [str(o["label"]) for o in item.options]
        shown = ", ".join(labels[:MENU_SHOWN]) + (", ..." if len(labels) > MENU_SHOWN else "")
        rules.append(f"one of {shown}")
    low, high = item.input.get("min_length"), item.input.get("max_length")
    if low and high:
        rules.append(f"{low} to {high} characters")
    elif high:
        rules.append(f"up to {high} characters")
    elif low:
        rules.append(f"at least {low} characters")
    if item.input.get("placeholder"):
        rules.append(f"e.g. {item.input['placeholder']!r}")
    if item.default:
        rules.append(f"{'selected' if item.is_menu else 'prefilled'} {item.default!r}")
    return ", ".join(rules)


def deleted(channel_id: int, names: Names) -> list[str]:
    return [f"{names.bot_name} deleted a message in {names.channel(channel_id)}."]
