"""The console language, shared by the interactive prompt and scripts. Pure: no I/O.

    as <member>                         act as that member of the demo server
    in <#channel>                       act in that channel (default #general); `in dm` for DMs
    /<command> [<sub>] [name:value ...] run a slash command; film:"Rocky IV" quotes spaces
    click <n | "label">                 press a button of the newest message that has buttons
    pick <n | "label"> ...              choose option(s) of the newest select menu
    fill <field>=<value> ...            submit the open modal
    wait <seconds>                      let time pass
    show [n]                            show the newest n messages here again
    help [command]                      the console commands and the bot's slash commands
    quit                                leave
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

OPTION = re.compile(r"^([-_\w]{1,32}):(.*)$", re.S)
FIELD = re.compile(r"^([^=\s]+)=(.*)$", re.S)
MAX_WAIT = 3600.0


class ParseError(ValueError):
    """A line the console cannot understand; the message says how to write it."""


@dataclass(frozen=True)
class Word:
    text: str  # quotes removed, escapes resolved
    start: int  # where the word starts in the line
    open_quote: str | None = None  # an unterminated quote (only when splitting partially)


def split_words(line: str, *, partial: bool = False) -> list[Word]:
    """Split on whitespace; "double" and 'single' quotes group, anywhere in a word.

    With `partial`, an unterminated quote is allowed (the line is still being typed) and a line
    ending in whitespace gets an empty last word, the one being started.
    """
    words: list[Word] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        start, chars, quote = i, [], None
        while i < n and (quote is not None or not line[i].isspace()):
            ch = line[i]
            if quote is None and ch in "\"'":
                quote = ch
            elif ch == quote:
                quote = None
            elif ch == "\\" and quote != "'" and i + 1 < n:
                i += 1
                chars.append(line[i])
            else:
                chars.append(ch)
            i += 1
        if quote is not None and not partial:
            raise ParseError(f"a {quote} quote is not closed")
        words.append(Word("".join(chars), start, quote))
    if partial and (not line or line[-1].isspace()) and not (words and words[-1].open_quote):
        words.append(Word("", n))
    return words


def quote(value: str) -> str:
    """A value written so that split_words reads it back unchanged."""
    if value and not re.search(r"[\s\"'\\]", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- the commands ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Nothing:
    """A blank line or a # comment."""


@dataclass(frozen=True)
class ActAs:
    member: str


@dataclass(frozen=True)
class ActIn:
    channel: str | None  # None: the member's direct messages with the bot


@dataclass(frozen=True)
class Slash:
    name: str
    path: tuple[str, ...]  # subcommand group and/or subcommand
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Click:
    target: int | str  # a number from 1, or a label


@dataclass(frozen=True)
class Pick:
    targets: tuple[int | str, ...]


@dataclass(frozen=True)
class Fill:
    values: tuple[tuple[str, str], ...]  # empty: ask field by field (interactive only)


@dataclass(frozen=True)
class Wait:
    seconds: float


@dataclass(frozen=True)
class Show:
    count: int


@dataclass(frozen=True)
class Help:
    topic: str | None


@dataclass(frozen=True)
class Quit:
    pass


Command = Nothing | ActAs | ActIn | Slash | Click | Pick | Fill | Wait | Show | Help | Quit

VERBS = ("as", "in", "click", "pick", "fill", "wait", "show", "help", "quit")


def parse(line: str) -> Command:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return Nothing()
    words = [w.text for w in split_words(stripped)]
    head, args = words[0], words[1:]
    if head.startswith("/"):
        return _slash(head[1:], args)
    verb = head.lower()
    if verb == "as":
        return ActAs(_one(args, "as <member>, e.g. as alice").lstrip("@"))
    if verb == "in":
        where = _one(args, "in <#channel>, e.g. in #trivia (or in dm)")
        return ActIn(None if where.lower() == "dm" else where.lstrip("#"))
    if verb == "click":
        return Click(_target(_one(args, 'click <n | "label">, e.g. click 1 or click "Approve"')))
    if verb == "pick":
        if not args:
            raise ParseError('write pick <n | "label"> ..., e.g. pick 2 or pick "Rocky IV"')
        return Pick(tuple(_target(a) for a in args))
    if verb == "fill":
        return Fill(tuple(_field(a) for a in args))
    if verb == "wait":
        return Wait(_seconds(_one(args, "wait <seconds>, e.g. wait 5")))
    if verb == "show":
        return Show(_count(args))
    if verb == "help":
        if len(args) > 1:
            raise ParseError("write help, or help <command>, e.g. help quote")
        return Help(args[0].lstrip("/") if args else None)
    if verb in ("quit", "exit"):
        if args:
            raise ParseError("quit takes nothing after it")
        return Quit()
    raise ParseError(f"unknown command {head!r}: slash commands start with /, e.g. /quote; "
                     "type help for the list")


def _slash(name: str, args: list[str]) -> Slash:
    if not re.fullmatch(r"[-_\w]{1,32}", name):
        raise ParseError(f"{'/' + name!r} is not a command name; e.g. /quote")
    path: list[str] = []
    options: list[tuple[str, str]] = []
    for arg in args:
        match = OPTION.match(arg)
        if match:
            if any(n == match[1] for n, _ in options):
                raise ParseError(f"option {match[1]!r} is given twice")
            options.append((match[1], match[2]))
        elif options:
            raise ParseError(f"{arg!r} comes after an option: options are name:value, and "
                             "the subcommand comes first, e.g. /fact random film:Rocky")
        elif len(path) == 2:
            raise ParseError(f"{arg!r}: a command has at most a group and a subcommand; "
                             "options are name:value")
        else:
            path.append(arg)
    return Slash(name, tuple(path), tuple(options))


def _one(args: list[str], usage: str) -> str:
    if len(args) != 1:
        raise ParseError(f"write {usage}")
    return args[0]


def _target(text: str) -> int | str:
    if text.isdigit():
        number = int(text)
        if number < 1:
            raise ParseError("buttons and options are numbered from 1")
        return number
    return text


def _field(text: str) -> tuple[str, str]:
    match = FIELD.match(text)
    if not match:
        raise ParseError(f'{text!r}: write fill <field>=<value>, e.g. fill text="Rocky ran"')
    return match[1], match[2]


def _seconds(text: str) -> float:
    try:
        seconds = float(text.removesuffix("s"))
    except ValueError:
        raise ParseError(f"wait takes a number of seconds, not {text!r}") from None
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_WAIT):
        raise ParseError(f"wait takes more than 0 and at most {MAX_WAIT:.0f} seconds")
    return seconds


def _count(args: list[str]) -> int:
    if not args:
        return 1
    if len(args) > 1 or not args[0].isdigit() or int(args[0]) < 1:
        raise ParseError("write show, or show <n> for the newest n messages")
    return int(args[0])


def check_script(lines: list[str]) -> list[tuple[int, Command]]:
    """Parse every line up front; the ParseError lists each bad line by its number (from 1)."""
    parsed, problems = [], []
    for number, line in enumerate(lines, start=1):
        try:
            parsed.append((number, parse(line)))
        except ParseError as exc:
            problems.append(f"line {number}: {exc}")
    if problems:
        raise ParseError("\n".join(problems))
    return parsed
