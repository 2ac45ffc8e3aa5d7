"""Quiz rules with a controlled clock and seeded chance: scoring, streaks, the daily calendar
(across DST changes), ranks, question pools and game decisions."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import Question
from bot.domain import scoring
from bot.domain.daily import local_day, next_rollover, period_start
from bot.domain.quiz import (
    Score,
    choose_unused,
    clamp_settings,
    ends_for_silence,
    question_allowed,
    question_pool,
    rank_scores,
    resumes_after_restart,
    shuffle_options,
)
from bot.domain.ranks import LADDER, rank_for
from bot.domain.streaks import DayStreak, after_daily_answer, next_answer_streak

LIMIT = 20_000  # a 20-second question, in ms


def question(qid: str, films: tuple[str, ...] = ("Rocky",), difficulty: str = "easy",
             answer_at: int = 0) -> Question:
    options = ("Apollo", "Clubber", "Drago", "Mason")
    return Question(qid, films, ("fights",), "https://example.org", f"Who is {qid}?", options,
                    options[answer_at], difficulty, "general", "Because.")


# -- scoring -----------------------------------------------------------------------------------
def test_base_points_grow_with_difficulty():
    assert [scoring.base_points(d) for d in ("easy", "medium", "hard")] == [100, 150, 200]
    with pytest.raises(ValueError):
        scoring.base_points("brutal")


@pytest.mark.parametrize(("elapsed_ms", "bonus"), [
    (-500, 50),         # a clock a little behind never gives more than the maximum
    (0, 50),            # at once: the whole bonus
    (1, 49),            # rounded down from 49.9975
    (400, 49),          # 49.0 exactly
    (401, 48),
    (10_000, 25),       # half the time left, half the bonus
    (19_999, 0),        # 0.0025 rounds down to nothing
    (LIMIT, 0),         # at the bell
    (LIMIT + 1, 0),     # past the bell (the repository refuses these anyway)
])
def test_speed_bonus_edges(elapsed_ms, bonus):
    assert scoring.speed_bonus(elapsed_ms, LIMIT) == bonus


def test_speed_bonus_needs_a_positive_limit():
    with pytest.raises(ValueError):
        scoring.speed_bonus(0, 0)


@given(st.integers(0, LIMIT), st.integers(0, LIMIT))
def test_speed_bonus_never_rewards_a_slower_answer(a, b):
    early, late = sorted((a, b))
    assert 0 <= scoring.speed_bonus(late, LIMIT) <= scoring.speed_bonus(early, LIMIT) <= 50


@pytest.mark.parametrize(("streak", "bonus"), [(0, 0), (1, 10), (4, 40), (5, 50), (6, 50),
                                               (40, 50), (-1, 0)])
def test_streak_bonus_is_ten_per_answer_in_a_row_capped_at_fifty(streak, bonus):
    assert scoring.streak_bonus(streak) == bonus


def test_a_right_answer_adds_base_speed_and_streak():
    points = scoring.answer_points("hard", True, elapsed_ms=5_000, limit_ms=LIMIT,
                                   streak_before=3)
    assert (points.base, points.speed, points.streak, points.total) == (200, 37, 30, 267)


def test_a_wrong_answer_scores_nothing_however_fast_or_streaky():
    assert scoring.answer_points("hard", False, 0, LIMIT, 9).total == 0


def test_daily_points_add_ten_per_streak_day_capped_at_one_hundred():
    assert scoring.daily_points("medium", True, 0).total == 150
    assert scoring.daily_points("medium", True, 3).total == 180
    assert scoring.daily_points("easy", True, 10).total == 200
    assert scoring.daily_points("easy", True, 25).total == 200
    assert scoring.daily_points("hard", False, 7).total == 0


# -- streaks -----------------------------------------------------------------------------------
def test_answer_streak_grows_on_right_answers_and_resets_on_a_wrong_one():
    streak = 0
    for correct in (True, True, True, False, True):
        streak = next_answer_streak(streak, correct)
    assert streak == 1


D = date(2026, 3, 27)


def test_day_streak_counts_consecutive_days_and_a_missed_day_resets_it():
    streak = DayStreak()
    for day in (D, D + timedelta(days=1), D + timedelta(days=2)):
        streak = after_daily_answer(streak, day, True)
    assert (streak.current, streak.best) == (3, 3)
    assert streak.live(D + timedelta(days=3)) == 3  # today not answered yet: still alive
    assert streak.live(D + timedelta(days=4)) == 0  # a whole day missed
    streak = after_daily_answer(streak, D + timedelta(days=4), True)
    assert (streak.current, streak.best) == (1, 3)


def test_a_wrong_daily_answer_resets_the_day_streak_but_keeps_the_best():
    streak = after_daily_answer(after_daily_answer(DayStreak(), D, True), D + timedelta(1), True)
    streak = after_daily_answer(streak, D + timedelta(days=2), False)
    assert (streak.current, streak.best, streak.live(D + timedelta(days=2))) == (0, 2, 0)
    streak = after_daily_answer(streak, D + timedelta(days=3), True)
    assert streak.current == 1


def test_counting_the_same_day_twice_changes_nothing():
    once = after_daily_answer(DayStreak(), D, True)
    assert after_daily_answer(once, D, True) == once


# -- the daily calendar across DST -------------------------------------------------------------
def test_the_local_day_follows_the_server_timezone():
    # 23:30 UTC on 28 March 2026 is already 29 March in Rome (UTC+1 that night).
    now = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert local_day(now, "UTC") == date(2026, 3, 28)
    assert local_day(now, "Europe/Rome") == date(2026, 3, 29)
    assert local_day(now, "America/New_York") == date(2026, 3, 28)
    with pytest.raises(ValueError):
        local_day(datetime(2026, 3, 28), "UTC")


def test_an_unknown_timezone_falls_back_to_utc():
    now = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert local_day(now, "Mars/Olympus_Mons") == date(2026, 3, 28)


@pytest.mark.parametrize(("zone", "day", "hours"), [
    ("Europe/Rome", date(2026, 3, 29), 23),        # clocks go forward: a 23-hour day
    ("Europe/Rome", date(2026, 10, 25), 25),       # clocks go back: a 25-hour day
    ("America/New_York", date(2026, 3, 8), 23),
    ("America/New_York", date(2026, 11, 1), 25),
    ("Europe/Rome", date(2026, 6, 1), 24),
])
def test_the_rollover_is_the_next_local_midnight_across_dst(zone, day, hours):
    from zoneinfo import ZoneInfo
    start = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    rollover = next_rollover(start + timedelta(minutes=1), zone)
    assert rollover - start == timedelta(hours=hours)
    assert local_day(rollover, zone) == day + timedelta(days=1)
    assert local_day(rollover - timedelta(seconds=1), zone) == day


def test_a_day_streak_survives_the_spring_forward_night_and_breaks_on_a_missed_day():
    zone = "Europe/Rome"
    # 23:30 local on 28 March (UTC+1) then 23:30 local on 29 March (UTC+2): consecutive days,
    # though only 23 hours apart.
    first = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)
    second = datetime(2026, 3, 29, 21, 30, tzinfo=UTC)
    assert second - first == timedelta(hours=23)
    streak = after_daily_answer(DayStreak(), local_day(first, zone), True)
    streak = after_daily_answer(streak, local_day(second, zone), True)
    assert streak.current == 2
    # 00:30 local on 31 March, 25 hours later: 30 March was missed.
    third = datetime(2026, 3, 30, 22, 30, tzinfo=UTC)
    assert local_day(third, zone) == date(2026, 3, 31)
    assert streak.live(local_day(third, zone)) == 0
    assert after_daily_answer(streak, local_day(third, zone), True).current == 1


def test_the_same_instant_can_continue_a_streak_in_one_timezone_and_not_another():
    # Answered 2026-11-01 03:30 UTC and 2026-11-02 05:30 UTC (26 hours apart).
    a, b = datetime(2026, 11, 1, 3, 30, tzinfo=UTC), datetime(2026, 11, 2, 5, 30, tzinfo=UTC)
    for zone, continued in (("America/New_York", False), ("Asia/Tokyo", True), ("UTC", True)):
        streak = after_daily_answer(DayStreak(), local_day(a, zone), True)
        assert after_daily_answer(streak, local_day(b, zone), True).current == (
            2 if continued else 1)
    # In New York, 1 Nov 03:30 UTC is still 31 Oct; 2 Nov 05:30 UTC is 2 Nov: a day missed.
    assert local_day(a, "America/New_York") == date(2026, 10, 31)


def test_leaderboard_periods_are_the_last_7_and_30_days():
    today = date(2026, 3, 29)
    assert period_start(today, "week") == date(2026, 3, 23)
    assert period_start(today, "month") == date(2026, 2, 28)
    assert period_start(today, "all") is None
    with pytest.raises(ValueError):
        period_start(today, "decade")


# -- ranks -------------------------------------------------------------------------------------
def test_the_ladder_climbs_and_every_title_is_distinct():
    thresholds = [rung.min_points for rung in LADDER]
    assert thresholds[0] == 0 and thresholds == sorted(set(thresholds))
    assert len({rung.title for rung in LADDER}) == len(LADDER)


@pytest.mark.parametrize(("points", "title", "to_next"), [
    (0, "Meat-Locker Rookie", 500),
    (499, "Meat-Locker Rookie", 1),
    (500, "Sparring Partner", 1_000),
    (7_500, "Italian Stallion", 7_500),
    (60_000, "Legend of the Art Museum Steps", None),
    (10**9, "Legend of the Art Museum Steps", None),
])
def test_rank_for_points(points, title, to_next):
    standing = rank_for(points)
    assert standing.rank.title == title
    assert standing.points_to_next(points) == to_next


# -- pools, picking and shuffling --------------------------------------------------------------
def test_a_question_needs_every_film_it_names_enabled_and_franchise_is_always_allowed():
    both = question("both", ("Rocky IV", "Creed II"))
    franchise = question("series", ("Franchise",))
    assert question_allowed(both, {"Rocky IV", "Creed II"})
    assert not question_allowed(both, {"Rocky IV"})  # it would spoil Creed II
    assert question_allowed(franchise, set())


def test_the_pool_filters_by_film_and_difficulty():
    qs = [question("a", ("Rocky",), "easy"), question("b", ("Rocky",), "hard"),
          question("c", ("Creed",), "easy"), question("d", ("Franchise",), "easy")]
    ids = lambda pool: [q.id for q in pool]  # noqa: E731
    assert ids(question_pool(qs, {"Rocky"})) == ["a", "b", "d"]
    assert ids(question_pool(qs, {"Rocky", "Creed"}, film="Creed")) == ["c"]
    assert ids(question_pool(qs, {"Rocky"}, difficulty="easy")) == ["a", "d"]
    assert ids(question_pool(qs, {"Rocky"}, film="Franchise")) == ["d"]


def test_picking_never_repeats_until_the_pool_is_used_up():
    rng = random.Random(3)
    pool = [f"q{i}" for i in range(7)]
    used: set[str] = set()
    seen = []
    for _ in range(7):
        pick = choose_unused(pool, used, rng)
        assert pick is not None and not pick.recycled
        used.add(pick.question_id)
        seen.append(pick.question_id)
    assert sorted(seen) == sorted(pool)
    again = choose_unused(pool, used, rng)
    assert again is not None and again.recycled


def test_picking_respects_the_exclusions_and_gives_up_when_nothing_is_left():
    rng = random.Random(1)
    assert choose_unused(["a", "b"], {"a", "b"}, rng, exclude={"a"}).question_id == "b"
    assert choose_unused(["a"], set(), rng, exclude={"a"}) is None
    assert choose_unused([], set(), rng) is None


def test_shuffling_points_at_the_answer_and_moves_it_around():
    q = question("x", answer_at=0)  # packs often list the answer first
    positions = Counter()
    for seed in range(200):
        shuffle = shuffle_options(q, random.Random(seed))
        assert shuffle.shown(q)[shuffle.correct] == q.answer
        assert sorted(shuffle.order) == [0, 1, 2, 3]
        positions[shuffle.correct] += 1
    assert set(positions) == {0, 1, 2, 3} and min(positions.values()) > 25
    one = shuffle_options(q, random.Random(42))
    assert one == shuffle_options(q, random.Random(42))  # a seeded rng repeats itself
    assert type(one).decode(one.encode(), one.correct) == one


# -- game decisions ----------------------------------------------------------------------------
@pytest.mark.parametrize(("counts", "ends"), [
    ([], False), ([0], False), ([1, 0], False), ([0, 0], True), ([3, 0, 0], True),
    ([0, 0, 1], False), ([2, 0, 1, 0, 0], True),
])
def test_a_game_ends_by_itself_after_two_unanswered_questions(counts, ends):
    assert ends_for_silence(counts) is ends


def test_a_game_resumes_after_a_quick_restart_and_closes_after_a_long_one():
    bell = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)
    assert resumes_after_restart(bell - timedelta(seconds=5), bell)
    assert resumes_after_restart(bell + timedelta(minutes=10), bell)
    assert not resumes_after_restart(bell + timedelta(minutes=10, seconds=1), bell)


def test_settings_are_clamped_to_the_supported_range():
    assert clamp_settings(0, 5) == (1, 10)
    assert clamp_settings(50, 600) == (20, 60)
    assert clamp_settings(7, 25) == (7, 25)


def test_standings_rank_by_points_then_right_answers_and_share_ties():
    ranked = rank_scores([Score(1, 300, 2, 3), Score(2, 450, 3, 3), Score(3, 300, 2, 2),
                          Score(4, 300, 1, 3), Score(5, 0, 0, 1)])
    assert [(place, s.user_id) for place, s in ranked] == [
        (1, 2), (2, 1), (2, 3), (4, 4), (5, 5)]
