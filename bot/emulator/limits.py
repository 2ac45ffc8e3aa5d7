"""Discord's size limits on what a bot sends; a breach is a 400 answer, as Discord gives."""

from __future__ import annotations

import re
from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_TEXT = 100
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000


def message_problems(body: dict[str, Any], *, check_layout: bool = True) -> list[str]:
    """A new message's problems (an edit checks its layout against the message it edits)."""
    problems: list[str] = []
    content = body.get("content") or ""
    if len(content) > CONTENT:
        problems.append(f"content: {len(content)} characters, limit {CONTENT}")
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"embeds: {len(embeds)}, limit {EMBEDS}")
    for i, embed in enumerate(embeds):
        problems += [f"embeds[{i}].{p}" for p in _embed_problems(embed)]
    total = sum(_embed_text_length(embed) for embed in embeds)
    if total > EMBED_TOTAL:  # the 6,000 limit counts every embed of the message together
        problems.append(f"embeds: {total} characters in all, limit {EMBED_TOTAL}")
    flags = int(body.get("flags") or 0)
    if flags & IS_COMPONENTS_V2:  # rows may sit anywhere, and more than five
        rows = [c for c in walk(list(body.get("components") or [])) if c.get("type") == 1]
        problems += component_problems(rows, max_rows=None)
    else:
        problems += component_problems(body.get("components") or [])
    if check_layout:
        names = [a.get("filename", "") for a in body.get("attachments") or []]
        problems += layout_problems(body, flags, names)
    return problems


def _embed_problems(embed: dict[str, Any]) -> list[str]:
    problems = []
    total = 0

    def check(name: str, value: str | None, limit: int) -> None:
        nonlocal total
        if value is None:
            return
        total += len(value)
        if len(value) > limit:
            problems.append(f"{name}: {len(value)} characters, limit {limit}")

    check("title", embed.get("title"), EMBED_TITLE)
    check("description", embed.get("description"), EMBED_DESCRIPTION)
    check("footer.text", (embed.get("footer") or {}).get("text"), FOOTER)
    check("author.name", (embed.get("author") or {}).get("name"), AUTHOR_NAME)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        problems.append(f"fields: {len(fields)}, limit {EMBED_FIELDS}")
    for i, f in enumerate(fields):
        check(f"fields[{i}].name", f.get("name"), FIELD_NAME)
        check(f"fields[{i}].value", f.get("value"), FIELD_VALUE)
        if not f.get("name") or not f.get("value"):
            problems.append(f"fields[{i}]: name and value must not be empty")
    if total > EMBED_TOTAL:
        problems.append(f"total: {total} characters, limit {EMBED_TOTAL}")
    return problems


def _embed_text_length(embed: dict[str, Any]) -> int:
    texts = [embed.get("title"), embed.get("description"), (embed.get("footer") or {}).get("text"),
             (embed.get("author") or {}).get("name")]
    for f in embed.get("fields") or []:
        texts += [f.get("name"), f.get("value")]
    return sum(len(t) for t in texts if t)


def component_problems(rows: list[dict[str, Any]], max_rows: int | None = ACTION_ROWS
                       ) -> list[str]:
    problems = []
    if max_rows is not None and len(rows) > max_rows:
        problems.append(f"components: {len(rows)} rows, limit {ACTION_ROWS}")
    for r, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") != 1:
            continue
        if len(children) > BUTTONS_PER_ROW:
            problems.append(f"components[{r}]: {len(children)} items, limit {BUTTONS_PER_ROW}")
        for c, child in enumerate(children):
            where = f"components[{r}].components[{c}]"
            custom_id = child.get("custom_id")
            if custom_id is not None and len(custom_id) > CUSTOM_ID:
                problems.append(
                    f"{where}.custom_id: {len(custom_id)} characters, limit {CUSTOM_ID}"
                )
            label = child.get("label")
            if child.get("type") == 2 and label is not None and len(label) > BUTTON_LABEL:
                problems.append(f"{where}.label: {len(label)} characters, limit {BUTTON_LABEL}")
            options = child.get("options") or []
            if len(options) > SELECT_OPTIONS:
                problems.append(f"{where}.options: {len(options)}, limit {SELECT_OPTIONS}")
            for o, option in enumerate(options):
                for key in ("label", "value", "description"):
                    text = option.get(key)
                    if text is not None and len(text) > SELECT_OPTION_TEXT:
                        problems.append(
                            f"{where}.options[{o}].{key}: {len(text)} characters, "
                            f"limit {SELECT_OPTION_TEXT}"
                        )
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    problems = []
    title = data.get("title") or ""
    if not title or len(title) > MODAL_TITLE:
        problems.append(f"title: {len(title)} characters, must be 1 to {MODAL_TITLE}")
    if len(data.get("custom_id") or "") > CUSTOM_ID:
        problems.append("custom_id: over 100 characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= MODAL_COMPONENTS:
        problems.append(f"components: {len(rows)}, must be 1 to {MODAL_COMPONENTS}")
    for r, row in enumerate(rows):
        for child in modal_inputs(row):
            label = child.get("label") or row.get("label") or ""
            if len(label) > TEXT_INPUT_LABEL:
                problems.append(f"components[{r}].label: over {TEXT_INPUT_LABEL} characters")
            if (child.get("max_length") or 0) > TEXT_INPUT_VALUE:
                problems.append(f"components[{r}].max_length: over {TEXT_INPUT_VALUE}")
    return problems


def modal_inputs(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs of one modal row: an action row (type 1) or a label (type 18)."""
    if row.get("type") == 18:
        return [row["component"]]
    return list(row.get("components") or [])


def choices_problems(choices: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(choices) > AUTOCOMPLETE_CHOICES:
        problems.append(f"choices: {len(choices)}, limit {AUTOCOMPLETE_CHOICES}")
    for i, choice in enumerate(choices):
        if not 1 <= len(choice.get("name", "")) <= CHOICE_TEXT:
            problems.append(f"choices[{i}].name: must be 1 to {CHOICE_TEXT} characters")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > CHOICE_TEXT:
            problems.append(f"choices[{i}].value: over {CHOICE_TEXT} characters")
    return problems


_USER = re.compile(r"<@!?(\d{15,21})>")
_ROLE = re.compile(r"<@&(\d{15,21})>")
_EVERYONE = re.compile(r"@(everyone|here)")


def mentions_and_pings(
    content: str, allowed: dict[str, Any] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every mention in `content`, and those that notify someone under `allowed_mentions`.

    With no allowed_mentions Discord pings everything the content mentions.
    """
    users = _USER.findall(content)
    roles = _ROLE.findall(content)
    everyone = bool(_EVERYONE.search(content))
    mentions = tuple(
        [f"user:{u}" for u in users] + [f"role:{r}" for r in roles] + (["everyone"] * everyone)
    )
    if allowed is None:
        return mentions, mentions
    parse = set(allowed.get("parse") or ())
    allowed_users = {str(u) for u in allowed.get("users") or ()}
    allowed_roles = {str(r) for r in allowed.get("roles") or ()}
    pings = [f"user:{u}" for u in users if "users" in parse or u in allowed_users]
    pings += [f"role:{r}" for r in roles if "roles" in parse or r in allowed_roles]
    if everyone and "everyone" in parse:
        pings.append("everyone")
    return mentions, tuple(dict.fromkeys(pings))


def broad_pings(pings: tuple[str, ...], allowed: dict[str, Any] | None) -> list[str]:
    """Pings that allowed_mentions let through by a broad rule, not by naming the id.

    The bot allows a ping only on purpose (the /motivate target, a daily post's role), and
    always by id; anything else that notifies someone is a bug.
    """
    named_users = {str(u) for u in (allowed or {}).get("users") or ()}
    named_roles = {str(r) for r in (allowed or {}).get("roles") or ()}
    broad = []
    for ping in pings:
        kind, _, ident = ping.partition(":")
        if (kind == "user" and ident in named_users) or (kind == "role" and ident in named_roles):
            continue
        broad.append(ping)
    return broad


# -- Components V2 (message flag 1 << 15) -------------------------------------------------------
IS_COMPONENTS_V2 = 1 << 15
V2_COMPONENTS = 40  # every component counts, nested ones too
V2_TEXT = 4000  # the characters of all text displays together
LEGACY_TYPES = {1, 2, 3, 5, 6, 7, 8}  # action rows, buttons, selects: allowed without the flag
TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE = 10, 11, 12, 13


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component, nested ones included (rows, containers, sections, accessories)."""
    found = []
    for component in components:
        found.append(component)
        found += walk(list(component.get("components") or []))
        accessory = component.get("accessory")
        if accessory:
            found += walk([accessory])
    return found


def media_references(components: list[dict[str, Any]]) -> list[str]:
    """The attachment://name URLs a layout shows (thumbnails, gallery items, files)."""
    urls = []
    for component in walk(components):
        media = [component.get("media"), component.get("file")]
        media += [item.get("media") for item in component.get("items") or []]
        urls += [m["url"] for m in media if isinstance(m, dict) and m.get("url")]
    return [url.removeprefix("attachment://") for url in urls if url.startswith("attachment://")]


def layout_problems(body: dict[str, Any], flags: int,
                    attachments: list[str] | None = None) -> list[str]:
    """Components V2's rules for a message (or an edit) with these flags and files."""
    components = walk(list(body.get("components") or []))
    new_types = sorted({c.get("type") for c in components} - LEGACY_TYPES, key=str)
    if not flags & IS_COMPONENTS_V2:
        if new_types:
            return [f"components of type {new_types} need the IS_COMPONENTS_V2 flag (1 << 15)"]
        return []
    problems = [f"{field}: not allowed with IS_COMPONENTS_V2"
                for field in ("content", "embeds", "poll", "sticker_ids") if body.get(field)]
    if len(components) > V2_COMPONENTS:
        problems.append(f"components: {len(components)} in all, limit {V2_COMPONENTS}")
    text = sum(len(c.get("content") or "") for c in components if c.get("type") == TEXT_DISPLAY)
    if text > V2_TEXT:
        problems.append(f"text displays: {text} characters in all, limit {V2_TEXT}")
    if attachments is not None:
        shown = media_references(list(body.get("components") or []))
        problems += [f"attachment://{name}: no such attachment" for name in shown
                     if name not in attachments]
        problems += [f"attachment {name}: no component shows it" for name in attachments
                     if name not in shown]
    return problems


def edit_problems(current_flags: int, body: dict[str, Any]) -> list[str]:
    """An edit may not take the flag away; once set, the message follows V2's rules."""
    if "flags" in body and current_flags & IS_COMPONENTS_V2 and not (
            int(body.get("flags") or 0) & IS_COMPONENTS_V2):
        return ["flags: IS_COMPONENTS_V2 cannot be removed from a message"]
    return []
