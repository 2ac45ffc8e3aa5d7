"""A server's facts: the built-in pack plus its approved submissions, spoiler-gated, drawn
without repeats per channel."""

from __future__ import annotations

import random

from bot.content import ContentLibrary
from bot.db.repositories import GuildConfigRepository
from bot.db.repositories.facts import FactRepository
from bot.domain.facts import (
    PoolFact,
    Status,
    Submission,
    check_filters,
    draw_fact,
    matching,
    servable,
)
from bot.errors import NotFound


def submitted_fact(submission: Submission) -> PoolFact:
    return PoolFact(submission.label, (submission.film,), (), submission.text, submission.source,
                    submitted=True, credit=submission.submitter_name)


class FactPool:
    def __init__(self, content: ContentLibrary, repo: FactRepository,
                 configs: GuildConfigRepository, rng: random.Random) -> None:
        self._builtin = tuple(PoolFact(f.id, f.films, f.topics, f.text, f.source)
                              for f in content.facts)
        self._repo = repo
        self._configs = configs
        self._rng = rng
        # The built-in part of the pool depends only on the films switched on: computed once.
        self._builtin_servable: dict[frozenset[str], tuple[PoolFact, ...]] = {}

    async def facts_of(self, guild_id: int, enabled_films: frozenset[str] | None = None
                       ) -> tuple[PoolFact, ...]:
        """Everything this server may be shown (its enabled films; Franchise always)."""
        if enabled_films is None:
            enabled_films = (await self._configs.get(guild_id)).enabled_films
        builtin = self._builtin_servable.get(enabled_films)
        if builtin is None:
            builtin = self._builtin_servable[enabled_films] = servable(self._builtin,
                                                                       enabled_films)
        approved = await self._repo.with_status(guild_id, Status.APPROVED)
        return (*builtin, *servable(map(submitted_fact, approved), enabled_films))

    async def draw(self, guild_id: int, channel_id: int, film: str | None = None,
                   topic: str | None = None) -> PoolFact:
        """A fact for this channel, checking the filters again (autocomplete only suggests)."""
        config = await self._configs.get(guild_id)
        check_filters(film, topic, config.enabled_films)
        pool = await self.facts_of(guild_id, config.enabled_films)
        candidates = matching(pool, film, topic)
        if not candidates:
            raise NotFound("No fact matches that film and topic on this server yet; try fewer "
                           "filters.")
        by_id = {fact.id: fact for fact in pool}
        pool_ids = list(by_id)
        candidate_ids = [fact.id for fact in candidates]
        chosen = await self._repo.draw(
            guild_id, channel_id,
            lambda state: draw_fact(pool_ids, candidate_ids, state, self._rng))
        return by_id[chosen]
