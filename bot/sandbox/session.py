"""Carry out console commands against the emulator, and show everything the bot does.

The emulator calls our listener on its own thread; the listener only takes a snapshot and queues
it. A printer thread draws the queue, so messages the bot sends on its own (timers, schedules)
appear too. After each command the session waits until the bot has been quiet for a moment, so a
script's transcript keeps each answer under the line that caused it.
"""

from __future__ import annotations

import copy
import queue
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.emulator import Channel, EmulatorThread, InteractionRecord, Member, Message, Role, User
from bot.emulator.demo import DemoWorld
from bot.emulator.records import EmulatorError
from bot.sandbox import components as comp
from bot.sandbox import language as lang
from bot.sandbox import render
from bot.sandbox.errors import SandboxError
from bot.sandbox.help import TYPE_NAMES, help_lines
from bot.sandbox.output import Output

QUIET = 0.25  # seconds without a new event before a command counts as done
SETTLE_LIMIT = 15.0  # at most this long for a deferred answer to arrive
ERROR_ID = re.compile(r"error id `([0-9a-f]+)`")
NO_RESPONSE = "no response within the deadline"


@dataclass(frozen=True)
class Event:
    kind: str  # "message", "edit", "delete", "modal", "log_error"
    payload: Any


class WorldNames:
    """Names for ids, read from the emulator's world (plain dict reads: safe from any thread)."""

    def __init__(self, thread: EmulatorThread, world: DemoWorld) -> None:
        self._emu = thread.emulator
        self._world = world
        self.bot_name = self._emu.bot_user.username

    def user(self, user_id: int) -> str:
        member = self._world.guild.members.get(user_id)
        if member is not None:
            return member.display_name
        user = self._emu.users.get(user_id)
        return user.display_name if user else "unknown-user"

    def role(self, role_id: int) -> str:
        for guild in list(self._emu.guilds.values()):
            role = guild.roles.get(role_id)
            if role is not None:
                return role.name.lstrip("@")
        return "deleted-role"

    def channel(self, channel_id: int) -> str:
        channel = self._emu.channels.get(channel_id)
        if channel is None:
            return "#deleted-channel"
        if channel.recipient_id is not None:
            return f"a DM to {self.user(channel.recipient_id)}"
        return f"#{channel.name}"


# Pictures the bot sends (cards) are saved here as PNGs, and the transcript says where.
PICTURES = Path(tempfile.gettempdir()) / "rocky-sandbox-pictures"


def save_pictures(message: Message) -> tuple[tuple[str, str], ...]:
    saved = []
    for name, content in message.files.items():
        PICTURES.mkdir(exist_ok=True)
        path = PICTURES / f"{message.id}-{message.edits}-{Path(name).name}"
        path.write_bytes(content)
        saved.append((name, str(path)))
    return tuple(saved)


def snapshot(message: Message) -> render.MessageSnapshot:
    return render.MessageSnapshot(
        id=message.id, channel_id=message.channel_id, content=message.content,
        embeds=tuple(copy.deepcopy(message.embeds)),
        components=tuple(copy.deepcopy(message.components)),
        ephemeral=message.ephemeral, loading=bool(message.flags & Message.LOADING),
        interaction_user_id=message.interaction_user_id, pings=tuple(message.pings),
        seen_at=time.time(), pictures=save_pictures(message),
    )


class Session:
    def __init__(self, thread: EmulatorThread, world: DemoWorld, output: Output, *,
                 interactive: bool, log_path: str = "the bot's log", quiet: float = QUIET
                 ) -> None:
        self.thread = thread
        self.emu = thread.emulator
        self.world = world
        self.out = output
        self.interactive = interactive
        self.log_path = log_path
        self.quiet = quiet
        self.names = WorldNames(thread, world)
        self.actor: Member = world.members["alice"]
        self.channel: Channel | None = world.guild.channel_named("general")  # None: DMs
        self.failures: list[str] = []
        self.bot_failed = False  # the bot's fault (not a mistyped line): its log is worth keeping
        self.open_modals: dict[int, InteractionRecord] = {}
        self._events: queue.Queue[Event | None] = queue.Queue()
        self._last_event = time.monotonic()
        self._loading: set[int] = set()
        self._violations_seen = 0
        self._failure_lock = threading.Lock()
        self._printer = threading.Thread(target=self._print_events, name="sandbox-printer",
                                         daemon=True)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._violations_seen = len(self.emu.violations)
        self.thread.do(lambda: self.emu.listeners.append(self._on_emulator_event))
        self._printer.start()

    def close(self) -> None:
        self.thread.do(lambda: self.emu.listeners.remove(self._on_emulator_event))
        self._events.put(None)
        self._printer.join(timeout=5)

    def bot_log_error(self, line: str) -> None:
        """Called by the bot's log reader for each ERROR or CRITICAL line."""
        self._queue(Event("log_error", line))

    # -- where and who -----------------------------------------------------------------------
    def prompt(self) -> str:
        where = "DM" if self.channel is None else f"#{self.channel.name}"
        return f"{self.actor.user.username} {where}> "

    def member_names(self) -> list[str]:
        return [m.user.username for m in self._members()]

    def channel_names(self) -> list[str]:
        return [c.name for c in list(self.world.guild.channels.values())]

    def role_names(self) -> list[str]:
        return [r.name for r in list(self.world.guild.roles.values())
                if r.id != self.world.guild.id]

    def _members(self) -> list[Member]:
        return [m for m in list(self.world.guild.members.values())
                if not m.user.bot and m.user.id != self.world.guild.owner_id]

    # -- commands ----------------------------------------------------------------------------
    def execute(self, command: lang.Command) -> None:
        """Carry out one parsed line; SandboxError when it cannot be done."""
        if isinstance(command, lang.ActAs):
            self.actor = self._member(command.member)
        elif isinstance(command, lang.ActIn):
            self.channel = None if command.channel is None else self._channel(command.channel)
        elif isinstance(command, lang.Slash):
            self._slash(command)
        elif isinstance(command, lang.Click):
            self._click(command.target)
        elif isinstance(command, lang.Pick):
            self._pick(command.targets)
        elif isinstance(command, lang.Fill):
            self.fill(dict(command.values))
        elif isinstance(command, lang.Wait):
            self.wait(command.seconds)
        elif isinstance(command, lang.Show):
            self._show(command.count)
        elif isinstance(command, lang.Help):
            self.out.lines(help_lines(self.commands(), command.topic, self.member_names(),
                                      self.channel_names()))

    def _member(self, name: str) -> Member:
        folded = name.lstrip("@").casefold()
        for member in self._members():
            if folded in (member.user.username.casefold(), member.display_name.casefold()):
                return member
        raise SandboxError(f"no member {name!r} here; the members are "
                           f"{', '.join(self.member_names())}")

    def _channel(self, name: str) -> Channel:
        folded = name.lstrip("#").casefold()
        for channel in list(self.world.guild.channels.values()):
            if channel.name.casefold() == folded:
                return channel
        names = ", ".join("#" + n for n in self.channel_names())
        raise SandboxError(f"no channel #{folded}; the channels are {names} (or dm)")

    def _role(self, name: str) -> Role:
        folded = name.lstrip("@").casefold()
        for role in list(self.world.guild.roles.values()):
            if role.name.lstrip("@").casefold() == folded:
                return role
        raise SandboxError(f"no role {name!r} here")

    def _acting(self) -> Member | User:
        return self.actor if self.channel is not None else self.actor.user

    def _call(self, coro: Any) -> Any:
        try:
            return self.thread.call(coro, timeout=SETTLE_LIMIT + 15)
        except EmulatorError as exc:
            raise SandboxError(str(exc)) from None

    # -- slash commands ----------------------------------------------------------------------
    def command_schema(self, name: str) -> dict[str, Any]:
        guild = self.world.guild if self.channel is not None else None
        try:
            return self.emu.find_command(name, guild)
        except EmulatorError:
            raise SandboxError(f"the bot has no /{name} command; type help for the list"
                               ) from None

    def commands(self) -> list[dict[str, Any]]:
        pool = list(self.emu.guild_commands.get(self.world.guild.id, [])) + list(
            self.emu.global_commands)
        return [c for c in pool if c.get("type", 1) == 1]

    def _slash(self, command: lang.Slash) -> None:
        schema = self.command_schema(command.name)
        group, sub, specs = resolve_path(schema, command.path)
        options: dict[str, Any] = {}
        for name, raw in command.options:
            spec = next((o for o in specs if o["name"] == name), None)
            if spec is None:
                known = ", ".join(o["name"] for o in specs) or "none"
                raise SandboxError(f"/{command.name} has no option {name!r} (options: {known})")
            options[name] = self._option_value(spec, raw)
        record = self._call(self.emu.command(
            self._acting(), command.name, options, channel=self.channel,
            guild=None, sub=sub, group=group))
        self._after(record)

    def autocomplete(self, command: str, path: list[str], filled: dict[str, str],
                     focused: str, typed: str) -> list[str]:
        """The values the bot suggests for `focused` while `typed` is in it (Tab)."""
        schema = self.command_schema(command)
        group, sub, specs = resolve_path(schema, tuple(path))
        options: dict[str, Any] = {}
        for name, raw in filled.items():
            spec = next((o for o in specs if o["name"] == name), None)
            if spec is not None and name != focused:
                try:
                    options[name] = self._option_value(spec, raw)
                except SandboxError:
                    continue  # Discord's client leaves out what it cannot send, too
        options[focused] = typed
        choices = self._call(self.emu.autocomplete(
            self._acting(), command, focused, options, channel=self.channel, sub=sub,
            group=group))
        return [str(c["value"]) for c in choices]

    def _option_value(self, spec: dict[str, Any], raw: str) -> Any:
        """The value as Discord's client would send it, refusing what the client refuses."""
        kind, name = spec["type"], spec["name"]
        choices = spec.get("choices") or []
        if choices:
            match = next((c for c in choices if raw.casefold() in (
                str(c["name"]).casefold(), str(c["value"]).casefold())), None)
            if match is None:
                names = ", ".join(str(c["name"]) for c in choices)
                raise SandboxError(f"{name} must be one of: {names}")
            return match["value"]
        if kind == 6:
            return self._member(raw)
        if kind == 7:
            return self._channel(raw)
        if kind == 8:
            return self._role(raw)
        if kind == 9:
            try:
                return str(self._member(raw).user.id)
            except SandboxError:
                return str(self._role(raw).id)
        if kind == 5:
            if raw.casefold() not in ("true", "false", "yes", "no"):
                raise SandboxError(f"{name} is true or false")
            return raw.casefold() in ("true", "yes")
        if kind in (4, 10):
            try:
                number: float = int(raw) if kind == 4 else float(raw)
            except ValueError:
                raise SandboxError(f"{name} must be a {TYPE_NAMES[kind]}") from None
            low, high = spec.get("min_value"), spec.get("max_value")
            if (low is not None and number < low) or (high is not None and number > high):
                raise SandboxError(f"{name} must be between {low} and {high}")
            return number
        if kind == 11:
            raise SandboxError("the sandbox cannot attach files")
        low, high = spec.get("min_length"), spec.get("max_length")
        if (low is not None and len(raw) < low) or (high is not None and len(raw) > high):
            raise SandboxError(f"{name} takes {low or 0} to {high or 6000} characters")
        return raw

    # -- components --------------------------------------------------------------------------
    def newest_message(self, has: Callable[[Message], bool], what: str) -> Message:
        channel = self.channel or self._dm_channel()
        viewer = self.actor.user.id
        found = [m for m in list(self.emu.messages.values())
                 if channel is not None and m.channel_id == channel.id and m.visible_to(viewer)
                 and has(m)]
        if not found:
            where = "here" if self.channel is None else f"in #{self.channel.name}"
            raise SandboxError(f"no message {what} {where} that {self.actor.user.username} "
                               "can see")
        return max(found, key=lambda m: m.id)

    def _dm_channel(self) -> Channel | None:
        uid = self.actor.user.id
        return next((c for c in list(self.emu.channels.values())
                     if c.type == 1 and c.recipient_id == uid), None)

    def _click(self, target: int | str) -> None:
        message = self.newest_message(lambda m: bool(comp.buttons(m.components)),
                                      "with buttons")
        buttons = comp.buttons(message.components)
        button = _choose(buttons, target, comp.button_label, "button")
        if button.get("url"):
            self.out.line(f"  (that button opens {button['url']} in the browser)")
            return
        if button.get("disabled"):
            raise SandboxError(f"the button {comp.button_label(button)!r} is disabled")
        record = self._call(self.emu.click(self._acting(), message,
                                           custom_id=button["custom_id"]))
        self._after(record)

    def _pick(self, targets: tuple[int | str, ...]) -> None:
        message = self.newest_message(lambda m: bool(comp.selects(m.components)),
                                      "with a menu")
        numbered = comp.options(message.components)
        entity_menus = [s for s in comp.selects(message.components)
                        if s.get("type") in comp.ENTITY_SELECTS]
        chosen: list[tuple[dict[str, Any], str]] = []
        for target in targets:
            if isinstance(target, str) and target[:1] in "@#" and entity_menus:
                chosen.append(self._entity_choice(entity_menus, target))
                continue
            option = _choose(numbered, target, lambda o: str(o.option["label"]), "option",
                             number=lambda o: o.number)
            chosen.append((option.select, str(option.option["value"])))
        menu = chosen[0][0]
        if any(m is not menu for m, _ in chosen):
            raise SandboxError("those options belong to different menus; pick from one")
        if menu.get("disabled"):
            raise SandboxError("that menu is disabled")
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(chosen) <= high:
            takes = f"exactly {low}" if low == high else f"{low} to {high}"
            raise SandboxError(f"that menu takes {takes} option{'s' if high > 1 else ''}")
        record = self._call(self.emu.select(self._acting(), message,
                                            [v for _, v in chosen],
                                            custom_id=menu["custom_id"]))
        self._after(record)

    def _entity_choice(self, menus: list[dict[str, Any]], target: str
                       ) -> tuple[dict[str, Any], str]:
        if target.startswith("#"):
            menu = next((m for m in menus if m["type"] == 8), None)
            value = str(self._channel(target).id)
        else:
            menu = next((m for m in menus if m["type"] in (5, 6, 7)), None)
            value = (str(self._role(target).id) if menu and menu["type"] == 6
                     else str(self._member(target).user.id))
        if menu is None:
            raise SandboxError(f"no menu here takes {target}")
        return menu, value

    # -- modals ------------------------------------------------------------------------------
    def open_modal(self) -> InteractionRecord:
        record = self.open_modals.get(self.actor.user.id)
        if record is None or record.modal is None:
            raise SandboxError(f"no form is open for {self.actor.user.username}; a command "
                               "or a button opens one")
        return record

    def modal_fields(self) -> list[comp.ModalField]:
        return comp.modal_fields(self.open_modal().modal or {})

    def fill(self, given: dict[str, str]) -> None:
        """Submit the open form: `given` maps field keys (or labels) to what is typed."""
        record = self.open_modal()
        fields = comp.modal_fields(record.modal or {})
        typed = {f.custom_id: f.default for f in fields}
        for name, value in given.items():
            field = next((f for f in fields if f.matches(name)), None)
            if field is None:
                keys = ", ".join(f.key for f in fields)
                raise SandboxError(f"the form has no field {name!r}; its fields are {keys}")
            typed[field.custom_id] = value
        values: dict[str, str | list[str]] = {}
        for field in fields:
            try:
                values[field.custom_id] = field.submission(typed[field.custom_id])
            except ValueError as exc:
                raise SandboxError(str(exc)) from None
        for field in fields:
            problem = comp.field_problem(field, values[field.custom_id])
            if problem:
                raise SandboxError(problem)
        del self.open_modals[self.actor.user.id]
        self._after(self._call(self.emu.submit_modal(self._acting(), record, values)))

    # -- time and review ---------------------------------------------------------------------
    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.1))
        self.settle()

    def _show(self, count: int) -> None:
        channel = self.channel or self._dm_channel()
        viewer = self.actor.user.id
        found = sorted((m for m in list(self.emu.messages.values())
                        if channel is not None and m.channel_id == channel.id
                        and m.visible_to(viewer)), key=lambda m: m.id)
        if not found:
            self.out.line("  (no messages here yet)")
        for message in found[-count:]:
            self.out.lines(render.message(snapshot(message), self.names, viewer_id=viewer))

    # -- after each interaction --------------------------------------------------------------
    def _after(self, record: InteractionRecord) -> None:
        if record.modal is not None:
            self.open_modals[record.user_id] = record
        if not record.answered:
            self._fail([f"! no answer within Discord's {self.emu.response_deadline:.0f} "
                        "seconds: members would see \"The application did not respond\""],
                       "no response within the deadline")
        self.settle(record)

    def settle(self, record: InteractionRecord | None = None) -> None:
        """Wait until the bot has been quiet for a moment and every event has been drawn."""
        deadline = time.monotonic() + SETTLE_LIMIT
        while time.monotonic() < deadline:
            drawn = self._events.unfinished_tasks == 0
            quiet = time.monotonic() - self._last_event >= self.quiet
            if drawn and quiet and not self._still_loading(record):
                break
            time.sleep(0.02)
        self._report_violations(record)

    def _still_loading(self, record: InteractionRecord | None) -> bool:
        if record is None or record.original_message_id is None:
            return False
        message = self.emu.messages.get(record.original_message_id)
        return message is not None and bool(message.flags & Message.LOADING)

    def _report_violations(self, record: InteractionRecord | None) -> None:
        fresh = self.emu.violations[self._violations_seen:]
        self._violations_seen += len(fresh)
        for violation in fresh:
            if (record is not None and not record.answered and NO_RESPONSE in violation
                    and str(record.id) in violation):
                continue  # already reported in words
            self._fail([f"! Discord would refuse this: {violation}"], violation)

    def fail_line(self, number: int | None, problem: str) -> None:
        """A console line that could not be carried out (scripts exit 1 for it)."""
        where = f"line {number}: " if number is not None else ""
        self._fail([f"! {where}{problem}"], problem, by_bot=False)

    def bot_stopped(self, why: str) -> None:
        self._fail([f"! {why}"], why)

    def _fail(self, lines: list[str], reason: str, *, by_bot: bool = True) -> None:
        with self._failure_lock:
            self.failures.append(reason)
            self.bot_failed |= by_bot
        self.out.lines(lines)

    # -- events ------------------------------------------------------------------------------
    def _on_emulator_event(self, kind: str, subject: Any) -> None:
        # On the emulator's loop: take a snapshot now, draw it later on the printer thread.
        if kind == "message_create":
            self._queue(Event("message", snapshot(subject)))
        elif kind == "message_edit":
            self._queue(Event("edit", snapshot(subject)))
        elif kind == "message_delete":
            self._queue(Event("delete", subject.channel_id))
        elif kind == "modal":
            record, data = subject
            self._queue(Event("modal", (record.user_id, copy.deepcopy(data))))

    def _queue(self, event: Event) -> None:
        self._last_event = time.monotonic()
        self._events.put(event)

    def _print_events(self) -> None:
        while (event := self._events.get()) is not None:
            try:
                self._draw(event)
            except Exception as exc:  # a drawing bug must not silence the console
                self.out.line(f"! could not show an event ({exc!r})")
            finally:
                self._last_event = time.monotonic()
                self._events.task_done()
        self._events.task_done()

    def _draw(self, event: Event) -> None:
        viewer = self.actor.user.id
        if event.kind in ("message", "edit"):
            shot: render.MessageSnapshot = event.payload
            edited = event.kind == "edit" and shot.id not in self._loading
            if shot.loading:
                self._loading.add(shot.id)
            else:
                self._loading.discard(shot.id)
            self.out.lines(render.message(shot, self.names, viewer_id=viewer, edited=edited))
            found = ERROR_ID.search(shot.content) if shot.ephemeral else None
            if found:
                self._fail([f"! the bot raised an unhandled error (error id {found[1]}); "
                            f"the traceback is in {self.log_path}"], f"error id {found[1]}")
        elif event.kind == "delete":
            self.out.lines(render.deleted(event.payload, self.names))
        elif event.kind == "modal":
            user_id, data = event.payload
            hint = "fill it in with" + (" (or type fill alone to be asked)"
                                        if self.interactive else "")
            self.out.lines(render.modal(data, self.names, for_user=user_id, viewer_id=viewer,
                                        hint=hint))
        elif event.kind == "log_error":
            line: str = event.payload
            shown = line if len(line) <= 300 else line[:297] + "..."
            self._fail([f"! the bot logged an error: {shown}"], line)


def resolve_path(schema: dict[str, Any], path: tuple[str, ...]
                 ) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    """(group, subcommand, option specs) for the words after a command's name."""
    specs = list(schema.get("options") or [])
    names: list[str] = []
    for word in path:
        match = next((o for o in specs if o["type"] in (1, 2) and o["name"] == word.casefold()),
                     None)
        if match is None:
            subs = [o["name"] for o in specs if o["type"] in (1, 2)]
            hint = f"; its subcommands are {', '.join(subs)}" if subs else ""
            raise SandboxError(f"/{schema['name']} has no subcommand {word!r}{hint}")
        names.append(match["name"])
        specs = list(match.get("options") or [])
    subs = [o["name"] for o in specs if o["type"] in (1, 2)]
    if subs:
        raise SandboxError(f"/{' '.join([schema['name'], *names])} needs a subcommand: "
                           f"{', '.join(subs)}")
    if len(names) == 2:
        return names[0], names[1], specs
    return None, (names[0] if names else None), specs


def _choose(items: list[Any], target: int | str, label: Callable[[Any], str], what: str, *,
            number: Callable[[Any], int] | None = None) -> Any:
    if isinstance(target, int):
        for position, item in enumerate(items, start=1):
            if (number(item) if number else position) == target:
                return item
        raise SandboxError(f"there is no {what} {target}; they are numbered 1 to {len(items)}")
    folded = target.casefold()
    exact = [i for i in items if label(i).casefold() == folded]
    loose = exact or [i for i in items if folded in label(i).casefold()]
    if len(loose) == 1:
        return loose[0]
    labels = ", ".join(repr(label(i)) for i in items)
    if not loose:
        raise SandboxError(f"no {what} {target!r}; the {what}s are {labels}")
    raise SandboxError(f"{target!r} matches several {what}s; use its number ({labels})")
