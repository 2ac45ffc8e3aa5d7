-- Daily posts: the last local day each server's post went out (so it goes out once a day, across
-- restarts), and why the bot switched a post off by itself (shown in /config show).
CREATE TABLE daily_post_state (
    guild_id        INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('fact', 'quote', 'question')),
    last_posted_day TEXT,  -- ISO date in the server's timezone; claimed before the post is sent
    last_posted_at  TEXT,  -- UTC instant of that claim
    disabled_reason TEXT,  -- set when a deleted channel or a lost permission stopped the post
    disabled_at     TEXT,
    PRIMARY KEY (guild_id, kind)
) WITHOUT ROWID;

-- The scheduler reads the daily posts that are on once a minute: only those rows are indexed.
CREATE INDEX guild_settings_daily_fact_on ON guild_settings (guild_id)
    WHERE daily_fact_enabled = 1;
CREATE INDEX guild_settings_daily_quote_on ON guild_settings (guild_id)
    WHERE daily_quote_enabled = 1;
CREATE INDEX guild_settings_daily_question_on ON guild_settings (guild_id)
    WHERE daily_question_enabled = 1;
