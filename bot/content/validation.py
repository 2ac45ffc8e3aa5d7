"""Check one parsed content pack against the schema in data/README.md.

Every rule runs on every item so an author sees all problems at once, not one per run.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.content.hosts import BUILT_IN, HostRules
from bot.content.models import MOODS, Fact, Item, Question, Quote, Song
from bot.domain.films import DIFFICULTIES, FILM_TAGS, FRANCHISE, TOPICS

KINDS: tuple[str, ...] = ("fact", "question", "song", "quote")
QUESTION_KINDS: tuple[str, ...] = ("general", "quote", "music")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
FILE_ITEM = "(file)"  # the `item` of a problem about a whole file


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.item}: {self.message}"


# --- schema --------------------------------------------------------------------------------

STR, STR_LIST, INT, BOOL = "a string", "a list of strings", "an integer", "a boolean"

_COMMON = {"id": STR, "films": STR_LIST, "topics": STR_LIST, "source": STR}
FIELDS: dict[str, dict[str, str]] = {
    "fact": {**_COMMON, "text": STR},
    "question": {
        **_COMMON,
        "prompt": STR,
        "options": STR_LIST,
        "answer": STR,
        "difficulty": STR,
        "kind": STR,
        "explanation": STR,
    },
    "song": {
        **_COMMON,
        "title": STR,
        "performer": STR,
        "writers": STR_LIST,
        "scene": STR,
        "year": INT,
        "montage": BOOL,
        "chart_peak": STR,
        "official_url": STR,
    },
    "quote": {**_COMMON, "text": STR, "character": STR, "moods": STR_LIST, "scene": STR},
}
OPTIONAL: dict[str, frozenset[str]] = {
    "fact": frozenset(),
    "question": frozenset({"kind"}),
    "song": frozenset({"chart_peak", "official_url"}),
    "quote": frozenset({"scene"}),
}

EMBED_DESCRIPTION = ("embed description", 4096)
FIELD_VALUE = ("embed field value", 1024)
BUTTON_LABEL = ("button label", 80)
SELECT_OPTION = ("select option", 100)


@dataclass(frozen=True, slots=True)
class TextLimit:
    """Length rules for one text field (or each string of a list field)."""

    discord: tuple[tuple[str, int], ...]  # where the bot shows it
    schema_max: int | None = None
    schema_min: int = 1


TEXT_LIMITS: dict[tuple[str, str], TextLimit] = {
    ("fact", "text"): TextLimit((EMBED_DESCRIPTION,), 600, 20),
    ("question", "prompt"): TextLimit((EMBED_DESCRIPTION,), 300),
    ("question", "options"): TextLimit((BUTTON_LABEL, SELECT_OPTION)),
    ("question", "explanation"): TextLimit((FIELD_VALUE,), 300),
    ("song", "title"): TextLimit((SELECT_OPTION,)),
    ("song", "performer"): TextLimit((FIELD_VALUE,)),
    ("song", "writers"): TextLimit((FIELD_VALUE,)),
    ("song", "scene"): TextLimit((FIELD_VALUE,), 300),
    ("song", "chart_peak"): TextLimit((FIELD_VALUE,)),
    ("quote", "text"): TextLimit((EMBED_DESCRIPTION,), 300),
    ("quote", "character"): TextLimit((SELECT_OPTION,)),
    ("quote", "scene"): TextLimit((FIELD_VALUE,), 300),
}


# --- reading ---------------------------------------------------------------------------------


def read_toml(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse a file; a syntax error becomes one problem carrying tomllib's line and column."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return None, [Problem(str(path), FILE_ITEM, f"cannot read file: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return None, [Problem(str(path), FILE_ITEM, f"not valid UTF-8 (byte {exc.start})")]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(str(path), FILE_ITEM, f"TOML syntax error: {exc}")]


def validate_file(
    path: Path, kind: str, hosts: HostRules = BUILT_IN
) -> tuple[list[Item], list[Problem]]:
    data, problems = read_toml(path)
    if data is None:
        return [], problems
    return validate_document(data, kind, str(path), hosts)


def validate_document(
    data: dict[str, Any], kind: str, path: str, hosts: HostRules = BUILT_IN
) -> tuple[list[Item], list[Problem]]:
    """Turn the parsed TOML of one `kind` pack into items, collecting every problem found."""
    problems = [
        Problem(path, FILE_ITEM, f"unexpected top-level key {key!r}; this file holds [[{kind}]]")
        for key in data
        if key != kind
    ]
    tables = data.get(kind)
    if not tables:  # absent, or `fact = []`
        problems.append(Problem(path, FILE_ITEM, f"no [[{kind}]] tables"))
        return [], problems
    if not isinstance(tables, list):
        problems.append(Problem(path, FILE_ITEM, f"{kind!r} must be an array of [[{kind}]] tables"))
        return [], problems

    items: list[Item] = []
    for number, raw in enumerate(tables, start=1):
        item, item_problems = validate_item(raw, kind, path, number, hosts)
        problems.extend(item_problems)
        if item is not None:
            items.append(item)
    return items, problems


def validate_item(
    raw: Any, kind: str, path: str, number: int, hosts: HostRules = BUILT_IN
) -> tuple[Item | None, list[Problem]]:
    """Check the `number`-th table (1-based); the item is built only when it has no problem."""
    if not isinstance(raw, dict):
        return None, [Problem(path, f"#{number}", f"expected a [[{kind}]] table")]
    raw_id = raw.get("id")
    label = raw_id if isinstance(raw_id, str) and raw_id.strip() else f"#{number}"
    messages = list(_item_messages(raw, kind, hosts))
    if messages:
        return None, [Problem(path, label, message) for message in messages]
    return _build(raw, kind), []


def duplicate_id_problems(entries: Iterable[tuple[str, Item]]) -> list[Problem]:
    """Ids repeated among (path, item) pairs of one kind; later copies are the ones reported."""
    first_seen: dict[str, str] = {}
    problems = []
    for path, item in entries:
        if item.id in first_seen:
            message = f"duplicate id, first used in {first_seen[item.id]}"
            problems.append(Problem(path, item.id, message))
        else:
            first_seen[item.id] = path
    return problems


# --- rules -----------------------------------------------------------------------------------


def _item_messages(raw: dict[str, Any], kind: str, hosts: HostRules) -> Iterable[str]:
    fields = FIELDS[kind]
    for name in raw:
        if name not in fields:
            yield f"unknown field {name!r}{_suggest(name, fields)}"

    typed_ok: dict[str, Any] = {}
    for name, expected in fields.items():
        if name not in raw:
            if name not in OPTIONAL[kind]:
                yield f"missing required field {name!r}"
            continue
        value = raw[name]
        if not _has_type(value, expected):
            yield f"{name!r} must be {expected}, not {_toml_type(value)}"
        elif expected == STR_LIST and not value:
            yield f"{name!r} is empty"
        else:
            typed_ok[name] = value

    # Content rules only see fields whose type is right, so one mistake is reported once.
    yield from _common_rules(typed_ok, hosts)
    yield from _length_rules(typed_ok, kind)
    yield from KIND_RULES[kind](typed_ok)


def _common_rules(item: dict[str, Any], hosts: HostRules) -> Iterable[str]:
    if "id" in item and not ID_PATTERN.match(item["id"]):
        yield f"id {item['id']!r} is not a lowercase slug matching {ID_PATTERN.pattern}"
    if "films" in item:
        yield from _members("films", item["films"], FILM_TAGS)
    if "topics" in item:
        yield from _members("topics", item["topics"], TOPICS)
    for name in ("source", "official_url"):
        if name in item and (error := _url_error(item[name])):
            yield f"{name!r} {error}"
        elif name in item and (refusal := hosts.refusal(item[name])):
            yield f"{name!r} {item[name]!r}: {refusal}"


def _length_rules(item: dict[str, Any], kind: str) -> Iterable[str]:
    for (limit_kind, name), limit in TEXT_LIMITS.items():
        if limit_kind != kind or name not in item:
            continue
        value = item[name]
        texts = [(f"{name}[{i}]", text) for i, text in enumerate(value)]
        if isinstance(value, str):
            texts = [(name, value)]
        for label, text in texts:
            if message := _length_message(label, text, limit):
                yield message


def _question_rules(item: dict[str, Any]) -> Iterable[str]:
    options = item.get("options")
    if options is not None:
        if len(options) != 4:
            yield f"needs exactly 4 options, has {len(options)}"
        seen: set[str] = set()
        for option in options:
            key = option.strip().casefold()
            if key in seen:
                yield f"duplicate option {option.strip()!r} (options must differ ignoring case)"
            seen.add(key)
        if "answer" in item and item["answer"] not in options:
            yield f"answer {item['answer']!r} is not one of the options"
    if "difficulty" in item and item["difficulty"] not in DIFFICULTIES:
        yield f"difficulty {item['difficulty']!r} is not one of {', '.join(DIFFICULTIES)}"
    if "kind" in item and item["kind"] not in QUESTION_KINDS:
        yield f"kind {item['kind']!r} is not one of {', '.join(QUESTION_KINDS)}"


def _quote_rules(item: dict[str, Any]) -> Iterable[str]:
    films = item.get("films")
    if films is not None and (len(films) != 1 or films[0] == FRANCHISE):
        yield f"a quote needs exactly one film (not {FRANCHISE}), has {films!r}"
    if "moods" in item:  # an empty list was reported with the types
        yield from _members("moods", item["moods"], MOODS)


def _no_rules(item: dict[str, Any]) -> Iterable[str]:
    return ()


KIND_RULES: dict[str, Callable[[dict[str, Any]], Iterable[str]]] = {
    "fact": _no_rules,
    "question": _question_rules,
    "song": _no_rules,
    "quote": _quote_rules,
}


# --- helpers ---------------------------------------------------------------------------------


def _has_type(value: Any, expected: str) -> bool:
    if expected == STR:
        return isinstance(value, str)
    if expected == STR_LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == INT:  # bool is a subclass of int, and `year = true` is a mistake
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, bool)


def _toml_type(value: Any) -> str:
    names = [
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
        (dt.datetime, "a datetime"),
        (dt.date, "a date"),
        (dt.time, "a time"),
    ]
    if isinstance(value, list) and any(not isinstance(v, str) for v in value):
        return "an array holding non-strings"
    return next((name for cls, name in names if isinstance(value, cls)), type(value).__name__)


def _members(name: str, values: list[str], allowed: tuple[str, ...]) -> Iterable[str]:
    for value in values:
        if value not in allowed:
            yield f"unknown {name[:-1]} {value!r}{_suggest(value, allowed)}"
    for value in sorted({v for v in values if values.count(v) > 1}):
        yield f"{name!r} lists {value!r} more than once"


def _url_error(url: str) -> str | None:
    if not url or any(ch.isspace() for ch in url):
        return f"{url!r} is not a URL (empty or contains whitespace)"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL with a host"
    return None


def _length_message(label: str, text: str, limit: TextLimit) -> str | None:
    if not text.strip():
        return f"{label!r} is empty"
    size = len(text)
    if len(text.strip()) < limit.schema_min:
        return f"{label!r} is {size} characters, under the schema minimum of {limit.schema_min}"
    over = [f"the Discord {where} limit of {most}" for where, most in limit.discord if size > most]
    if limit.schema_max is not None and size > limit.schema_max:
        over.insert(0, f"the schema limit of {limit.schema_max}")
    if over:
        return f"{label!r} is {size} characters, over {' and '.join(over)}"
    return None


ROMAN = {"2": "II", "3": "III", "4": "IV", "5": "V"}


def _suggest(value: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    # "Rocky 4" reads closer to "Rocky V" than to "Rocky IV" by string similarity alone.
    roman = re.sub(r"\b[2-5]\b", lambda m: ROMAN[m.group()], value)
    close = [roman] if roman in choices else get_close_matches(value, choices, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _build(raw: dict[str, Any], kind: str) -> Item:
    values: dict[str, Any] = {key: tuple(v) if isinstance(v, list) else v for key, v in raw.items()}
    if kind == "fact":
        return Fact(**values)
    if kind == "question":
        return Question(**{"kind": "general", **values})
    if kind == "song":
        return Song(**values)
    return Quote(**values)
