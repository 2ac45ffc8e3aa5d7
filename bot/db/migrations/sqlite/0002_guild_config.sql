-- Per-server configuration used by every feature, and per-user privacy preferences.
ALTER TABLE guild_settings ADD COLUMN review_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN daily_time TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE guild_settings ADD COLUMN daily_fact_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN daily_quote_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN daily_question_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN daily_fact_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_settings ADD COLUMN daily_quote_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_settings ADD COLUMN daily_question_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_settings ADD COLUMN daily_ping_role_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN quiz_questions INTEGER NOT NULL DEFAULT 5;
ALTER TABLE guild_settings ADD COLUMN quiz_seconds INTEGER NOT NULL DEFAULT 20;

-- Spoiler gating: a row means the film is switched off for that server (all on by default).
CREATE TABLE guild_disabled_films (
    guild_id INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    film     TEXT NOT NULL,
    PRIMARY KEY (guild_id, film)
) WITHOUT ROWID;

CREATE TABLE user_preferences (
    user_id            INTEGER PRIMARY KEY,
    global_leaderboard INTEGER NOT NULL DEFAULT 1,
    motivate           INTEGER NOT NULL DEFAULT 1
);
