"""The quiz repositories on a real SQLite file with a controlled clock: answers (once each,
committed, idempotent), scoring at the reveal, no repeats, the daily question, boards, seasons."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.db import IntegrityViolation
from bot.db.database import positional
from bot.db.repositories import GuildRepository, MemberRepository, PreferencesRepository
from bot.db.repositories import quiz as quiz_repository
from bot.db.repositories.leaderboard import add_result
from bot.db.repositories.quiz import QuizRepository
from bot.domain.leaderboard import MIN_ANSWERS_FOR_ACCURACY, Result
from bot.domain.quiz import DAILY, GAME, AnswerStatus, GameAlreadyRunning, GameStatus, Shuffle
from tests.support.dbaccess import query

T0 = datetime(2026, 3, 28, 18, 0, tzinfo=UTC)
DAY = date(2026, 3, 28)
G, G2, CH = 1, 2, 100
ALICE, BOB, CAROL = 11, 12, 13
SHUFFLE = Shuffle((2, 0, 3, 1), 1)  # shown option 1 is right


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
async def db(database):
    guilds, members = GuildRepository(database), MemberRepository(database)
    for guild in (G, G2):
        await guilds.upsert_present(guild, f"G{guild}", T0)
        for user, name in ((ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")):
            await members.remember(guild, user, name, T0)
    return database


@pytest.fixture()
def clock():
    return Clock(T0)


@pytest.fixture()
def repo(db, clock):
    return QuizRepository(db, clock)


async def new_game(repo, channel=CH, seconds=20, guild=G):
    game = await repo.start_game(guild_id=guild, channel_id=channel, starter_id=ALICE,
                                 film=None, difficulty=None, questions=5, seconds=seconds,
                                 now=T0)
    return game


async def open_round(repo, game, no=1, at=T0, seconds=20, qid=None):
    return await repo.open_round(game.game_id, no, qid or f"q{no}", SHUFFLE, at,
                                 at + timedelta(seconds=seconds))


async def answer(repo, game, no, user, option, at, iid):
    return await repo.record_answer(game_id=game.game_id, round_no=no, guild_id=game.guild_id,
                                    user_id=user, option=option, interaction_id=iid, now=at)


async def reveal(repo, game, no, at, difficulty="medium", films=("Rocky",)):
    return await repo.reveal_round(game.game_id, no, now=at, day=at.date(),
                                   difficulty=difficulty, films=films)


def raw(db, sql, params=()):
    """Read through a separate connection: only committed data is visible there."""
    return query(db.url, sql, params)


# -- answers -----------------------------------------------------------------------------------
async def test_an_answer_is_committed_before_record_answer_returns(db, repo):
    game = await new_game(repo)
    await open_round(repo, game)
    outcome = await answer(repo, game, 1, ALICE, 1, T0 + timedelta(seconds=2), 501)
    assert (outcome.status, outcome.option, outcome.elapsed_ms) == (AnswerStatus.RECORDED, 1,
                                                                      2000)
    assert raw(db, "SELECT user_id, option, correct, interaction_id FROM quiz_answers") == [
        (ALICE, 1, 1, 501)]


async def test_the_first_answer_stands_and_a_second_click_is_refused(db, repo):
    game = await new_game(repo)
    await open_round(repo, game)
    await answer(repo, game, 1, BOB, 3, T0 + timedelta(seconds=1), 601)
    again = await answer(repo, game, 1, BOB, 1, T0 + timedelta(seconds=2), 602)
    assert (again.status, again.option) == (AnswerStatus.ALREADY_ANSWERED, 3)
    assert raw(db, "SELECT option FROM quiz_answers WHERE user_id = $1", (BOB,)) == [(3,)]


async def test_the_database_itself_refuses_a_second_answer_for_the_same_question(db, repo):
    game = await new_game(repo)
    await open_round(repo, game)
    await answer(repo, game, 1, CAROL, 0, T0, 701)
    with pytest.raises(IntegrityViolation, match="quiz_answers"):
        await db.execute_write(
            "INSERT INTO quiz_answers (game_id, round_no, guild_id, user_id, option, correct, "
            "elapsed_ms, interaction_id, answered_at) VALUES ($1, 1, $2, $3, 2, 0, 5, 702, $4)",
            (game.game_id, G, CAROL, T0.isoformat()))


async def test_a_replayed_interaction_is_recognised_and_never_recorded_twice(db, repo):
    game = await new_game(repo)
    await open_round(repo, game)
    first = await answer(repo, game, 1, ALICE, 1, T0, 801)
    replay = await answer(repo, game, 1, ALICE, 1, T0 + timedelta(seconds=1), 801)
    assert (first.status, replay.status) == (AnswerStatus.RECORDED, AnswerStatus.REPLAY)
    assert raw(db, "SELECT COUNT(*) FROM quiz_answers") == [(1,)]


async def test_answers_after_the_bell_or_after_the_game_do_not_count(repo):
    game = await new_game(repo)
    await open_round(repo, game, seconds=20)
    bell = T0 + timedelta(seconds=20)
    on_time = await answer(repo, game, 1, ALICE, 1, bell, 901)  # the bell itself still counts
    late = await answer(repo, game, 1, BOB, 1, bell + timedelta(microseconds=1), 902)
    assert (on_time.status, late.status) == (AnswerStatus.RECORDED, AnswerStatus.CLOSED)
    await reveal(repo, game, 1, bell)
    assert (await answer(repo, game, 1, CAROL, 1, T0, 903)).status is AnswerStatus.CLOSED
    await repo.end_game(game.game_id, GameStatus.FINISHED, "done", bell)
    assert (await answer(repo, game, 1, CAROL, 1, T0, 904)).status is AnswerStatus.GAME_ENDED
    assert (await answer(repo, game, 9, CAROL, 1, T0, 905)).status is AnswerStatus.GAME_ENDED


async def test_a_click_from_another_server_is_refused(repo):
    game = await new_game(repo)
    await open_round(repo, game)
    outcome = await repo.record_answer(game_id=game.game_id, round_no=1, guild_id=G2,
                                       user_id=ALICE, option=1, interaction_id=1001, now=T0)
    assert outcome.status is AnswerStatus.GAME_ENDED


# -- scoring at the reveal ---------------------------------------------------------------------
async def test_the_reveal_scores_by_the_formula_with_the_recorded_times(repo):
    game = await new_game(repo)
    await open_round(repo, game, seconds=20)
    await answer(repo, game, 1, ALICE, 1, T0 + timedelta(seconds=5), 1101)   # right, 5 s
    await answer(repo, game, 1, BOB, 0, T0 + timedelta(seconds=1), 1102)     # wrong
    await answer(repo, game, 1, CAROL, 1, T0 + timedelta(seconds=20), 1103)  # right, at the bell
    result = await reveal(repo, game, 1, T0 + timedelta(seconds=20), difficulty="hard")
    points = {a.display_name: a.points for a in result.answers}
    assert points == {"alice": 200 + 37, "bob": 0, "carol": 200}
    assert [a.display_name for a in result.answers] == ["bob", "alice", "carol"]  # fastest first
    assert [a.display_name for a in result.right] == ["alice", "carol"]


async def test_revealing_twice_scores_once(repo):
    game = await new_game(repo)
    await open_round(repo, game)
    await answer(repo, game, 1, ALICE, 1, T0, 1201)
    first = await reveal(repo, game, 1, T0 + timedelta(seconds=20))
    second = await reveal(repo, game, 1, T0 + timedelta(seconds=30))
    assert first.answers == second.answers
    stats = await repo.leaderboards.member_stats(G, ALICE)
    assert (stats.points, stats.answered) == (200, 1)


async def test_streak_bonus_follows_the_answers_in_a_row_across_questions(repo):
    game = await new_game(repo)
    gains = []
    for no, option in enumerate((1, 1, 1, 0, 1), start=1):
        start = T0 + timedelta(minutes=no)
        await open_round(repo, game, no, at=start, seconds=20)
        await answer(repo, game, no, ALICE, option, start + timedelta(seconds=20), 1300 + no)
        result = await reveal(repo, game, no, start + timedelta(seconds=20), difficulty="easy")
        gains.append(result.answers[0].points)
    # At the bell: no speed bonus. Streak bonus 0, 10, 20, then the miss, then 0 again.
    assert gains == [100, 110, 120, 0, 100]
    stats = await repo.leaderboards.member_stats(G, ALICE)
    assert (stats.streak, stats.best_streak, stats.answered, stats.correct) == (1, 3, 5, 4)
    scores = await repo.standings(game.game_id)
    assert [(s.display_name, s.score.points, s.score.correct) for s in scores] == [
        ("alice", 430, 4)]


# -- games -------------------------------------------------------------------------------------
async def test_one_running_game_per_channel_is_enforced_by_the_database(repo):
    game = await new_game(repo)
    with pytest.raises(GameAlreadyRunning):
        await new_game(repo)
    other_channel = await new_game(repo, channel=CH + 1)
    assert other_channel.running
    assert await repo.end_game(game.game_id, GameStatus.STOPPED, "Stopped by alice.", T0)
    assert not await repo.end_game(game.game_id, GameStatus.STOPPED, "again", T0)
    assert (await new_game(repo)).running
    assert {g.channel_id for g in await repo.running_games()} == {CH, CH + 1}


async def test_answers_per_round_counts_silent_questions_too(repo):
    game = await new_game(repo)
    for no in (1, 2, 3):
        await open_round(repo, game, no)
    await answer(repo, game, 1, ALICE, 1, T0, 1401)
    await answer(repo, game, 1, BOB, 1, T0, 1402)
    assert await repo.answers_per_round(game.game_id) == [2, 0, 0]
    assert await repo.count_answers(game.game_id, 1) == 2


# -- no repeats --------------------------------------------------------------------------------
async def test_questions_do_not_repeat_until_the_pool_is_used_up_even_across_restarts(db, clock):
    pool = ["a", "b", "c"]
    seen = []
    for _ in range(3):
        repo = QuizRepository(db, clock)  # a new repository each time: the state is persisted
        pick = await repo.claim_question(G, GAME, pool, random.Random(len(seen)))
        assert not pick.recycled
        seen.append(pick.question_id)
    assert sorted(seen) == pool
    fourth = await QuizRepository(db, clock).claim_question(G, GAME, pool, random.Random(9))
    assert fourth.recycled
    assert await QuizRepository(db, clock).used_questions(G, GAME) == {fourth.question_id}


async def test_each_filter_has_its_own_cycle_and_servers_do_not_share_one(repo):
    easy, hard = ["e1", "e2"], ["h1", "h2", "h3"]
    await repo.claim_question(G, GAME, hard, random.Random(0))
    for _ in range(3):  # uses up the easy pool and starts it again
        await repo.claim_question(G, GAME, easy, random.Random(1))
    used = await repo.used_questions(G, GAME)
    assert len(used & set(hard)) == 1  # the hard question seen earlier is still remembered
    assert await repo.used_questions(G2, GAME) == set()
    assert await repo.used_questions(G, DAILY) == set()


async def test_a_game_never_asks_the_same_question_twice_even_when_recycling(repo):
    pick = await repo.claim_question(G, GAME, ["a", "b"], random.Random(0), exclude=["a", "b"])
    assert pick is None
    pick = await repo.claim_question(G, GAME, ["a", "b"], random.Random(0), exclude=["a"])
    assert pick.question_id == "b"


# -- the daily question ------------------------------------------------------------------------
def _fixed_shuffle(qid):
    return SHUFFLE


async def test_the_daily_question_is_the_same_for_everyone_and_new_the_next_day(repo):
    pool = ["d1", "d2", "d3"]
    first = await repo.ensure_daily_question(G, DAY, pool, random.Random(1), _fixed_shuffle)
    again = await repo.ensure_daily_question(G, DAY, pool, random.Random(2), _fixed_shuffle)
    assert first == again
    other_server = await repo.ensure_daily_question(G2, DAY, pool, random.Random(3),
                                                    _fixed_shuffle)
    assert other_server.guild_id == G2
    days = [first.question_id]
    for n in (1, 2):
        days.append((await repo.ensure_daily_question(
            G, DAY + timedelta(days=n), pool, random.Random(n), _fixed_shuffle)).question_id)
    assert sorted(days) == pool  # no repeats until the pool is used up


async def _daily(repo, day, user, option, iid, difficulty="easy"):
    question = await repo.ensure_daily_question(G, day, ["d1", "d2", "d3", "d4"],
                                                random.Random(day.toordinal()), _fixed_shuffle)
    return await repo.record_daily_answer(
        question=question, user_id=user, option=option, interaction_id=iid,
        difficulty=difficulty, films=("Rocky",),
        now=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12))


async def test_the_daily_is_answered_once_with_a_day_streak_and_streak_points(repo):
    first = await _daily(repo, DAY, ALICE, 1, 2001)
    assert (first.status, first.answer.day_streak, first.answer.points) == (
        AnswerStatus.RECORDED, 1, 100)
    again = await _daily(repo, DAY, ALICE, 0, 2002)
    assert (again.status, again.answer.option) == (AnswerStatus.ALREADY_ANSWERED, 1)
    replay = await _daily(repo, DAY, ALICE, 1, 2001)
    assert replay.status is AnswerStatus.REPLAY
    second = await _daily(repo, DAY + timedelta(days=1), ALICE, 1, 2003)
    assert (second.answer.day_streak, second.answer.points) == (2, 110)
    # A day missed: the streak starts again, with no bonus.
    fourth = await _daily(repo, DAY + timedelta(days=3), ALICE, 1, 2004)
    assert (fourth.answer.day_streak, fourth.answer.points, fourth.best_day_streak) == (1, 100, 2)
    wrong = await _daily(repo, DAY + timedelta(days=4), ALICE, 3, 2005)
    assert (wrong.answer.correct, wrong.answer.day_streak, wrong.answer.points) == (False, 0, 0)
    streak = await repo.day_streak(G, ALICE)
    assert (streak.current, streak.best) == (0, 2)


async def test_the_recap_counts_who_got_a_day_right(repo):
    await _daily(repo, DAY, ALICE, 1, 2101)
    await _daily(repo, DAY, BOB, 0, 2102)
    await _daily(repo, DAY, CAROL, 1, 2103)
    recap = await repo.daily_recap(G, DAY)
    assert (recap.answered, recap.correct) == (3, 2)
    assert await repo.daily_recap(G, DAY - timedelta(days=1)) is None


async def test_a_big_reveal_is_scored_in_chunks_each_answer_once_and_resumes_after_a_crash(
        db, repo, monkeypatch):
    monkeypatch.setattr(quiz_repository, "SCORE_CHUNK", 2)
    members = MemberRepository(db)
    fans = list(range(100, 107))
    for fan in fans:
        await members.remember(G, fan, f"fan{fan}", T0)
    game = await new_game(repo)
    await open_round(repo, game)
    for i, fan in enumerate(fans):
        await answer(repo, game, 1, fan, i % 2, T0 + timedelta(seconds=1 + i), 700 + i)
    at = T0 + timedelta(seconds=25)
    # A crash after the first chunk: one unit committed, the round not yet revealed.
    partial_result = await db.write(lambda conn: quiz_repository._reveal_round(
        conn, game_id=game.game_id, round_no=1, now=at, day=at.date(), difficulty="medium",
        films=("Rocky",)))
    assert partial_result is None
    assert raw(db, "SELECT COUNT(*) FROM quiz_answers WHERE points IS NOT NULL") == [(2,)]
    assert raw(db, "SELECT revealed_at FROM quiz_rounds") == [(None,)]
    result = await reveal(repo, game, 1, at)
    assert result.round.revealed_at == at and len(result.answers) == len(fans)
    assert raw(db, "SELECT COUNT(*) FROM quiz_answers WHERE points IS NULL") == [(0,)]
    # Every answer counted once in the totals, however many units scored the round.
    assert raw(db, "SELECT SUM(answered) FROM quiz_member_stats") == [(len(fans),)]
    assert raw(db, "SELECT SUM(points) FROM quiz_member_stats") == raw(
        db, "SELECT SUM(points) FROM quiz_answers")
    again = await reveal(repo, game, 1, at + timedelta(seconds=5))
    assert again == result


# -- boards, stats and seasons -----------------------------------------------------------------
async def _score(db, guild, user, points, *, day=DAY, correct=True, season=1, films=("Rocky",),
                 streak=0):
    await db.write(lambda conn: add_result(
        conn, Result(guild, user, day, films, points, correct), season, answer_streak=streak))


async def test_server_board_orders_pages_and_names_members_as_last_seen(db, repo):
    members = MemberRepository(db)
    for i in range(25):
        await members.remember(G, 1000 + i, f"fan{i:02}", T0)
        await _score(db, G, 1000 + i, 10 * i)
    # A member who left the server: still on the board, under the name last seen.
    await members.remember(G, 1024, "Apollo", T0)
    page1 = await repo.leaderboards.board(scope="server", guild_id=G, since=None)
    assert (page1.page, page1.pages, page1.total, page1.season) == (1, 3, 25, 1)
    assert [r.display_name for r in page1.rows[:2]] == ["Apollo", "fan23"]
    page3 = await repo.leaderboards.board(scope="server", guild_id=G, since=None, page=3)
    assert [r.position for r in page3.rows] == [21, 22, 23, 24, 25]
    assert page3.rows[-1].points == 0
    beyond = await repo.leaderboards.board(scope="server", guild_id=G, since=None, page=99)
    assert beyond.page == 3


async def test_accuracy_needs_enough_answers_and_streak_sorts_by_best_streak(db, repo):
    for _ in range(MIN_ANSWERS_FOR_ACCURACY):
        await _score(db, G, ALICE, 100, correct=True)
    await _score(db, G, ALICE, 0, correct=False)
    await _score(db, G, BOB, 100, correct=True, streak=7)  # 1 of 1: too few to rank by accuracy
    accuracy = await repo.leaderboards.board(scope="server", guild_id=G, since=None,
                                             sort="accuracy")
    assert [r.display_name for r in accuracy.rows] == ["alice"]
    streak = await repo.leaderboards.board(scope="server", guild_id=G, since=None,
                                           sort="streak")
    assert [r.display_name for r in streak.rows] == ["bob", "alice"]


async def test_week_and_month_count_only_their_days(db, repo):
    await _score(db, G, ALICE, 100, day=DAY)
    await _score(db, G, BOB, 300, day=DAY - timedelta(days=10))
    await _score(db, G, CAROL, 500, day=DAY - timedelta(days=40))
    week = await repo.leaderboards.board(scope="server", guild_id=G,
                                         since=DAY - timedelta(days=6))
    month = await repo.leaderboards.board(scope="server", guild_id=G,
                                          since=DAY - timedelta(days=29))
    everything = await repo.leaderboards.board(scope="server", guild_id=G, since=None)
    assert [r.display_name for r in week.rows] == ["alice"]
    assert [r.display_name for r in month.rows] == ["bob", "alice"]
    assert [r.display_name for r in everything.rows] == ["carol", "bob", "alice"]


async def test_the_global_board_sums_servers_and_leaves_out_members_who_opted_out(db, repo):
    await _score(db, G, ALICE, 100)
    await _score(db, G2, ALICE, 150)
    await _score(db, G, BOB, 200)
    await _score(db, G2, CAROL, 50)
    await PreferencesRepository(db).set(BOB, global_leaderboard=False)
    world = await repo.leaderboards.board(scope="global", guild_id=G, since=None)
    assert [(r.display_name, r.points) for r in world.rows] == [("alice", 250), ("carol", 50)]
    week = await repo.leaderboards.board(scope="global", guild_id=G,
                                         since=DAY - timedelta(days=6))
    assert [r.display_name for r in week.rows] == ["alice", "carol"]
    home = await repo.leaderboards.board(scope="server", guild_id=G, since=None)
    assert [r.display_name for r in home.rows] == ["bob", "alice"]  # still on their server's


async def test_stats_show_points_accuracy_streaks_and_the_favourite_film(db, repo):
    await _score(db, G, ALICE, 150, films=("Rocky IV", "Franchise"), streak=1)
    await _score(db, G, ALICE, 160, films=("Rocky IV",), streak=2)
    await _score(db, G, ALICE, 0, films=("Creed",), correct=False)
    await _score(db, G, BOB, 500)
    stats = await repo.leaderboards.member_stats(G, ALICE)
    assert (stats.points, stats.answered, stats.correct) == (310, 3, 2)
    assert round(stats.accuracy, 3) == 0.667
    assert (stats.streak, stats.best_streak) == (0, 2)
    assert stats.favourite_film == "Rocky IV"
    assert (stats.season, stats.season_points, stats.season_place) == (1, 310, 2)
    assert await repo.leaderboards.member_stats(G, 999) is None


async def test_a_new_season_archives_the_standings_and_starts_an_empty_board(db, repo, clock):
    await _score(db, G, ALICE, 100)
    assert await repo.start_new_season(G) == 2
    assert (await repo.leaderboards.board(scope="server", guild_id=G, since=None)).total == 0
    archived = await repo.leaderboards.board(scope="server", guild_id=G, since=None, season=1)
    assert [(r.display_name, r.points) for r in archived.rows] == [("alice", 100)]
    seasons = await repo.leaderboards.seasons(G)
    assert [(s, ended is not None) for s, _, ended in seasons] == [(1, True), (2, False)]
    # Scoring now counts for season 2; lifetime stats and the global board keep everything.
    game = await new_game(repo)
    await open_round(repo, game)
    await answer(repo, game, 1, ALICE, 1, T0 + timedelta(seconds=20), 3001)
    await reveal(repo, game, 1, T0 + timedelta(seconds=20), difficulty="easy")
    board = await repo.leaderboards.board(scope="server", guild_id=G, since=None)
    assert [(r.display_name, r.points) for r in board.rows] == [("alice", 100)]
    assert (await repo.leaderboards.member_stats(G, ALICE)).points == 200
    assert await repo.start_new_season(G2) == 2  # a server that never played starts at 1
    assert await repo.start_new_season(G) == 3


async def test_each_finished_season_keeps_its_champion_for_the_belt(db, repo):
    boards = repo.leaderboards
    assert await boards.last_champion_id(G) is None  # no season ever ended
    await _score(db, G, ALICE, 100)
    await _score(db, G, BOB, 300)
    await _score(db, G, CAROL, 0, correct=False)
    assert await repo.start_new_season(G) == 2
    champion = await boards.champion(G, 1)
    assert (champion.user_id, champion.display_name, champion.points) == (BOB, "bob", 300)
    assert (champion.answered, champion.correct) == (1, 1)
    assert await boards.last_champion_id(G) == BOB
    assert await boards.last_champion_id(G2) is None  # per server

    # A season where only wrong answers were given has no champion: the belt goes to nobody.
    await _score(db, G, CAROL, 0, correct=False, season=2)
    assert await repo.start_new_season(G) == 3
    assert await boards.champion(G, 2) is None
    assert await boards.last_champion_id(G) is None
    assert (await boards.champion(G, 1)).user_id == BOB  # the older title stays on record

    # A tie on points goes to more right answers, as on the board.
    await _score(db, G, ALICE, 200, season=3)
    await _score(db, G, CAROL, 100, season=3)
    await _score(db, G, CAROL, 100, season=3)
    await _score(db, G, BOB, 200, correct=False, season=3)
    assert await repo.start_new_season(G) == 4
    assert (await boards.champion(G, 3)).user_id == CAROL
    assert await boards.last_champion_id(G) == CAROL

    # A champion who deletes their data leaves no trace in the record.
    await db.execute_write("DELETE FROM members WHERE guild_id = $1 AND user_id = $2", (G, CAROL))
    assert await boards.champion(G, 3) is None
    assert raw(db, "SELECT COUNT(*) FROM quiz_season_champions WHERE user_id = $1",
               (CAROL,)) == [(0,)]


async def test_deleting_a_member_removes_their_quiz_data_and_keeps_the_game(db, repo):
    game = await new_game(repo)
    await open_round(repo, game)
    await answer(repo, game, 1, ALICE, 1, T0, 4001)
    await answer(repo, game, 1, BOB, 1, T0, 4002)
    await reveal(repo, game, 1, T0 + timedelta(seconds=20))
    await _daily(repo, DAY, ALICE, 1, 4003)
    await db.execute_write("DELETE FROM members WHERE guild_id = $1 AND user_id = $2", (G, ALICE))
    for table in ("quiz_answers", "quiz_daily_answers", "quiz_member_stats",
                  "quiz_season_totals", "quiz_day_totals", "quiz_film_totals"):
        assert raw(db, f"SELECT COUNT(*) FROM {table} WHERE user_id = $1", (ALICE,)) == [(0,)]
    assert raw(db, "SELECT COUNT(*) FROM quiz_answers WHERE user_id = $1", (BOB,)) == [(1,)]
    assert raw(db, "SELECT status, starter_guild_id, starter_id FROM quiz_games") == [
        ("running", None, None)]


def _plans(db, sql, params):
    """SQLite's query plan (PostgreSQL's planner picks by statistics: only the SQL is checked)."""
    if db.backend != "sqlite":
        return ""
    text, args = positional(sql, params)
    return " | ".join(row[3] for row in query(db.url, f"EXPLAIN QUERY PLAN {text}", args))


async def test_boards_and_stats_read_maintained_totals_never_the_answers(db, repo, monkeypatch):
    """Their cost depends on members and days, not on how many answers were ever recorded."""
    seen: list[tuple[str, object]] = []
    fetch_all, fetch_one = db.fetch_all, db.fetch_one

    async def spy_all(sql, params=()):
        seen.append((sql, params))
        return await fetch_all(sql, params)

    async def spy_one(sql, params=()):
        seen.append((sql, params))
        return await fetch_one(sql, params)

    monkeypatch.setattr(db, "fetch_all", spy_all)
    monkeypatch.setattr(db, "fetch_one", spy_one)
    await _score(db, G, ALICE, 100)
    for scope in ("server", "global"):
        for since in (None, DAY - timedelta(days=6)):
            for sort in ("points", "accuracy", "streak"):
                await repo.leaderboards.board(scope=scope, guild_id=G, since=since, sort=sort)
    await repo.leaderboards.member_stats(G, ALICE)
    assert seen
    for sql, params in seen:
        plan = _plans(db, sql, params)
        assert "quiz_answers" not in sql and "quiz_daily_answers" not in sql
        # Server boards and stats go straight to their rows through a key or an index.
        if "quiz_member_stats GROUP BY" not in sql and "WHERE day >=" not in sql:
            assert "SCAN quiz_" not in plan, (sql, plan)
