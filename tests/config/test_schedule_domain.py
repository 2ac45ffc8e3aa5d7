"""When a daily post is due, with a controlled clock: DST, restarts, downtime, timezones."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    CATCH_UP_WINDOW,
    Action,
    canonical_timezone,
    decide,
    due_at,
    format_daily_time,
    load_timezone,
    parse_daily_time,
)

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")
NINE = time(9, 0)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at_local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


# -- the basic day -----------------------------------------------------------------------------
def test_before_the_time_it_waits_for_today_and_at_the_time_it_posts_for_today():
    before = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 3),
                    now=at_local(NEW_YORK, 2024, 6, 4, 8, 59))
    assert before.action is Action.WAIT
    assert before.next_due == at_local(NEW_YORK, 2024, 6, 4, 9, 0)
    on_time = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 3),
                     now=at_local(NEW_YORK, 2024, 6, 4, 9, 0))
    assert (on_time.action, on_time.day) == (Action.POST, date(2024, 6, 4))
    assert on_time.next_due == at_local(NEW_YORK, 2024, 6, 5, 9, 0)


def test_once_posted_it_waits_for_tomorrow():
    after = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 4),
                   now=at_local(NEW_YORK, 2024, 6, 4, 9, 1))
    assert after.action is Action.WAIT
    assert after.next_due == at_local(NEW_YORK, 2024, 6, 5, 9, 0)


# -- restarts ----------------------------------------------------------------------------------
def test_restart_before_the_post_time_posts_at_the_time_not_at_start():
    # Posted yesterday; the bot restarts at 07:00 and ticks every minute from then.
    last = date(2024, 6, 3)
    start = at_local(NEW_YORK, 2024, 6, 4, 7, 0)
    posted_at = None
    for minute in range(0, 180):
        now = start + timedelta(minutes=minute)
        decision = decide(zone=NEW_YORK, at=NINE, last_posted_day=last, now=now)
        if decision.action is Action.POST:
            posted_at, last = now, decision.day
    assert posted_at == at_local(NEW_YORK, 2024, 6, 4, 9, 0)
    assert last == date(2024, 6, 4)


def test_restart_after_the_post_went_out_does_not_post_again():
    posted_at = at_local(NEW_YORK, 2024, 6, 4, 9, 0)
    for minutes_after in (1, 30, 60 * 5, 60 * 14):
        decision = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 4),
                          now=posted_at + timedelta(minutes=minutes_after))
        assert decision.action is Action.WAIT, minutes_after


# -- downtime and the catch-up window ----------------------------------------------------------
@pytest.mark.parametrize("late", [timedelta(minutes=1), timedelta(hours=1, minutes=30),
                                  CATCH_UP_WINDOW])
def test_downtime_shorter_than_the_window_sends_the_missed_post_once(late):
    now = at_local(NEW_YORK, 2024, 6, 4, 9, 0) + late
    decision = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 3), now=now)
    assert (decision.action, decision.day) == (Action.POST, date(2024, 6, 4))
    again = decide(zone=NEW_YORK, at=NINE, last_posted_day=decision.day,
                   now=now + timedelta(minutes=1))
    assert again.action is Action.WAIT


@pytest.mark.parametrize("late", [CATCH_UP_WINDOW + timedelta(seconds=1), timedelta(hours=8),
                                  timedelta(hours=23)])
def test_downtime_longer_than_the_window_skips_that_day_and_resumes_tomorrow(late):
    now = at_local(NEW_YORK, 2024, 6, 4, 9, 0) + late
    decision = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 3), now=now)
    assert (decision.action, decision.day) == (Action.SKIP, date(2024, 6, 4))
    assert decision.next_due == at_local(NEW_YORK, 2024, 6, 5, 9, 0)
    tomorrow = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 3),
                      now=decision.next_due)
    assert (tomorrow.action, tomorrow.day) == (Action.POST, date(2024, 6, 5))


def test_downtime_of_several_days_posts_only_today_never_a_backlog():
    now = at_local(NEW_YORK, 2024, 6, 10, 10, 0)
    decision = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 6, 1), now=now)
    assert (decision.action, decision.day) == (Action.POST, date(2024, 6, 10))


def test_a_late_evening_post_missed_before_midnight_is_caught_up_after_it():
    late = time(23, 30)
    now = at_local(NEW_YORK, 2024, 6, 5, 0, 45)  # 1 h 15 after the 23:30 slot of June 4
    decision = decide(zone=NEW_YORK, at=late, last_posted_day=date(2024, 6, 3), now=now)
    assert (decision.action, decision.day) == (Action.POST, date(2024, 6, 4))
    # That evening, June 5's own post still goes out.
    evening = decide(zone=NEW_YORK, at=late, last_posted_day=date(2024, 6, 4),
                     now=at_local(NEW_YORK, 2024, 6, 5, 23, 30))
    assert (evening.action, evening.day) == (Action.POST, date(2024, 6, 5))


def test_a_post_turned_on_after_its_time_today_goes_out_within_the_window_only():
    soon = decide(zone=LONDON, at=NINE, last_posted_day=None,
                  now=at_local(LONDON, 2024, 6, 4, 10, 0))
    assert (soon.action, soon.day) == (Action.POST, date(2024, 6, 4))
    later = decide(zone=LONDON, at=NINE, last_posted_day=None,
                   now=at_local(LONDON, 2024, 6, 4, 15, 0))
    assert later.action is Action.SKIP


# -- daylight saving time ----------------------------------------------------------------------
def test_the_post_follows_local_time_across_the_spring_change():
    # New York moves from UTC-5 to UTC-4 on 2024-03-10: 09:00 is 14:00 UTC, then 13:00 UTC.
    assert due_at(date(2024, 3, 9), NINE, NEW_YORK) == utc(2024, 3, 9, 14, 0)
    assert due_at(date(2024, 3, 10), NINE, NEW_YORK) == utc(2024, 3, 10, 13, 0)
    # 23 hours after yesterday's post it is already due (not 24).
    early = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 3, 9),
                   now=utc(2024, 3, 10, 12, 59))
    assert early.action is Action.WAIT
    due = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 3, 9),
                 now=utc(2024, 3, 10, 13, 0))
    assert (due.action, due.day) == (Action.POST, date(2024, 3, 10))


def test_the_post_follows_local_time_across_the_autumn_change():
    assert due_at(date(2024, 11, 2), NINE, NEW_YORK) == utc(2024, 11, 2, 13, 0)
    assert due_at(date(2024, 11, 3), NINE, NEW_YORK) == utc(2024, 11, 3, 14, 0)
    # 24 hours after Saturday's post it is not yet 09:00 on Sunday.
    waiting = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 11, 2),
                     now=utc(2024, 11, 3, 13, 0))
    assert waiting.action is Action.WAIT
    assert waiting.next_due == utc(2024, 11, 3, 14, 0)


def _simulate(zone: ZoneInfo, at: time, start: datetime, end: datetime,
              step: timedelta = timedelta(minutes=1)) -> dict[date, datetime]:
    """Tick from start to end; return when each local day was posted (asserting once each).

    The day the run starts in counts as posted already, so the first post is a due one.
    """
    posted: dict[date, datetime] = {}
    last: date | None = start.astimezone(zone).date()
    now = start
    while now < end:
        decision = decide(zone=zone, at=at, last_posted_day=last, now=now)
        if decision.action is Action.POST:
            assert decision.day not in posted, f"posted twice for {decision.day}"
            posted[decision.day] = now
            last = decision.day
        now += step
    return posted


def test_a_time_in_the_spring_gap_posts_once_just_after_the_gap():
    # 02:30 does not exist in New York on 2024-03-10 (02:00 jumps to 03:00).
    posted = _simulate(NEW_YORK, time(2, 30), utc(2024, 3, 8, 12), utc(2024, 3, 11, 23))
    assert sorted(posted) == [date(2024, 3, 9), date(2024, 3, 10), date(2024, 3, 11)]
    assert posted[date(2024, 3, 10)] == utc(2024, 3, 10, 7, 30)  # 03:30 EDT
    assert posted[date(2024, 3, 10)].astimezone(NEW_YORK).hour == 3


def test_a_time_in_the_repeated_autumn_hour_posts_once_the_first_time():
    # 01:30 happens twice in New York on 2024-11-03 (EDT, then EST).
    posted = _simulate(NEW_YORK, time(1, 30), utc(2024, 11, 1, 12), utc(2024, 11, 4, 23))
    assert sorted(posted) == [date(2024, 11, 2), date(2024, 11, 3), date(2024, 11, 4)]
    assert posted[date(2024, 11, 3)] == utc(2024, 11, 3, 5, 30)  # 01:30 EDT, not 01:30 EST


@pytest.mark.parametrize("zone_name", ["America/New_York", "Europe/London", "Australia/Sydney",
                                       "Asia/Kolkata", "Pacific/Chatham"])
def test_a_whole_year_of_ticks_posts_exactly_once_every_local_day_never_early(zone_name):
    zone = ZoneInfo(zone_name)
    step = timedelta(minutes=10)
    at = time(9, 5)
    start, end = utc(2024, 1, 1), utc(2025, 1, 1)
    posted = _simulate(zone, at, start, end, step)
    first, last = min(posted), max(posted)
    assert len(posted) == (last - first).days + 1  # no day missing
    for day, when in posted.items():
        due = due_at(day, at, zone)
        assert due <= when < due + step, (day, when, due)


# -- two servers -------------------------------------------------------------------------------
def test_two_servers_in_different_timezones_post_at_their_own_local_time():
    now = utc(2024, 6, 1, 0, 0)  # 09:00 in Tokyo; 20:00 the evening before in New York
    tokyo = decide(zone=TOKYO, at=NINE, last_posted_day=date(2024, 5, 31), now=now)
    new_york = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 5, 31), now=now)
    assert (tokyo.action, tokyo.day) == (Action.POST, date(2024, 6, 1))
    assert (new_york.action, new_york.day) == (Action.WAIT, date(2024, 5, 31))
    assert new_york.next_due == utc(2024, 6, 1, 13, 0)
    later = decide(zone=NEW_YORK, at=NINE, last_posted_day=date(2024, 5, 31),
                   now=new_york.next_due)
    assert (later.action, later.day) == (Action.POST, date(2024, 6, 1))


def test_random_downtime_never_double_posts_and_catches_up_only_within_the_window():
    rng = random.Random(20240310)
    zone, at, step = NEW_YORK, time(9, 0), timedelta(minutes=5)
    now, end = utc(2024, 3, 1), utc(2024, 5, 1)
    last: date | None = None
    online_ticks: list[datetime] = []
    posts: Counter[date] = Counter()
    while now < end:
        if rng.random() < 0.01:  # the bot goes down for up to a day
            now += timedelta(minutes=rng.randrange(5, 24 * 60))
            continue
        online_ticks.append(now)
        decision = decide(zone=zone, at=at, last_posted_day=last, now=now)
        if decision.action is Action.POST:
            posts[decision.day] += 1
            last = decision.day
        now += step
    assert posts and max(posts.values()) == 1
    # A day is posted exactly when the bot was up at some point within the window after its time.
    day = date(2024, 3, 2)
    while day < date(2024, 4, 30):
        due = due_at(day, at, zone)
        up_in_window = any(due <= t <= due + CATCH_UP_WINDOW for t in online_ticks)
        assert (day in posts) == up_in_window, day
        day += timedelta(days=1)


# -- parsing -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("9:05", time(9, 5)),
                                                (" 23:59 ", time(23, 59)), ("00:00", time(0))])
def test_daily_times_are_parsed_as_24_hour_hh_mm(text, expected):
    assert parse_daily_time(text) == expected
    assert format_daily_time(parse_daily_time(text)) == f"{expected:%H:%M}"


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "nine", "09:5", "9am", "", "12:00:00"])
def test_anything_else_is_refused_with_a_sentence(text):
    with pytest.raises(ValueError, match="HH:MM"):
        parse_daily_time(text)


def test_timezones_are_matched_ignoring_case_and_unknown_ones_refused():
    assert canonical_timezone("europe/berlin") == "Europe/Berlin"
    assert canonical_timezone("America/New_York") == "America/New_York"
    assert canonical_timezone("Mars/Olympus_Mons") is None
    assert canonical_timezone("") is None
    assert load_timezone("Mars/Olympus_Mons") == ZoneInfo("UTC")  # a stored name that vanished
