"""A moderator's decision on a fact submission, from Discord or from the web dashboard: the
decision itself, then telling people about it (the submitter by direct message, the review
channel's copy by an edit). Telling may not undo the decision: failures are logged and
reported, nothing more."""

from __future__ import annotations

import logging
from datetime import datetime

import discord

from bot.db.repositories.facts import FactRepository
from bot.domain.facts import Action, DecisionRefused, Status, Submission, submission_label
from bot.errors import Conflict, NotFound
from bot.ui.facts import decider_of, decision_dm, review_embed, review_view

log = logging.getLogger(__name__)


async def tell_submitter(client: discord.Client, submission: Submission, server: str) -> bool:
    """DM the decision (and reason); False when their DMs are closed or Discord refused."""
    if submission.submitter_id is None:
        return False  # the member deleted their data
    content, embed = decision_dm(submission, server)
    try:
        channel = await client.create_dm(discord.Object(id=submission.submitter_id))
        await channel.send(content, embed=embed)
    except discord.HTTPException as exc:
        log.info("could not DM the decision on %s to its submitter: %s", submission.label, exc)
        return False
    return True


async def post_for_review(client: discord.Client, channel_id: int, submission: Submission,
                          waiting: int) -> discord.Message | None:
    """Post a new submission in the server's review channel, with the review buttons."""
    channel = client.get_partial_messageable(channel_id, guild_id=submission.guild_id)
    try:
        return await channel.send(embed=review_embed(submission, waiting=waiting),
                                  view=review_view(submission.id))
    except discord.HTTPException as exc:
        log.warning("could not post %s in the review channel %s of server %s: %s",
                    submission.label, channel_id, submission.guild_id, exc)
        return None


async def refresh_review_post(client: discord.Client, submission: Submission,
                              clicked: discord.Message | None) -> None:
    """Show the decision on the review channel's copy (unless that is the message clicked)."""
    if submission.review_channel_id is None or submission.review_message_id is None:
        return
    if clicked is not None and clicked.id == submission.review_message_id:
        return
    channel = client.get_partial_messageable(submission.review_channel_id,
                                             guild_id=submission.guild_id)
    try:
        await channel.get_partial_message(submission.review_message_id).edit(
            embed=review_embed(submission), view=None)
    except discord.HTTPException as exc:
        log.info("could not update the review post of %s: %s", submission.label, exc)


def refusal_text(submission: Submission, action: Action) -> str:
    if action is Action.REMOVE and submission.status is Status.PENDING:
        return (f"{submission.label} is still waiting for review; reject it with "
                "`/fact review` instead.")
    if action is Action.REMOVE and submission.status is Status.REJECTED:
        return f"{submission.label} was rejected, so it is not among the server's facts."
    return (f"{submission.label} was already {submission.status} by {decider_of(submission)}; "
            "nothing was changed.")


async def decide_submission(repo: FactRepository, guild_id: int, submission_id: int,
                            action: Action, moderator_id: int, now: datetime,
                            reason: str | None = None) -> Submission:
    """Record the decision; Conflict when someone decided first, NotFound for an id that is not
    this server's (nothing changes in either case). The caller has checked the moderator."""
    try:
        decided = await repo.decide(guild_id, submission_id, action, moderator_id, now, reason)
    except DecisionRefused as refused:
        raise Conflict(refusal_text(refused.submission, action)) from None
    if decided is None:
        raise NotFound(f"There is no submitted fact {submission_label(submission_id)} on "
                       "this server; nothing was changed.")
    return decided


async def publish_decision(client: discord.Client, decided: Submission, server: str,
                           clicked: discord.Message | None = None) -> bool:
    """Show the decision on the review post and DM the submitter. False when the submitter
    could not be told (their DMs are closed)."""
    await refresh_review_post(client, decided, clicked)
    if decided.submitter_id is None:
        return True  # the member deleted their data: there is no one to tell
    return await tell_submitter(client, decided, server)
