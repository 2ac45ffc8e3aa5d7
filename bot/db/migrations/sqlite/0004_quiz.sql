-- Quiz games, the daily question, and the aggregates behind leaderboards and /stats.
-- Answers are the record; the *_totals tables are maintained in the same transaction as the
-- scoring, so leaderboards read a few rows per member instead of every answer.

-- One row per season per server; the open season has ended_at NULL.
CREATE TABLE quiz_seasons (
    guild_id   INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    season     INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    PRIMARY KEY (guild_id, season)
) WITHOUT ROWID;

CREATE TABLE quiz_games (
    game_id          INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL,
    -- Who started it: nulled (both columns) when that member's data is deleted.
    starter_guild_id INTEGER,
    starter_id       INTEGER,
    film             TEXT,
    difficulty       TEXT,
    question_count   INTEGER NOT NULL,
    seconds          INTEGER NOT NULL,
    status           TEXT NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running', 'finished', 'stopped', 'abandoned')),
    end_reason       TEXT,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    FOREIGN KEY (starter_guild_id, starter_id)
        REFERENCES members(guild_id, user_id) ON DELETE SET NULL
);
-- One running game per channel, enforced by the database.
CREATE UNIQUE INDEX quiz_games_one_running_per_channel
    ON quiz_games (channel_id) WHERE status = 'running';
CREATE INDEX quiz_games_running ON quiz_games (status) WHERE status = 'running';
CREATE INDEX quiz_games_guild ON quiz_games (guild_id);
CREATE INDEX quiz_games_starter ON quiz_games (starter_guild_id, starter_id);

-- One question of a game: its options in the order shown (pack indexes) and its deadline.
CREATE TABLE quiz_rounds (
    game_id        INTEGER NOT NULL REFERENCES quiz_games(game_id) ON DELETE CASCADE,
    round_no       INTEGER NOT NULL,
    question_id    TEXT NOT NULL,
    option_order   TEXT NOT NULL,
    correct_option INTEGER NOT NULL,
    message_id     INTEGER,
    opened_at      TEXT NOT NULL,
    closes_at      TEXT NOT NULL,
    revealed_at    TEXT,
    PRIMARY KEY (game_id, round_no)
) WITHOUT ROWID;

-- At most one answer per (game, question, member); an interaction is recorded at most once.
CREATE TABLE quiz_answers (
    game_id        INTEGER NOT NULL,
    round_no       INTEGER NOT NULL,
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    option         INTEGER NOT NULL,
    correct        INTEGER NOT NULL,
    elapsed_ms     INTEGER NOT NULL,
    points         INTEGER,            -- set when the question is revealed
    interaction_id INTEGER NOT NULL UNIQUE,
    answered_at    TEXT NOT NULL,
    PRIMARY KEY (game_id, round_no, user_id),
    FOREIGN KEY (game_id, round_no) REFERENCES quiz_rounds(game_id, round_no) ON DELETE CASCADE,
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX quiz_answers_member ON quiz_answers (user_id, guild_id);

-- Questions a server has seen, per purpose ('game', 'daily'): no repeats until a pool is used up.
CREATE TABLE quiz_used_questions (
    guild_id    INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    question_id TEXT NOT NULL,
    used_at     TEXT NOT NULL,
    PRIMARY KEY (guild_id, purpose, question_id)
) WITHOUT ROWID;

-- The question of the day per server and local day, the same for everyone.
CREATE TABLE quiz_daily_questions (
    guild_id       INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    day            TEXT NOT NULL,      -- ISO date in the server's timezone
    question_id    TEXT NOT NULL,
    option_order   TEXT NOT NULL,
    correct_option INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

CREATE TABLE quiz_daily_answers (
    guild_id       INTEGER NOT NULL,
    day            TEXT NOT NULL,
    user_id        INTEGER NOT NULL,
    option         INTEGER NOT NULL,
    correct        INTEGER NOT NULL,
    points         INTEGER NOT NULL,
    day_streak     INTEGER NOT NULL,   -- the member's day streak after this answer
    interaction_id INTEGER NOT NULL UNIQUE,
    answered_at    TEXT NOT NULL,
    PRIMARY KEY (guild_id, day, user_id),
    FOREIGN KEY (guild_id, day) REFERENCES quiz_daily_questions(guild_id, day) ON DELETE CASCADE,
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX quiz_daily_answers_member ON quiz_daily_answers (user_id, guild_id);

-- Lifetime figures per member and server (/stats, the global all-time board).
CREATE TABLE quiz_member_stats (
    guild_id           INTEGER NOT NULL,
    user_id            INTEGER NOT NULL,
    points             INTEGER NOT NULL DEFAULT 0,
    answered           INTEGER NOT NULL DEFAULT 0,
    correct            INTEGER NOT NULL DEFAULT 0,
    streak             INTEGER NOT NULL DEFAULT 0,
    best_streak        INTEGER NOT NULL DEFAULT 0,
    fastest_ms         INTEGER,
    daily_streak       INTEGER NOT NULL DEFAULT 0,
    best_daily_streak  INTEGER NOT NULL DEFAULT 0,
    last_daily_correct TEXT,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
-- Covering, for the global all-time board (one pass in user order, no table lookups).
CREATE INDEX quiz_member_stats_user
    ON quiz_member_stats (user_id, points, answered, correct, best_streak);

-- Per season (the server board, "all").
CREATE TABLE quiz_season_totals (
    guild_id    INTEGER NOT NULL,
    season      INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    points      INTEGER NOT NULL DEFAULT 0,
    answered    INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    best_streak INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, season, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX quiz_season_totals_points ON quiz_season_totals (guild_id, season, points DESC);
-- (user_id, guild_id), not the reverse: a (guild_id, ...) prefix would tempt the planner away
-- from the board's own keys. These serve the cascade when a member's data is deleted.
CREATE INDEX quiz_season_totals_member ON quiz_season_totals (user_id, guild_id);

-- Per local day (the week and month boards).
CREATE TABLE quiz_day_totals (
    guild_id    INTEGER NOT NULL,
    season      INTEGER NOT NULL,
    day         TEXT NOT NULL,
    user_id     INTEGER NOT NULL,
    points      INTEGER NOT NULL DEFAULT 0,
    answered    INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    best_streak INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, season, day, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
-- Covering, so the global week and month boards read only this index.
CREATE INDEX quiz_day_totals_day
    ON quiz_day_totals (day, user_id, points, answered, correct, best_streak);
CREATE INDEX quiz_day_totals_member ON quiz_day_totals (user_id, guild_id);

-- Per film (the favourite film on /stats).
CREATE TABLE quiz_film_totals (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    film     TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0,
    correct  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id, film),
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- The global board names each member by the name last seen in any server.
CREATE INDEX IF NOT EXISTS quiz_members_by_user ON members (user_id, last_seen_at);
