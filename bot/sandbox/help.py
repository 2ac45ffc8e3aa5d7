"""`help`: the console's own commands, then the bot's slash commands as a member would use them."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import SandboxError

CONSOLE = (
    ("as <member>", "act as that member of the demo server"),
    ("in <#channel>", "act in that channel (default #general); in dm for direct messages"),
    ("/<command> [<sub>] [name:value ...]",
     'run a slash command; quote values with spaces: film:"Rocky IV"'),
    ('click <n | "label">', "press a button of the newest message that has buttons"),
    ('pick <n | "label"> ...', "choose option(s) of the newest select menu"),
    ("fill <field>=<value> ...", "submit the open form (fill alone asks field by field)"),
    ("wait <seconds>", "let time pass (quiz timers, schedules)"),
    ("show [n]", "show the newest n messages here again"),
    ("help [command]", "this list, or one slash command's options"),
    ("quit", "stop the bot and leave (Ctrl-D too)"),
)
TYPE_NAMES = {3: "text", 4: "whole number", 5: "true/false", 6: "member", 7: "channel",
              8: "role", 9: "member or role", 10: "number", 11: "file"}


def usages(command: dict[str, Any]) -> list[tuple[str, str]]:
    """(usage, description) for each way to run `command`: one per subcommand."""
    found: list[tuple[str, str]] = []

    def visit(prefix: str, node: dict[str, Any]) -> None:
        options = node.get("options") or []
        subs = [o for o in options if o["type"] in (1, 2)]
        if subs:
            for sub in subs:
                visit(f"{prefix} {sub['name']}", sub)
            return
        parts = [f"<{o['name']}>" if o.get("required") else f"[{o['name']}]" for o in options]
        found.append((" ".join([prefix, *parts]), node.get("description") or ""))

    visit("/" + command["name"], command)
    return found


def help_lines(commands: list[dict[str, Any]], topic: str | None, members: list[str],
               channels: list[str]) -> list[str]:
    if topic is not None:
        return _command_help(commands, topic)
    width = max(len(usage) for usage, _ in CONSOLE) + 2
    lines = ["Console commands:"]
    lines += [f"  {usage.ljust(width)}{text}" for usage, text in CONSOLE]
    lines.append(f"  members: {', '.join(members)}; channels: "
                 f"{', '.join('#' + c for c in channels)}")
    rows = [row for command in sorted(commands, key=lambda c: c["name"])
            for row in _marked(command)]
    lines.append("Slash commands:" if rows else "Slash commands: none yet")
    width = max((len(usage) for usage, _ in rows), default=0) + 2
    lines += [f"  {usage.ljust(width)}{text}".rstrip() for usage, text in rows]
    return lines


def _marked(command: dict[str, Any]) -> list[tuple[str, str]]:
    rows = usages(command)
    if command.get("default_member_permissions") not in (None, "0"):
        rows = [(usage, f"{text} (admins)") for usage, text in rows]
    return rows


def _command_help(commands: list[dict[str, Any]], topic: str) -> list[str]:
    command = next((c for c in commands if c["name"] == topic.lstrip("/").casefold()), None)
    if command is None:
        raise SandboxError(f"the bot has no /{topic.lstrip('/')} command; type help for the list")
    lines = []
    for usage, text in usages(command):
        lines.append(f"{usage}: {text}")
    for path, option in _options(command, []):
        kind = TYPE_NAMES.get(option["type"], "value")
        notes = [kind, "required" if option.get("required") else "optional"]
        if option.get("autocomplete"):
            notes.append("Tab suggests values")
        if option.get("choices"):
            notes.append("one of " + ", ".join(str(c["name"]) for c in option["choices"]))
        where = f" ({' '.join(path)})" if path else ""
        lines.append(f"  {option['name']}{where}: {option.get('description', '')} "
                     f"[{'; '.join(notes)}]")
    return lines


def _options(node: dict[str, Any], path: list[str]) -> list[tuple[list[str], dict[str, Any]]]:
    found = []
    for option in node.get("options") or []:
        if option["type"] in (1, 2):
            found += _options(option, [*path, option["name"]])
        else:
            found.append((path, option))
    return found
