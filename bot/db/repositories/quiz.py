"""Quiz games, their questions and answers, and the daily question: all the quiz's SQL but the
leaderboards (leaderboard.py). Answers are committed before anyone is told they counted."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial

from bot.db.database import Connection, Database, Row
from bot.db.errors import IntegrityViolation
from bot.db.repositories.leaderboard import (
    LeaderboardRepository,
    Result,
    add_result,
    member_streaks,
    season_of,
)
from bot.domain.quiz import (
    DAILY,
    AnswerContext,
    AnswerOutcome,
    AnswerStatus,
    DailyAnswer,
    DailyOutcome,
    DailyQuestion,
    DailyRecap,
    Game,
    GameAlreadyRunning,
    GameScore,
    GameStatus,
    Pick,
    RevealedAnswer,
    Round,
    RoundResult,
    Score,
    Shuffle,
    choose_unused,
    judge_answer,
)
from bot.domain.scoring import answer_points, daily_points
from bot.domain.streaks import DayStreak, after_daily_answer, next_answer_streak


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


# How each backend names the partial unique index's violation (SQLite: by its columns).
_ONE_RUNNING_PER_CHANNEL = ("quiz_games.channel_id", "quiz_games_one_running_per_channel")


_GAME_COLUMNS = ("game_id, guild_id, channel_id, starter_id, film, difficulty, question_count, "
                 "seconds, status, end_reason, started_at, ended_at")
_ROUND_COLUMNS = ("game_id, round_no, question_id, option_order, correct_option, message_id, "
                  "opened_at, closes_at, revealed_at")


def _game(row: Row) -> Game:
    return Game(int(row["game_id"]), int(row["guild_id"]), int(row["channel_id"]),
                row["starter_id"], row["film"], row["difficulty"], int(row["question_count"]),
                int(row["seconds"]), GameStatus(row["status"]), row["end_reason"],
                datetime.fromisoformat(row["started_at"]), _dt(row["ended_at"]))


def _round(row: Row) -> Round:
    return Round(int(row["game_id"]), int(row["round_no"]), row["question_id"],
                 Shuffle.decode(row["option_order"], int(row["correct_option"])),
                 row["message_id"], datetime.fromisoformat(row["opened_at"]),
                 datetime.fromisoformat(row["closes_at"]), _dt(row["revealed_at"]))


def _daily_question(row: Row) -> DailyQuestion:
    return DailyQuestion(int(row["guild_id"]), date.fromisoformat(row["day"]),
                         row["question_id"],
                         Shuffle.decode(row["option_order"], int(row["correct_option"])))


def _daily_answer(row: Row) -> DailyAnswer:
    return DailyAnswer(int(row["guild_id"]), date.fromisoformat(row["day"]), int(row["user_id"]),
                       int(row["option"]), bool(row["correct"]), int(row["points"]),
                       int(row["day_streak"]))


class QuizRepository:
    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None) -> None:
        self._db = db
        self._clock = clock or _utc_now
        self.leaderboards = LeaderboardRepository(db, self._clock)

    async def start_new_season(self, guild_id: int) -> int:
        """Archive the standings so far as a finished season and start the next one."""
        return await self.leaderboards.start_new_season(guild_id)

    # -- games -------------------------------------------------------------------------------
    async def start_game(
        self, *, guild_id: int, channel_id: int, starter_id: int, film: str | None,
        difficulty: str | None, questions: int, seconds: int, now: datetime,
    ) -> Game:
        try:
            async with self._db.transaction() as conn:
                game_id = int(await conn.fetch_value(
                    "INSERT INTO quiz_games (guild_id, channel_id, starter_guild_id, starter_id, "
                    "film, difficulty, question_count, seconds, started_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING game_id",
                    (guild_id, channel_id, guild_id, starter_id, film, difficulty, questions,
                     seconds, now.isoformat())))
        except IntegrityViolation as exc:
            if exc.constraint in _ONE_RUNNING_PER_CHANNEL:
                raise GameAlreadyRunning(channel_id) from None
            raise
        game = await self.get_game(game_id)
        assert game is not None
        return game

    async def get_game(self, game_id: int) -> Game | None:
        row = await self._db.fetch_one(
            f"SELECT {_GAME_COLUMNS} FROM quiz_games WHERE game_id = $1", (game_id,))
        return None if row is None else _game(row)

    async def running_game_in(self, channel_id: int) -> Game | None:
        row = await self._db.fetch_one(
            f"SELECT {_GAME_COLUMNS} FROM quiz_games WHERE channel_id = $1 AND status = 'running'",
            (channel_id,))
        return None if row is None else _game(row)

    async def running_games(self) -> list[Game]:
        rows = await self._db.fetch_all(
            f"SELECT {_GAME_COLUMNS} FROM quiz_games WHERE status = 'running' ORDER BY game_id")
        return [_game(r) for r in rows]

    async def end_game(self, game_id: int, status: GameStatus, reason: str,
                       now: datetime) -> bool:
        """Mark a running game ended; False if it had already ended."""
        changed = await self._db.execute_write(
            "UPDATE quiz_games SET status = $1, end_reason = $2, ended_at = $3 "
            "WHERE game_id = $4 AND status = 'running'",
            (status.value, reason, now.isoformat(), game_id))
        return changed == 1

    # -- questions ---------------------------------------------------------------------------
    async def claim_question(
        self, guild_id: int, purpose: str, pool_ids: Sequence[str], rng: random.Random,
        exclude: Sequence[str] = (),
    ) -> Pick | None:
        """Pick a question the server has not seen for `purpose` and mark it seen; when the
        pool is used up, forget the pool's questions and start over (never one in `exclude`)."""
        async with self._db.transaction() as conn:
            return await self._claim(conn, guild_id, purpose, pool_ids, rng, exclude)

    async def _claim(self, conn: Connection, guild_id: int, purpose: str,
                     pool_ids: Sequence[str], rng: random.Random,
                     exclude: Sequence[str]) -> Pick | None:
        used = {row[0] for row in await conn.fetch_all(
            "SELECT question_id FROM quiz_used_questions WHERE guild_id = $1 AND purpose = $2",
            (guild_id, purpose))}
        pick = choose_unused(pool_ids, used, rng, exclude)
        if pick is None:
            return None
        if pick.recycled:
            await conn.execute_many(
                "DELETE FROM quiz_used_questions WHERE guild_id = $1 AND purpose = $2 "
                "AND question_id = $3", [(guild_id, purpose, qid) for qid in pool_ids])
        await conn.execute(
            "INSERT INTO quiz_used_questions (guild_id, purpose, question_id, used_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            (guild_id, purpose, pick.question_id, self._clock().isoformat()))
        return pick

    async def used_questions(self, guild_id: int, purpose: str) -> set[str]:
        rows = await self._db.fetch_all(
            "SELECT question_id FROM quiz_used_questions WHERE guild_id = $1 AND purpose = $2",
            (guild_id, purpose))
        return {r["question_id"] for r in rows}

    # -- rounds ------------------------------------------------------------------------------
    async def open_round(self, game_id: int, round_no: int, question_id: str, shuffle: Shuffle,
                         opened_at: datetime, closes_at: datetime) -> Round:
        await self._db.execute_write(
            "INSERT INTO quiz_rounds (game_id, round_no, question_id, option_order, "
            "correct_option, opened_at, closes_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            (game_id, round_no, question_id, shuffle.encode(), shuffle.correct,
             opened_at.isoformat(), closes_at.isoformat()))
        return Round(game_id, round_no, question_id, shuffle, None, opened_at, closes_at, None)

    async def set_round_message(self, game_id: int, round_no: int, message_id: int) -> None:
        await self._db.execute_write(
            "UPDATE quiz_rounds SET message_id = $1 WHERE game_id = $2 AND round_no = $3",
            (message_id, game_id, round_no))

    async def reschedule_round(self, game_id: int, round_no: int, opened_at: datetime,
                               closes_at: datetime) -> None:
        """A question whose message never went out gets a fresh clock when it is posted."""
        await self._db.execute_write(
            "UPDATE quiz_rounds SET opened_at = $1, closes_at = $2 WHERE game_id = $3 "
            "AND round_no = $4 AND revealed_at IS NULL",
            (opened_at.isoformat(), closes_at.isoformat(), game_id, round_no))

    async def rounds(self, game_id: int) -> list[Round]:
        rows = await self._db.fetch_all(
            f"SELECT {_ROUND_COLUMNS} FROM quiz_rounds WHERE game_id = $1 ORDER BY round_no",
            (game_id,))
        return [_round(r) for r in rows]

    async def get_round(self, game_id: int, round_no: int) -> Round | None:
        row = await self._db.fetch_one(
            f"SELECT {_ROUND_COLUMNS} FROM quiz_rounds WHERE game_id = $1 AND round_no = $2",
            (game_id, round_no))
        return None if row is None else _round(row)

    async def answers_per_round(self, game_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT r.round_no, COUNT(a.user_id) AS n FROM quiz_rounds r LEFT JOIN quiz_answers a "
            "ON a.game_id = r.game_id AND a.round_no = r.round_no WHERE r.game_id = $1 "
            "GROUP BY r.round_no ORDER BY r.round_no", (game_id,))
        return [int(r["n"]) for r in rows]

    async def count_answers(self, game_id: int, round_no: int) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM quiz_answers WHERE game_id = $1 AND round_no = $2",
            (game_id, round_no))
        return int(row["n"]) if row else 0

    # -- answers -----------------------------------------------------------------------------
    async def record_answer(
        self, *, game_id: int, round_no: int, guild_id: int, user_id: int, option: int,
        interaction_id: int, now: datetime,
    ) -> AnswerOutcome:
        """Commit a member's answer, or say why it does not count. Returns after the commit
        (answers arriving together share one commit: see Database.write)."""
        return await self._db.write(partial(
            _record_answer, game_id=game_id, round_no=round_no, guild_id=guild_id,
            user_id=user_id, option=option, interaction_id=interaction_id, now=now))

    async def reveal_round(
        self, game_id: int, round_no: int, *, now: datetime, day: date, difficulty: str,
        films: Sequence[str],
    ) -> RoundResult:
        """Close a question and score its answers, once: revealing again changes nothing.

        The answers are scored in units of SCORE_CHUNK, each committed on its own, so a question
        thousands answered holds the writer for milliseconds at a time while other games' clicks
        are committed in between. Scoring is idempotent (only answers without points are
        scored), so a crash in the middle is finished by the next reveal."""
        while True:
            result = await self._db.write(partial(
                _reveal_round, game_id=game_id, round_no=round_no, now=now, day=day,
                difficulty=difficulty, films=tuple(films)))
            if result is not None:
                return result

    async def standings(self, game_id: int) -> list[GameScore]:
        rows = await self._db.fetch_all(
            "SELECT a.user_id, m.display_name, SUM(COALESCE(a.points, 0)) AS points, "
            "SUM(a.correct) AS correct, COUNT(*) AS answered FROM quiz_answers a "
            "JOIN members m ON m.guild_id = a.guild_id AND m.user_id = a.user_id "
            "WHERE a.game_id = $1 GROUP BY a.user_id, m.display_name", (game_id,))
        return [GameScore(Score(int(r["user_id"]), int(r["points"]), int(r["correct"]),
                                int(r["answered"])), r["display_name"]) for r in rows]

    # -- the daily question ------------------------------------------------------------------
    async def daily_question(self, guild_id: int, day: date) -> DailyQuestion | None:
        row = await self._db.fetch_one(
            "SELECT guild_id, day, question_id, option_order, correct_option "
            "FROM quiz_daily_questions WHERE guild_id = $1 AND day = $2",
            (guild_id, day.isoformat()))
        return None if row is None else _daily_question(row)

    async def ensure_daily_question(
        self, guild_id: int, day: date, pool_ids: Sequence[str], rng: random.Random,
        shuffle_for: Callable[[str], Shuffle],
    ) -> DailyQuestion | None:
        """The server's question for `day`, chosen (without repeats) by whoever asks first."""
        existing = await self.daily_question(guild_id, day)
        if existing is not None:
            return existing
        async with self._db.transaction() as conn:
            row = await conn.fetch_one(
                "SELECT guild_id, day, question_id, option_order, correct_option "
                "FROM quiz_daily_questions WHERE guild_id = $1 AND day = $2",
                (guild_id, day.isoformat()))
            if row is not None:  # someone else chose it while we waited for the lock
                return _daily_question(row)
            pick = await self._claim(conn, guild_id, DAILY, pool_ids, rng, ())
            if pick is None:
                return None
            shuffle = shuffle_for(pick.question_id)
            await conn.execute(
                "INSERT INTO quiz_daily_questions (guild_id, day, question_id, option_order, "
                "correct_option) VALUES ($1, $2, $3, $4, $5)",
                (guild_id, day.isoformat(), pick.question_id, shuffle.encode(),
                 shuffle.correct))
        return DailyQuestion(guild_id, day, pick.question_id, shuffle)

    async def daily_answer(self, guild_id: int, day: date, user_id: int) -> DailyAnswer | None:
        row = await self._db.fetch_one(
            "SELECT guild_id, day, user_id, option, correct, points, day_streak "
            "FROM quiz_daily_answers WHERE guild_id = $1 AND day = $2 AND user_id = $3",
            (guild_id, day.isoformat(), user_id))
        return None if row is None else _daily_answer(row)

    async def record_daily_answer(
        self, *, question: DailyQuestion, user_id: int, option: int, interaction_id: int,
        difficulty: str, films: Sequence[str], now: datetime,
    ) -> DailyOutcome:
        """Commit a member's daily answer with its points and day streak, once per day."""
        return await self._db.write(partial(
            _record_daily_answer, question=question, user_id=user_id, option=option,
            interaction_id=interaction_id, difficulty=difficulty, films=tuple(films), now=now))

    async def day_streak(self, guild_id: int, user_id: int) -> DayStreak:
        row = await self._db.fetch_one(
            "SELECT daily_streak, best_daily_streak, last_daily_correct FROM quiz_member_stats "
            "WHERE guild_id = $1 AND user_id = $2", (guild_id, user_id))
        if row is None:
            return DayStreak()
        last = row["last_daily_correct"]
        return DayStreak(int(row["daily_streak"]), int(row["best_daily_streak"]),
                         date.fromisoformat(last) if last else None)

    async def daily_recap(self, guild_id: int, day: date) -> DailyRecap | None:
        question = await self.daily_question(guild_id, day)
        if question is None:
            return None
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS answered, COALESCE(SUM(correct), 0) AS correct "
            "FROM quiz_daily_answers WHERE guild_id = $1 AND day = $2",
            (guild_id, day.isoformat()))
        assert row is not None  # COUNT(*) always yields one row
        return DailyRecap(question, int(row["answered"]), int(row["correct"]))


async def _record_answer(
    conn: Connection, *, game_id: int, round_no: int, guild_id: int, user_id: int,
    option: int, interaction_id: int, now: datetime,
) -> AnswerOutcome:
    """One answer as a unit of work, run in the database thread inside a transaction."""
    # One statement reads all a click needs: the round, and whether this interaction or this
    # member already answered it.
    state = await conn.fetch_one(
        "SELECT g.status, g.guild_id, r.opened_at, r.closes_at, r.revealed_at, r.correct_option, "
        "EXISTS (SELECT 1 FROM quiz_answers WHERE interaction_id = :interaction) AS replay, "
        "(SELECT option FROM quiz_answers WHERE game_id = :game AND round_no = :round "
        "AND user_id = :user) AS earlier "
        "FROM quiz_rounds r JOIN quiz_games g USING (game_id) "
        "WHERE r.game_id = :game AND r.round_no = :round",
        {"interaction": interaction_id, "game": game_id, "round": round_no,
         "user": user_id})
    context = None if state is None else AnswerContext(
        GameStatus(state["status"]), int(state["guild_id"]),
        datetime.fromisoformat(state["opened_at"]), datetime.fromisoformat(state["closes_at"]),
        state["revealed_at"] is not None, int(state["correct_option"]), bool(state["replay"]),
        None if state["earlier"] is None else int(state["earlier"]))
    outcome = judge_answer(context, guild_id, option, now)
    if outcome.status is not AnswerStatus.RECORDED:
        return outcome
    assert context is not None
    # The primary key (game, question, member) is the last word on "one answer each".
    inserted = await conn.execute(
        "INSERT INTO quiz_answers (game_id, round_no, guild_id, user_id, option, correct, "
        "elapsed_ms, interaction_id, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (game_id, round_no, user_id) DO NOTHING",
        (game_id, round_no, guild_id, user_id, option, int(option == context.correct_option),
         outcome.elapsed_ms, interaction_id, now.isoformat()))
    if inserted != 1:
        return AnswerOutcome(AnswerStatus.ALREADY_ANSWERED)
    return outcome


SCORE_CHUNK = 200  # answers scored per unit of work when a question is revealed


async def _reveal_round(
    conn: Connection, *, game_id: int, round_no: int, now: datetime, day: date,
    difficulty: str, films: tuple[str, ...],
) -> RoundResult | None:
    """Score up to SCORE_CHUNK answers; once none is left, mark the round revealed and return
    the result (None: more to score)."""
    row = await conn.fetch_one(f"SELECT {_ROUND_COLUMNS} FROM quiz_rounds WHERE game_id = $1 "
                               "AND round_no = $2", (game_id, round_no))
    if row is None:
        raise LookupError(f"no round {round_no} in game {game_id}")
    revealed = _round(row)
    if revealed.revealed_at is None:
        if not await _score_answers(conn, revealed, now, day, difficulty, films):
            return None
        await conn.execute(
            "UPDATE quiz_rounds SET revealed_at = $1 WHERE game_id = $2 AND round_no = $3",
            (now.isoformat(), game_id, round_no))
        revealed = replace(revealed, revealed_at=now)
    answers = await conn.fetch_all(
        "SELECT a.user_id, m.display_name, a.option, a.correct, a.elapsed_ms, a.points "
        "FROM quiz_answers a JOIN members m ON m.guild_id = a.guild_id "
        "AND m.user_id = a.user_id WHERE a.game_id = $1 AND a.round_no = $2 "
        "ORDER BY a.elapsed_ms, a.user_id", (game_id, round_no))
    return RoundResult(revealed, tuple(
        RevealedAnswer(int(a["user_id"]), a["display_name"], int(a["option"]),
                       bool(a["correct"]), int(a["elapsed_ms"]), int(a["points"] or 0))
        for a in answers))


async def _score_answers(conn: Connection, round_: Round, now: datetime, day: date,
                   difficulty: str, films: tuple[str, ...]) -> bool:
    """Score the next SCORE_CHUNK answers not scored yet; True when none is left."""
    answers = await conn.fetch_all(
        "SELECT guild_id, user_id, correct, elapsed_ms FROM quiz_answers "
        "WHERE game_id = $1 AND round_no = $2 AND points IS NULL "
        "ORDER BY elapsed_ms, user_id LIMIT $3",
        (round_.game_id, round_.round_no, SCORE_CHUNK + 1))
    if not answers:
        return True
    season = await season_of(conn, int(answers[0]["guild_id"]), now)
    for answer in answers[:SCORE_CHUNK]:
        guild_id, user_id = int(answer["guild_id"]), int(answer["user_id"])
        correct = bool(answer["correct"])
        streak_before, _ = await member_streaks(conn, guild_id, user_id)
        points = answer_points(difficulty, correct, int(answer["elapsed_ms"]),
                               round_.limit_ms, streak_before)
        await conn.execute(
            "UPDATE quiz_answers SET points = $1 WHERE game_id = $2 AND round_no = $3 "
            "AND user_id = $4", (points.total, round_.game_id, round_.round_no, user_id))
        await add_result(conn, Result(guild_id, user_id, day, films, points.total, correct), season,
                   answer_streak=next_answer_streak(streak_before, correct),
                   elapsed_ms=int(answer["elapsed_ms"]))
    return len(answers) <= SCORE_CHUNK


async def _record_daily_answer(
    conn: Connection, *, question: DailyQuestion, user_id: int, option: int,
    interaction_id: int, difficulty: str, films: tuple[str, ...], now: datetime,
) -> DailyOutcome:
    g, day = question.guild_id, question.day
    if await conn.fetch_one("SELECT 1 FROM quiz_daily_answers WHERE interaction_id = $1",
                            (interaction_id,)) is not None:
        return DailyOutcome(AnswerStatus.REPLAY, None)
    earlier = await conn.fetch_one(
        "SELECT guild_id, day, user_id, option, correct, points, day_streak "
        "FROM quiz_daily_answers WHERE guild_id = $1 AND day = $2 AND user_id = $3",
        (g, day.isoformat(), user_id))
    if earlier is not None:
        return DailyOutcome(AnswerStatus.ALREADY_ANSWERED, _daily_answer(earlier))
    correct = option == question.shuffle.correct
    _, before = await member_streaks(conn, g, user_id)
    after = after_daily_answer(before, day, correct)
    points = daily_points(difficulty, correct, before.live(day))
    await conn.execute(
        "INSERT INTO quiz_daily_answers (guild_id, day, user_id, option, correct, points, "
        "day_streak, interaction_id, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        (g, day.isoformat(), user_id, option, int(correct), points.total, after.current,
         interaction_id, now.isoformat()))
    season = await season_of(conn, g, now)
    await add_result(conn, Result(g, user_id, day, films, points.total, correct), season,
               day_streak=after)
    answer = DailyAnswer(g, day, user_id, option, correct, points.total, after.current)
    return DailyOutcome(AnswerStatus.RECORDED, answer, after.best)
