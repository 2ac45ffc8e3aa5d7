"""What the quiz shows: questions, reveals, standings, the daily roadwork, boards and stats.

Member names always go through safe(); question text comes from the content packs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import discord

from bot.content import Question
from bot.domain import scoring
from bot.domain.leaderboard import (
    MIN_ANSWERS_FOR_ACCURACY,
    BoardPage,
    MemberStats,
)
from bot.domain.quiz import (
    SILENT_ROUNDS_TO_END,
    DailyAnswer,
    DailyRecap,
    GameScore,
    RoundResult,
    Shuffle,
    rank_scores,
)
from bot.domain.ranks import LADDER, rank_for
from bot.ui.embeds import CHAMPION_GOLD, PHILLY_BLUE, ROCKY_RED, safe

LETTERS = ("🇦", "🇧", "🇨", "🇩")
MEDALS = ("🥇", "🥈", "🥉")
FIELD_LIMIT = 1024
ALT_TEXT_LIMIT = 1024  # a media item's description
NAME_IN_ALT_TEXT = 40
STANDINGS_SHOWN = 10


def seconds_text(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def _lines_within(lines: Sequence[str], limit: int = FIELD_LIMIT) -> str:
    """Join lines, ending with "...and N more" when they would not all fit in one field."""
    shown: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        after = len(lines) - i - 1
        reserve = len(f"…and {after} more") + 1 if after else 0
        if used + len(line) + 1 + reserve > limit:
            shown.append(f"…and {len(lines) - i} more")
            break
        shown.append(line)
        used += len(line) + 1
    return "\n".join(shown)


def option_lines(options: Sequence[str], correct: int | None = None) -> str:
    return "\n".join(
        f"{LETTERS[i]} {'**' + text + '** ✅' if i == correct else text}"
        for i, text in enumerate(options))


def _about(question: Question) -> str:
    return f"{' · '.join(question.films)} · {question.difficulty}"


def question_layout(question: Question, shuffle: Shuffle, round_no: int, total: int,
                    closes_at: datetime, answers: int, buttons: discord.ui.ActionRow
                    ) -> discord.ui.LayoutView:
    """A game's question in Components V2: heading and prompt, the options, the countdown and
    answer count, and the four answer `buttons`. The message is edited in place for the count
    and the reveal (reveal_layout)."""
    when = discord.utils.format_dt(closes_at, "R")
    said = "answer" if answers == 1 else "answers"
    return _layout([
        discord.ui.TextDisplay(f"### Question {round_no} of {total}\n**{question.prompt}**"),
        discord.ui.TextDisplay(option_lines(shuffle.shown(question))),
        discord.ui.Separator(),
        discord.ui.TextDisplay(f"⏱️ Time's up {when} · 📨 {answers} {said} so far"),
        discord.ui.TextDisplay(f"-# {_about(question)} · one answer each, the first one counts"),
        buttons,
    ], ROCKY_RED)


def reveal_layout(question: Question, result: RoundResult, total: int,
                  buttons: discord.ui.ActionRow | None) -> discord.ui.LayoutView:
    """The question at the bell: the answer marked, who got it right and how fast, why, the
    source, and the answer `buttons` disabled (None when the reveal is a message of its own)."""
    shuffle = result.round.shuffle
    right = result.right
    count = len(result.answers)
    if right:
        lines = [f"{safe(a.display_name)}: {seconds_text(a.elapsed_ms)} (+{a.points})"
                 for a in right]
        value = _lines_within(lines)
    else:
        value = "Nobody this time." if count else "Nobody answered."
    items: list[discord.ui.Item] = [
        discord.ui.TextDisplay(f"### Question {result.round.round_no} of {total}: time!\n"
                               f"**{question.prompt}**"),
        discord.ui.TextDisplay(option_lines(shuffle.shown(question), shuffle.correct)),
        discord.ui.Separator(),
        discord.ui.TextDisplay(f"**Got it right: {len(right)} of {count}**\n{value}"),
        discord.ui.TextDisplay(f"**Why:** {question.explanation}\n"
                               f"**Source:** [where this is documented]({question.source})"),
        discord.ui.TextDisplay(f"-# {_about(question)}"),
    ]
    if buttons is not None:
        items.append(buttons)
    return _layout(items, CHAMPION_GOLD if right else PHILLY_BLUE)


def start_text(starter: str, questions: int, seconds: int, film: str | None,
               difficulty: str | None, capped_from: int | None) -> str:
    about = f"{film or 'all enabled films'}, {difficulty or 'any difficulty'}"
    text = (f"🥊 **Quiz time!** {safe(starter)} started a {questions}-question quiz ({about}), "
            f"{seconds} seconds a question. Click a button to answer: the first answer counts, "
            "and faster right answers score more (`/quiz help`).")
    if capped_from is not None:
        text += f"\nOnly {questions} questions match, so the game has {questions}, " \
                f"not {capped_from}."
    return text


def standings_embed(scores: Sequence[GameScore], reason: str) -> discord.Embed:
    ranked = rank_scores(s.score for s in scores)
    names = {s.score.user_id: s.display_name for s in scores}
    lines = []
    for place, score in ranked[:STANDINGS_SHOWN]:
        badge = MEDALS[place - 1] if place <= len(MEDALS) else f"#{place}"
        lines.append(f"{badge} {safe(names[score.user_id])}: **{score.points}** points "
                     f"({score.correct} of {score.answered} right)")
    if len(ranked) > STANDINGS_SHOWN:
        lines.append(f"…and {len(ranked) - STANDINGS_SHOWN} more")
    embed = discord.Embed(title="🔔 Final bell: standings",
                          description="\n".join(lines) or "Nobody scored in this game.",
                          colour=CHAMPION_GOLD)
    embed.set_footer(text=reason)
    return embed


def board_heading(scope: str, period: str, sort: str, season: int | None) -> str:
    where = f"this server, season {season}" if scope == "server" else "all servers"
    when = {"week": "last 7 days", "month": "last 30 days", "all": "all time"}[period]
    if scope == "server" and period == "all":
        when = "this season"
    return f"{where} · {when} · by {sort}"


def board_lines(board: BoardPage) -> list[str]:
    """The page as text: the card's alt text, so a screen reader reads the board too."""
    return [f"#{row.position} {row.display_name[:NAME_IN_ALT_TEXT]}: {row.points} pts · "
            f"{row.accuracy:.0%} of {row.answered} · best streak {row.best_streak}"
            for row in board.rows]


def leaderboard_layout(board: BoardPage, heading: str, sort: str, card: str,
                       buttons: discord.ui.ActionRow) -> discord.ui.LayoutView:
    """The board's card (attachment `card`) between its heading and page count."""
    empty = "Nobody on this board yet: `/quiz start` or `/daily` to get on it."
    if sort == "accuracy":
        empty = f"Nobody with {MIN_ANSWERS_FOR_ACCURACY} answers in this period yet."
    footer = f"Page {board.page} of {board.pages} · {board.total} ranked"
    if sort == "accuracy":
        footer += f" · at least {MIN_ANSWERS_FOR_ACCURACY} answers to rank by accuracy"
    body: list[discord.ui.Item] = [
        discord.ui.TextDisplay(f"### 🏆 Leaderboard\n{heading}")]
    if board.rows:
        body.append(discord.ui.MediaGallery(discord.MediaGalleryItem(
            f"attachment://{card}", description=_alt_text(board_lines(board)))))
    else:
        body.append(discord.ui.TextDisplay(empty))
    body += [discord.ui.TextDisplay(f"-# {footer}"), buttons]
    return _layout(body, CHAMPION_GOLD)


def stats_figures(stats: MemberStats, today: date) -> list[tuple[str, str]]:
    place = f" (#{stats.season_place} this season)" if stats.season_place else ""
    figures = [
        ("Points", f"{stats.points} all time, {stats.season_points} in season "
                   f"{stats.season}{place}"),
        ("Answered", f"{stats.answered} ({stats.correct} right)"),
        ("Accuracy", f"{stats.accuracy:.0%}"),
        ("Answer streak", f"{stats.streak} now, best {stats.best_streak}"),
        ("Daily roadwork", f"{stats.day_streak.live(today)} days now, "
                           f"best {stats.day_streak.best}"),
        ("Favourite film", stats.favourite_film or "not yet"),
    ]
    if stats.fastest_ms is not None:
        figures.append(("Fastest right answer", seconds_text(stats.fastest_ms)))
    return figures


def stats_layout(stats: MemberStats, today: date, card: str) -> discord.ui.LayoutView:
    """/stats: the member card (attachment `card`), its figures as alt text, the next rank."""
    standing = rank_for(stats.points)
    to_next = standing.points_to_next(stats.points)
    if standing.next_rank is not None and to_next is not None:
        goal = f"{to_next} points to {standing.next_rank.title}"
    else:
        goal = "Top of the ladder. Yo Adrian, you did it!"
    figures = stats_figures(stats, today)
    fastest = dict(figures).get("Fastest right answer")
    return _layout([
        discord.ui.TextDisplay(f"### 📊 {safe(stats.display_name)}: {standing.rank.title}"),
        discord.ui.MediaGallery(discord.MediaGalleryItem(
            f"attachment://{card}",
            description=_alt_text([f"{name}: {value}" for name, value in figures]))),
        discord.ui.TextDisplay(f"-# {goal}" + (f" · fastest right answer {fastest}"
                                                if fastest else "")),
    ], ROCKY_RED)


def champion_layout(name: str, season: int, points: int, correct: int, answered: int,
                    card: str, belt: str | None) -> discord.ui.LayoutView:
    """A season's end: the champion card (attachment `card`), and who wears the belt now
    (`belt`, a role mention: the message is sent with no mentions allowed)."""
    title = f"### 🏆 Season {season} champion: {safe(name)}"
    footer = f"{safe(name)} wears {belt} now." if belt else "Yo Adrian, we did it!"
    return _layout([
        discord.ui.TextDisplay(title),
        discord.ui.MediaGallery(discord.MediaGalleryItem(
            f"attachment://{card}",
            description=_alt_text([f"Season {season} champion: {safe(name)[:NAME_IN_ALT_TEXT]}",
                                   f"Points: {points}",
                                   f"Right answers: {correct} of {answered}"]))),
        discord.ui.TextDisplay(f"-# {footer} A new season starts now: the board is empty."),
    ], CHAMPION_GOLD)


def _alt_text(lines: list[str]) -> str:
    return _lines_within(lines, ALT_TEXT_LIMIT)


def _layout(items: Sequence[discord.ui.Item], colour: discord.Colour
            ) -> discord.ui.LayoutView:
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(*items, accent_colour=colour))
    return view


def daily_question_embed(question: Question, shuffle: Shuffle, day: date,
                         note: str | None = None) -> discord.Embed:
    embed = discord.Embed(
        title=f"🏃 Daily roadwork: {day.isoformat()}",
        description=(f"{note}\n\n" if note else "") + f"**{question.prompt}**\n\n"
                    f"{option_lines(shuffle.shown(question))}",
        colour=PHILLY_BLUE)
    embed.set_footer(text=f"{_about(question)} · one answer a day, answered privately")
    return embed


def daily_result_embed(question: Question, shuffle: Shuffle, answer: DailyAnswer,
                       best_streak: int, next_day: datetime, *, again: bool = False
                       ) -> discord.Embed:
    verdict = "✅ Right!" if answer.correct else "❌ Not this time."
    if again:
        verdict = "You already did today's roadwork. " + verdict
    days = "day" if answer.day_streak == 1 else "days"
    embed = discord.Embed(
        title=f"🏃 Daily roadwork: {answer.day.isoformat()}",
        description=f"{verdict}\n\n**{question.prompt}**\n\n"
                    f"{option_lines(shuffle.shown(question), shuffle.correct)}",
        colour=CHAMPION_GOLD if answer.correct else PHILLY_BLUE)
    embed.add_field(name="Why", value=question.explanation, inline=False)
    embed.add_field(name="Source", value=f"[where this is documented]({question.source})",
                    inline=False)
    embed.add_field(name="Points", value=str(answer.points))
    embed.add_field(name="Day streak", value=f"{answer.day_streak} {days} (best {best_streak})")
    embed.add_field(name="Next question", value=discord.utils.format_dt(next_day, "R"))
    return embed


def daily_post_embed(question: Question, shuffle: Shuffle, day: date,
                     recap: tuple[Question, DailyRecap] | None) -> discord.Embed:
    embed = daily_question_embed(question, shuffle, day)
    embed.description = (embed.description or "") + \
        "\n\nPress **Answer** to answer privately; your day streak grows with every right answer."
    if recap is not None:
        past, figures = recap
        answer = past.options[past.answer_index]
        embed.add_field(
            name="Yesterday's answer",
            value=f"{past.prompt}\n**{answer}**: {figures.correct} of {figures.answered} "
                  "got it right.", inline=False)
    return embed


def help_embed() -> discord.Embed:
    s = scoring
    base = ", ".join(f"{d} {p}" for d, p in s.BASE_POINTS.items())
    embed = discord.Embed(title="🥊 How the quiz works", colour=ROCKY_RED, description=(
        "`/quiz start [film] [difficulty] [questions] [seconds]` starts a game in this channel: "
        "each question is one message with four buttons and a countdown. Everyone may answer "
        "once per question; the first click counts. When time runs out the message shows the "
        "answer, who got it and how fast, and why. A game whose last "
        f"{SILENT_ROUNDS_TO_END} questions got no answer ends by itself; the starter or a "
        "moderator can `/quiz stop` it."))
    embed.add_field(name="Points for a right answer", inline=False, value=(
        f"**base** by difficulty ({base})\n"
        f"**+ speed bonus**: {s.MAX_SPEED_BONUS} × time left ÷ time allowed, rounded down\n"
        f"**+ streak bonus**: {s.STREAK_BONUS_STEP} × right answers in a row before this one, "
        f"at most {s.MAX_STREAK_BONUS}\n"
        "A wrong answer scores 0 and resets the streak; a question you skip does not."))
    embed.add_field(name="Daily roadwork", inline=False, value=(
        "`/daily`: the server's question of the day, the same for everyone, answered "
        "privately once. A right answer scores its base plus "
        f"{s.DAILY_STREAK_STEP} per day of your day streak (at most "
        f"{s.MAX_DAILY_STREAK_BONUS}); missing a day resets the streak."))
    embed.add_field(name="Rank titles (points on this server)", inline=False, value="\n".join(
        f"{rung.min_points:>6,}: **{rung.title}**, {rung.why}" for rung in LADDER))
    embed.add_field(name="Boards", inline=False, value=(
        "`/leaderboard [scope] [period] [sort]` and `/stats [member]`. Server boards count the "
        "current season; week and month are the last 7 and 30 days. Ranking by accuracy needs "
        f"at least {MIN_ANSWERS_FOR_ACCURACY} answers."))
    return embed
