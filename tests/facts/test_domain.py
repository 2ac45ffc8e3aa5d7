"""The facts rules without Discord or a database: seeded random, no clock needed."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.domain.facts import (
    DUPLICATE_THRESHOLD,
    MAX_PENDING,
    TEXT_MAX,
    TEXT_MIN,
    Action,
    CycleState,
    PoolFact,
    Status,
    TransitionRefused,
    check_filters,
    draw_fact,
    ensure_can_submit,
    matching,
    near_duplicate,
    parse_submission_id,
    servable,
    similarity,
    spoiler_safe,
    transition,
    validate_film,
    validate_reason,
    validate_source,
    validate_text,
)
from bot.domain.films import FILMS
from bot.errors import InvalidInput, NotAllowed

ALL = frozenset(FILMS)


def _fact(fact_id: str, *films: str, topics: tuple[str, ...] = ("cast",)) -> PoolFact:
    return PoolFact(fact_id, films, topics, f"text of {fact_id}", "https://example.org")


def _run(pool: list[str], candidates: list[str], draws: int, rng: random.Random,
         state: CycleState | None = None) -> tuple[list[str], CycleState]:
    """Draw repeatedly, carrying the channel's state as the repository would."""
    state = state or CycleState()
    shown = []
    for _ in range(draws):
        drawn = draw_fact(pool, candidates, state, rng)
        last = dict(state.last_shown or {})
        last[drawn.fact_id] = drawn.seq
        state = CycleState(drawn.cycle_start, drawn.seq + 1, last)
        shown.append(drawn.fact_id)
    return shown, state


# -- spoiler gating and filters -------------------------------------------------------------
def test_franchise_facts_are_always_allowed_and_others_need_every_film_enabled():
    only_rocky = frozenset({"Rocky"})
    assert spoiler_safe(("Franchise",), frozenset())
    assert spoiler_safe(("Rocky",), only_rocky)
    assert not spoiler_safe(("Creed III",), only_rocky)
    assert not spoiler_safe(("Rocky", "Creed"), only_rocky)  # one spoiling film is enough
    facts = [_fact("a", "Rocky"), _fact("b", "Creed"), _fact("c", "Franchise")]
    assert [f.id for f in servable(facts, only_rocky)] == ["a", "c"]


def test_filters_are_checked_again_whatever_autocomplete_offered():
    with pytest.raises(InvalidInput, match="not one of the films"):
        check_filters("Rocky VII", None, ALL)
    with pytest.raises(InvalidInput, match="not a topic"):
        check_filters(None, "catering", ALL)
    with pytest.raises(NotAllowed, match="switched off"):
        check_filters("Creed III", None, ALL - {"Creed III"})
    check_filters("Franchise", "music", frozenset())  # the series as a whole is never gated


def test_matching_filters_by_film_and_topic():
    facts = [_fact("a", "Rocky", topics=("music",)), _fact("b", "Rocky"), _fact("c", "Creed")]
    assert [f.id for f in matching(facts, "Rocky", "music")] == ["a"]
    assert [f.id for f in matching(facts, None, None)] == ["a", "b", "c"]


# -- the no-repeat cycle --------------------------------------------------------------------
def test_no_fact_repeats_until_the_channel_has_seen_the_whole_pool():
    pool = [f"f{i}" for i in range(7)]
    for seed in range(20):
        shown, _ = _run(pool, pool, 21, random.Random(seed))
        for cycle in range(3):
            assert sorted(shown[cycle * 7:(cycle + 1) * 7]) == pool, (seed, shown)


def test_a_new_cycle_never_starts_with_the_fact_just_shown():
    pool = ["a", "b", "c"]
    for seed in range(50):
        shown, _ = _run(pool, pool, 30, random.Random(seed))
        assert all(x != y for x, y in itertools.pairwise(shown)), shown


def test_the_cycle_continues_from_stored_state():
    pool = [f"f{i}" for i in range(6)]
    first, state = _run(pool, pool, 4, random.Random(1))
    rest, _ = _run(pool, pool, 2, random.Random(99), state)  # a restart: a new rng, same state
    assert sorted(first + rest) == pool


def test_a_filter_prefers_unseen_facts_then_the_one_shown_longest_ago():
    pool = ["a", "b", "c", "d"]
    shown, state = _run(pool, ["a", "b"], 2, random.Random(3))
    assert sorted(shown) == ["a", "b"]
    again, _ = _run(pool, ["a", "b"], 1, random.Random(3), state)
    assert again == [shown[0]]  # both seen: the older showing comes back, not a reset
    rest, _ = _run(pool, pool, 2, random.Random(3), state)
    assert sorted(rest) == ["c", "d"]  # the unfiltered cycle still owes c and d


def test_a_fact_added_to_the_pool_is_shown_before_the_cycle_resets():
    pool = ["a", "b"]
    _, state = _run(pool, pool, 2, random.Random(0))
    shown, _ = _run([*pool, "new"], [*pool, "new"], 1, random.Random(0), state)
    assert shown == ["new"]


def test_drawing_from_nothing_is_a_bug():
    with pytest.raises(ValueError):
        draw_fact(["a"], [], CycleState(), random.Random(0))


# -- submission validation ------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("", "Write your fact"),
    ("   \n\t  ", "Write your fact"),
    ("Too short.", "at least 20"),
    ("x" * (TEXT_MAX + 1), "shorten it to 500"),
    ("Rocky Z̷̡̛a̸̢͝l̵̨̛g̶̢̕o̴̧͠ punches through the text box", "zalgo"),
    ("Rocky was filmed in 28 days\u202eand this is reversed", "control characters"),
    ("Rocky was filmed in 28 days\x00 with a null byte", "control characters"),
])
def test_bad_text_gets_a_sentence_saying_what_to_fix(raw, expected):
    with pytest.raises(InvalidInput, match=expected):
        validate_text(raw)


@pytest.mark.parametrize("raw", [
    "@everyone Rocky was filmed in 28 days!",
    "[Click for the source](https://evil.example) Rocky ran up 72 steps.",
    "Robert'); DROP TABLE fact_submissions;-- was Rocky's son",
    "Tiếng Việt: Rocky chạy lên bậc thang của bảo tàng.",  # two marks on a letter are fine
    "x" * TEXT_MIN,
    "y" * TEXT_MAX,
])
def test_odd_but_harmless_text_is_kept_verbatim(raw):
    assert validate_text(f"  {raw}\n") == raw


def test_film_source_and_reason():
    assert validate_film("Franchise") == "Franchise"
    with pytest.raises(InvalidInput, match="Pick the film"):
        validate_film("Rocky 4")
    assert validate_source("  ") is None
    assert validate_source("https://en.wikipedia.org/wiki/Rocky_II") == (
        "https://en.wikipedia.org/wiki/Rocky_II")
    for bad in ("javascript:alert(1)", "[src](https://x.org)", "https://localhost/x",
                "https://a.org/" + "x" * 300, "https://a.org/with space", "ftp://a.org/f"):
        with pytest.raises(InvalidInput, match="web address"):
            validate_source(bad)
    assert validate_reason("  ") is None
    with pytest.raises(InvalidInput, match="300"):
        validate_reason("r" * 301)


def test_the_pending_limit():
    ensure_can_submit(MAX_PENDING - 1)
    with pytest.raises(NotAllowed, match="5 facts waiting"):
        ensure_can_submit(MAX_PENDING)


# -- near-duplicates ------------------------------------------------------------------------
BUDGET = "Rocky II was made on a budget of about $7 million."


def test_near_duplicates_either_side_of_the_threshold():
    just_above = "Rocky II was filmed with a budget of about $7 million."
    just_below = "The budget of Rocky II was about $7 million dollars."
    assert DUPLICATE_THRESHOLD <= similarity(BUDGET, just_above) < DUPLICATE_THRESHOLD + 2
    assert DUPLICATE_THRESHOLD - 2 < similarity(BUDGET, just_below) < DUPLICATE_THRESHOLD
    found = near_duplicate(just_above, [("f-budget", BUDGET)])
    assert found is not None and found.fact_id == "f-budget" and found.text == BUDGET
    assert near_duplicate(just_below, [("f-budget", BUDGET)]) is None


def test_the_threshold_is_inclusive():
    score = similarity(BUDGET, "Rocky II was filmed with a budget of about $7 million.")
    existing = [("f-budget", BUDGET)]
    text = "Rocky II was filmed with a budget of about $7 million."
    assert near_duplicate(text, existing, threshold=score) is not None
    assert near_duplicate(text, existing, threshold=score + 0.01) is None


def test_different_numbers_or_films_are_different_facts():
    # 94.9 by plain ratio, but a different film and a different budget.
    assert similarity(BUDGET, "Rocky IV was made on a budget of about $28 million.") == 0
    assert similarity("Creed grossed about $173.6 million worldwide.",
                      "Creed III grossed about $276.1 million worldwide.") == 0


def test_the_closest_existing_fact_is_named():
    existing = [("a", "Rocky II was made for a budget of about $7 million."), ("b", BUDGET)]
    found = near_duplicate("Rocky II was made on a budget of about $7 million!", existing)
    assert found is not None and found.fact_id == "b" and found.score == 100


# -- ids and moderation ---------------------------------------------------------------------
def test_submission_ids():
    assert parse_submission_id(" S12 ") == 12
    for bad in ("f-r1-budget", "12", "s", "s1x", "s" + "9" * 30):
        with pytest.raises(InvalidInput):
            parse_submission_id(bad)


def test_the_first_decision_wins_and_only_approved_facts_can_be_removed():
    assert transition("pending", Action.APPROVE) is Status.APPROVED
    assert transition(Status.PENDING, Action.REJECT) is Status.REJECTED
    assert transition(Status.APPROVED, Action.REMOVE) is Status.REMOVED
    refused = [(Status.APPROVED, Action.APPROVE), (Status.APPROVED, Action.REJECT),
               (Status.REJECTED, Action.APPROVE), (Status.PENDING, Action.REMOVE),
               (Status.REMOVED, Action.APPROVE), (Status.REMOVED, Action.REMOVE)]
    for current, action in refused:
        with pytest.raises(TransitionRefused) as info:
            transition(current, action)
        assert info.value.current is current
