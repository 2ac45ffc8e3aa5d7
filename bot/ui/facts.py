"""What the facts feature shows: embeds, persistent buttons and the two modals.

The buttons and forms carry their state in their custom ids, so they work after a restart; the
Facts cog answers them by route (bot/core/routes.py) and re-checks everything server-side.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import discord

from bot.core.error_handler import RockyView
from bot.core.routes import RoutedButton
from bot.domain.facts import (
    REASON_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    TEXT_MIN,
    Contributor,
    PoolFact,
    Status,
    Submission,
    submission_label,
)
from bot.domain.films import FILM_TAGS, FRANCHISE, TOPICS
from bot.ui.embeds import CHAMPION_GOLD, PHILLY_BLUE, ROCKY_RED, safe

FORMER_MEMBER = "a former member"
FORMER_MODERATOR = "a moderator"
REJECTED_GREY = discord.Colour(0x6B6B6B)
SNIPPET = 90


# The custom ids the Facts cog's routes answer.
ANOTHER = r"fact:another:(?P<film>\d{0,2}):(?P<topic>\d{0,2})"
SUGGEST = r"fact:suggest"
APPROVE = r"fact:approve:(?P<id>\d{1,18})"
REJECT = r"fact:reject:(?P<id>\d{1,18})"
SKIP = r"fact:skip:(?P<id>\d{1,18})"
SUBMIT_FORM = "fact:submit-form"
REJECT_FORM = r"fact:reject-form:(?P<id>\d{1,18})"


# -- text helpers ---------------------------------------------------------------------------
def snippet(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _when(iso: str | None) -> str:
    if not iso:
        return "unknown"
    return discord.utils.format_dt(datetime.fromisoformat(iso), "R")


def credit_of(submission: Submission) -> str:
    return safe(submission.submitter_name) if submission.submitter_name else FORMER_MEMBER


def decider_of(submission: Submission) -> str:
    return safe(submission.decider_name) if submission.decider_name else FORMER_MODERATOR


# -- facts ----------------------------------------------------------------------------------
def fact_embed(fact: PoolFact, *, title: str = "Rocky trivia") -> discord.Embed:
    text = safe(fact.text) if fact.submitted else fact.text
    embed = discord.Embed(title=title, description=text, colour=ROCKY_RED)
    embed.add_field(name="Film", value=", ".join(fact.films), inline=True)
    if fact.topics:
        embed.add_field(name="Topic", value=", ".join(fact.topics), inline=True)
    if fact.submitted:
        embed.add_field(name="Submitted by", value=safe(fact.credit) if fact.credit
                        else FORMER_MEMBER, inline=True)
        source = safe(fact.source) if fact.source else "none given"
    else:
        source = f"[where this is documented]({fact.source})"
    embed.add_field(name="Source", value=source, inline=False)
    embed.set_footer(text=f"Fact {fact.id}")
    return embed


def _index(value: str | None, values: tuple[str, ...]) -> str:
    return "" if value is None else str(values.index(value))


def _unindex(raw: str, values: tuple[str, ...]) -> str | None:
    if not raw:
        return None
    position = int(raw)
    return values[position] if position < len(values) else "?"  # "?" is refused downstream


def filters_of(match: re.Match[str]) -> tuple[str | None, str | None]:
    """The film and topic an "Another fact" button carries."""
    return _unindex(match["film"], FILM_TAGS), _unindex(match["topic"], TOPICS)


def fact_layout(fact: PoolFact, film: str | None, topic: str | None,
                *, title: str = "Rocky trivia") -> discord.ui.LayoutView:
    """/fact random in Components V2: the fact, its details one per line (`**Name:** value`),
    its id, and "Another fact" with the same filters (they ride in the custom id, so the button
    works after a restart)."""
    text = safe(fact.text) if fact.submitted else fact.text
    details = [("Film", ", ".join(fact.films))]
    if fact.topics:
        details.append(("Topic", ", ".join(fact.topics)))
    if fact.submitted:
        details.append(("Submitted by", safe(fact.credit) if fact.credit else FORMER_MEMBER))
        details.append(("Source", safe(fact.source) if fact.source else "none given"))
    else:
        details.append(("Source", f"[where this is documented]({fact.source})"))
    row: discord.ui.ActionRow = discord.ui.ActionRow()
    row.add_item(RoutedButton(
        label="Another fact", style=discord.ButtonStyle.primary, emoji="🥊",
        custom_id=f"fact:another:{_index(film, FILM_TAGS)}:{_index(topic, TOPICS)}"))
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(
        discord.ui.TextDisplay(f"### {title}\n{text}"),
        discord.ui.Separator(),
        discord.ui.TextDisplay("\n".join(f"**{name}:** {value}" for name, value in details)),
        discord.ui.TextDisplay(f"-# Fact {fact.id}"),
        row, accent_colour=ROCKY_RED))
    return view


def daily_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RoutedButton(label="Suggest a fact", emoji="✍️",
                               style=discord.ButtonStyle.secondary, custom_id="fact:suggest"))
    return view


# -- submitting -----------------------------------------------------------------------------
# The forms are answered by the Facts cog's routes, not by discord.py's modal store: a member
# who spent minutes writing a fact must not lose it to a restart, and a submit that arrives
# before discord.py stored the modal would be dropped. So each form is stopped before it is sent
# (discord.py stores only a modal that is not finished).


class SubmitFactForm(discord.ui.Modal, title="Suggest a Rocky fact"):
    def __init__(self, text: str | None = None, film: str | None = None,
                 source: str | None = None) -> None:
        super().__init__(custom_id=SUBMIT_FORM)
        self.add_item(discord.ui.Label(
            text="Your fact", description=f"{TEXT_MIN} to {TEXT_MAX} characters, in your own words",
            component=discord.ui.TextInput(
                custom_id="text", style=discord.TextStyle.paragraph, min_length=TEXT_MIN,
                max_length=TEXT_MAX, default=text,
                placeholder="Rocky was shot in 28 days on a budget of under $1 million.")))
        self.add_item(discord.ui.Label(text="Film", component=discord.ui.Select(
            custom_id="film", min_values=1, max_values=1, placeholder="Pick the film",
            options=[discord.SelectOption(label=name, value=name, default=name == film,
                                          description="The series as a whole"
                                          if name == FRANCHISE else None)
                     for name in FILM_TAGS])))
        self.add_item(discord.ui.Label(
            text="Source", description="A public page that states it, if you have one",
            component=discord.ui.TextInput(custom_id="source", required=False,
                                           max_length=SOURCE_MAX, default=source,
                                           placeholder="https://… (optional)")))


class RejectForm(discord.ui.Modal, title="Reject this fact"):
    def __init__(self, submission_id: int) -> None:
        super().__init__(custom_id=f"fact:reject-form:{submission_id}")
        self.add_item(discord.ui.Label(
            text="Reason", description="Sent to the member with the decision",
            component=discord.ui.TextInput(
                custom_id="reason", style=discord.TextStyle.paragraph, required=False,
                max_length=REASON_MAX, placeholder="e.g. No source, and it's about Rocky II.")))


def unstored(form: discord.ui.Modal) -> discord.ui.Modal:
    form.stop()
    return form


def submission_form(text: str | None = None, film: str | None = None,
                    source: str | None = None) -> discord.ui.Modal:
    return unstored(SubmitFactForm(text, film, source))


def rejection_form(submission_id: int) -> discord.ui.Modal:
    return unstored(RejectForm(submission_id))


def form_values(data: dict[str, Any]) -> dict[str, str | None]:
    """A submitted form's fields by custom id: a text input's value, a select's first choice."""
    values: dict[str, str | None] = {}
    for row in data.get("components") or []:
        inputs = [row["component"]] if "component" in row else row.get("components") or []
        for item in inputs:
            if "values" in item:
                values[item["custom_id"]] = (item["values"] or [None])[0]
            else:
                values[item["custom_id"]] = item.get("value")
    return values


class RetrySubmissionView(RockyView):
    """After a refused submission: reopen the form with what the member wrote."""

    def __init__(self, text: str | None, film: str | None, source: str | None) -> None:
        super().__init__(timeout=15 * 60)  # the answer is ephemeral: only its author sees it
        self.draft = (text, film, source)

    @discord.ui.button(label="Edit and resubmit", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(submission_form(*self.draft))


def submitted_text(submission: Submission, pending: int, max_pending: int) -> str:
    return (f"Thanks! Your fact **{submission.label}** is waiting for a moderator "
            f"({pending} of {max_pending} pending). You'll get a direct message when it's "
            "decided; `/fact mine` shows its status.")


# -- reviewing ------------------------------------------------------------------------------
_STATUS_COLOUR = {Status.PENDING: PHILLY_BLUE, Status.APPROVED: CHAMPION_GOLD,
                  Status.REJECTED: REJECTED_GREY, Status.REMOVED: REJECTED_GREY}


def review_embed(submission: Submission, *, waiting: int | None = None) -> discord.Embed:
    embed = discord.Embed(title=f"Fact {submission.label} · {submission.status}",
                          description=safe(submission.text),
                          colour=_STATUS_COLOUR[submission.status])
    embed.add_field(name="Film", value=submission.film, inline=True)
    embed.add_field(name="Submitted by", value=credit_of(submission), inline=True)
    embed.add_field(name="Submitted", value=_when(submission.submitted_at), inline=True)
    embed.add_field(name="Source", value=safe(submission.source) if submission.source
                    else "none given", inline=False)
    if submission.status is not Status.PENDING:
        decision = f"{submission.status.capitalize()} by {decider_of(submission)}"
        if submission.reason:
            decision += f": {safe(submission.reason)}"
        embed.add_field(name="Decision", value=decision, inline=False)
    if waiting is not None:
        embed.set_footer(text=f"{waiting} waiting for review")
    return embed


def review_view(submission_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for label, style, action in (("Approve", discord.ButtonStyle.success, "approve"),
                                 ("Reject", discord.ButtonStyle.danger, "reject"),
                                 ("Skip", discord.ButtonStyle.secondary, "skip")):
        view.add_item(RoutedButton(label=label, style=style,
                                   custom_id=f"fact:{action}:{submission_id}"))
    return view


def decision_dm(submission: Submission, server: str) -> tuple[str, discord.Embed]:
    """The message to the submitter; text from members and the server name is escaped."""
    where = safe(server)
    if submission.status is Status.APPROVED:
        content = (f"Your fact **{submission.label}** was approved on **{where}** and is now "
                   "part of its trivia, with your name on it. Thanks!")
    else:
        content = f"Your fact **{submission.label}** was not accepted on **{where}**."
        if submission.reason:
            content += f"\nReason: {safe(submission.reason)}"
    embed = discord.Embed(description=safe(submission.text),
                          colour=_STATUS_COLOUR[submission.status])
    embed.add_field(name="Film", value=submission.film)
    return content, embed


# -- lists ----------------------------------------------------------------------------------
def mine_embed(submissions: list[Submission], counts: dict[Status, int],
               max_pending: int) -> discord.Embed:
    summary = " · ".join(f"{counts.get(status, 0)} {status}" for status in Status)
    embed = discord.Embed(title="Your fact submissions", colour=PHILLY_BLUE,
                          description=f"{summary}\nAt most {max_pending} can wait at once.")
    for submission in submissions:
        value = f"{submission.film} · {safe(snippet(submission.text))}"
        if submission.status is Status.REJECTED and submission.reason:
            value += f"\nReason: {safe(snippet(submission.reason))}"
        embed.add_field(name=f"{submission.label} · {submission.status}", value=value,
                        inline=False)
    if not submissions:
        embed.description = "You haven't suggested a fact yet: try `/fact submit`."
    return embed


def contributors_embed(contributors: list[Contributor], server: str) -> discord.Embed:
    embed = discord.Embed(title=f"Top fact contributors · {safe(server)}", colour=CHAMPION_GOLD)
    if not contributors:
        embed.description = "No approved submissions yet. Be the first: `/fact submit`."
        return embed
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = []
    for rank, person in enumerate(contributors, start=1):
        facts = "fact" if person.approved == 1 else "facts"
        lines.append(f"{medals.get(rank, f'{rank}.')} {safe(person.display_name)} — "
                     f"{person.approved} approved {facts}")
    embed.description = "\n".join(lines)
    return embed


def removal_choice_name(submission: Submission) -> str:
    return snippet(f"{submission_label(submission.id)} · {submission.film} · {submission.text}",
                   100)
