"""What a member can act on in a message or a modal, numbered as the console shows them. Pure.

The renderer and the session both use these, so `click 2` presses the button drawn as [2].
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

BUTTON, STRING_SELECT, TEXT_INPUT = 2, 3, 4
ENTITY_SELECTS = {5: "member", 6: "role", 7: "member or role", 8: "channel"}
SELECTS = (STRING_SELECT, *ENTITY_SELECTS)
LINK_STYLE = 5
LABEL_ROW = 18
_GENERATED_ID = re.compile(r"[0-9a-f]{32}")  # discord.py's id for items given none


def walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component in display order, nested ones included (rows, sections, containers)."""
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                yield from walk([component[key]])


def buttons(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in walk(components) if c.get("type") == BUTTON]


def selects(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in walk(components) if c.get("type") in SELECTS]


@dataclass(frozen=True)
class Option:
    number: int  # from 1, across the message's menus
    select: dict[str, Any]
    option: dict[str, Any]


def options(components: list[dict[str, Any]]) -> list[Option]:
    numbered: list[Option] = []
    for select in selects(components):
        for option in select.get("options") or []:
            numbered.append(Option(len(numbered) + 1, select, option))
    return numbered


def emoji_text(emoji: dict[str, Any] | None) -> str:
    if not emoji:
        return ""
    name = emoji.get("name") or ""
    return f":{name}:" if emoji.get("id") else name


def button_label(button: dict[str, Any]) -> str:
    parts = [emoji_text(button.get("emoji")), button.get("label") or ""]
    return " ".join(p for p in parts if p) or "(no label)"


# -- modals -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModalField:
    number: int
    key: str  # what `fill key=value` accepts (the custom_id, or the label's slug if generated)
    custom_id: str
    label: str
    input: dict[str, Any]
    description: str | None = None

    @property
    def is_menu(self) -> bool:
        return self.input.get("type") in SELECTS

    @property
    def options(self) -> list[dict[str, Any]]:
        return list(self.input.get("options") or [])

    @property
    def required(self) -> bool:
        if self.is_menu:
            return int(self.input.get("min_values", 1)) > 0 and self.input.get("required", True)
        return bool(self.input.get("required", True))

    @property
    def default(self) -> str:
        """What the form shows before the member changes anything, as `fill` would write it."""
        if self.is_menu:
            return ",".join(str(o["label"]) for o in self.options if o.get("default"))
        return str(self.input.get("value") or "")

    def submission(self, text: str) -> str | list[str]:
        """What Discord sends for `text`: a text input's value, or a menu's option values.

        A menu takes option labels (or values), several separated by commas. ValueError when
        an option does not exist, as the client offers only the menu's own options.
        """
        if not self.is_menu:
            return text
        chosen = []
        for part in (p.strip() for p in text.split(",") if p.strip()):
            folded = part.casefold()
            option = next((o for o in self.options if folded in (
                str(o["label"]).casefold(), str(o["value"]).casefold())), None)
            if option is None:
                labels = ", ".join(str(o["label"]) for o in self.options)
                raise ValueError(f"{self.key} is one of: {labels}")
            chosen.append(str(option["value"]))
        return chosen

    def matches(self, name: str) -> bool:
        folded = name.casefold()
        return folded in (self.key.casefold(), self.custom_id.casefold(), self.label.casefold(),
                          str(self.number))


def slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-") or "field"


def modal_fields(modal: dict[str, Any]) -> list[ModalField]:
    fields: list[ModalField] = []
    for row in modal.get("components") or []:
        if row.get("type") == LABEL_ROW:
            inputs = [row["component"]] if isinstance(row.get("component"), dict) else []
            label, description = row.get("label") or "", row.get("description")
        else:
            inputs = list(row.get("components") or [])
            label, description = "", None
        for item in inputs:
            if "custom_id" not in item:
                continue
            text = item.get("label") or label or item["custom_id"]
            custom_id = item["custom_id"]
            key = slug(text) if _GENERATED_ID.fullmatch(custom_id) else custom_id
            fields.append(ModalField(len(fields) + 1, key, custom_id, text, item, description))
    return fields


def field_problem(field: ModalField, value: str | list[str]) -> str | None:
    """What Discord's client would refuse before sending (it enforces these itself)."""
    low: int | None  # a menu's counts, or a text input's lengths (None: no limit)
    high: int | None
    if not value:
        return f"{field.key} is required" if field.required else None
    if isinstance(value, list):
        low, high = int(field.input.get("min_values", 1)), int(field.input.get("max_values", 1))
        if not low <= len(value) <= high:
            takes = f"exactly {low}" if low == high else f"{low} to {high}"
            return f"{field.key} takes {takes} option{'s' if high > 1 else ''}"
        return None
    low, high = field.input.get("min_length"), field.input.get("max_length")
    if low is not None and len(value) < int(low):
        return f"{field.key} needs at least {low} characters (has {len(value)})"
    if high is not None and len(value) > int(high):
        return f"{field.key} takes at most {high} characters (has {len(value)})"
    return None
