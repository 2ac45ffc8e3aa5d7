-- Core tables: servers, members as last seen, and small key/value state (the command-tree hash).
CREATE TABLE guilds (
    guild_id   INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    joined_at  TEXT NOT NULL,
    left_at    TEXT            -- set when the bot is removed; data is purged 30 days later
);

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY REFERENCES guilds(guild_id) ON DELETE CASCADE,
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    moderator_role_id INTEGER
);

CREATE TABLE members (
    guild_id     INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
