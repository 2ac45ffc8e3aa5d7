-- The web pages: the public leaderboard switch (/config web-leaderboard, off by default), and
-- the audit log of settings changed from the dashboard or /config: who changed what, and when.
ALTER TABLE guild_settings ADD COLUMN web_leaderboard INTEGER NOT NULL DEFAULT 0;

CREATE TABLE settings_audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,  -- no foreign key: the entry outlives the member's row
    user_name  TEXT NOT NULL,     -- as shown when the change was made
    setting    TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    changed_at TEXT NOT NULL,     -- UTC, ISO 8601
    via        TEXT NOT NULL CHECK (via IN ('web', 'discord'))
);
CREATE INDEX settings_audit_by_guild ON settings_audit (guild_id, id);
