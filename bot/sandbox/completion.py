"""Tab completion for the console: console verbs, slash commands, subcommands, option names and
option values (static choices, members, channels, and the bot's own autocomplete answers).

`complete` is pure given a `Source`; the readline glue lives in console.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.sandbox import language as lang


class Source(Protocol):
    def commands(self) -> list[dict[str, Any]]: ...

    def member_names(self) -> list[str]: ...

    def channel_names(self) -> list[str]: ...

    def role_names(self) -> list[str]: ...

    def button_labels(self) -> list[str]: ...

    def option_labels(self) -> list[str]: ...

    def field_keys(self) -> list[str]: ...

    def autocomplete(self, command: str, path: list[str], filled: dict[str, str],
                     focused: str, typed: str) -> list[str]: ...


@dataclass(frozen=True)
class Completion:
    before: str  # the line up to the word being completed
    words: list[str]  # replacements for that word, each ready to insert

    def lines(self) -> list[str]:
        return [self.before + word for word in self.words]


def complete(line: str, source: Source) -> Completion:
    words = lang.split_words(line, partial=True) or [lang.Word("", 0)]
    current, done = words[-1], words[:-1]
    before = line[:current.start]
    typed = current.text
    if not done:
        verbs = [v + " " for v in lang.VERBS] + [
            "/" + c["name"] + " " for c in source.commands()]
        return Completion(before, _starting(verbs, typed))
    head = done[0].text
    if head.startswith("/"):
        return Completion(before, _slash(source, head[1:], done[1:], typed))
    verb, args = head.casefold(), len(done) - 1
    if verb == "as" and args == 0:
        values = source.member_names()
    elif verb == "in" and args == 0:
        values = ["#" + c for c in source.channel_names()] + ["dm"]
    elif verb == "click" and args == 0:
        values = source.button_labels()
    elif verb == "pick":
        values = source.option_labels()
    elif verb == "fill":
        if "=" in typed:
            return Completion(before, [])
        return Completion(before, _starting([k + "=" for k in source.field_keys()], typed))
    elif verb == "help" and args == 0:
        values = [c["name"] for c in source.commands()]
    else:
        values = []
    return Completion(before, _values(_starting(values, typed), ""))


def _starting(values: list[str], typed: str) -> list[str]:
    folded = typed.casefold()
    return [v for v in values if v.casefold().startswith(folded)]


def _values(values: list[str], prefix: str) -> list[str]:
    """prefix + value + space; all quoted alike, so readline's common prefix keeps growing."""
    if any(lang.quote(v) != v for v in values):
        return [f'{prefix}"{_escaped(v)}" ' for v in values]
    return [f"{prefix}{v} " for v in values]


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _slash(source: Source, name: str, done: list[lang.Word], typed: str) -> list[str]:
    schema = next((c for c in source.commands() if c["name"] == name.casefold()), None)
    if schema is None:
        return []
    specs = list(schema.get("options") or [])
    path: list[str] = []
    filled: dict[str, str] = {}
    for word in done:
        option = lang.OPTION.match(word.text)
        if option:
            filled[option[1]] = option[2]
            continue
        match = next((o for o in specs if o["type"] in (1, 2) and o["name"] == word.text), None)
        if match is None:
            return []
        path.append(match["name"])
        specs = list(match.get("options") or [])
    subs = [o["name"] for o in specs if o["type"] in (1, 2)]
    if subs:
        return [s + " " for s in _starting(subs, typed)]
    option = lang.OPTION.match(typed)
    if option is None:
        names = [o["name"] + ":" for o in specs if o["name"] not in filled]
        return _starting(names, typed)
    spec = next((o for o in specs if o["name"] == option[1]), None)
    if spec is None:
        return []
    return _values(_option_values(source, schema["name"], path, filled, spec, option[2]),
                   option[1] + ":")


def _option_values(source: Source, command: str, path: list[str], filled: dict[str, str],
                   spec: dict[str, Any], typed: str) -> list[str]:
    if spec.get("autocomplete"):
        # Asked of the bot, as Discord's client does while a member types; its answer stands.
        return source.autocomplete(command, path, filled, spec["name"], typed)
    if spec.get("choices"):
        return _starting([str(c["name"]) for c in spec["choices"]], typed)
    by_type = {
        5: ["true", "false"],
        6: ["@" + m for m in source.member_names()],
        7: ["#" + c for c in source.channel_names()],
        8: ["@" + r for r in source.role_names()],
        9: ["@" + n for n in source.member_names() + source.role_names()],
    }
    folded = typed.casefold()
    return [v for v in by_type.get(spec["type"], [])
            if v.casefold().startswith(folded) or v[1:].casefold().startswith(folded)]
