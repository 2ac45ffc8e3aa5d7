"""Telling people about a decision: the submitter by direct message, the review channel's copy
by an edit. Neither may undo the decision: failures are logged and reported, nothing more."""

from __future__ import annotations

import logging

import discord

from bot.domain.facts import Submission
from bot.ui.facts import decision_dm, review_embed, review_view

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
