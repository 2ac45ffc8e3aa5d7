-- The title belt: a role that moves to each finished season's champion (/config belt-role).
ALTER TABLE guild_settings ADD COLUMN belt_role_id INTEGER;

-- The champion of each finished season (its top scorer; no row when nobody scored), so the belt
-- can move from the last champion to the next. Gone with the member's data when they delete it.
CREATE TABLE quiz_season_champions (
    guild_id INTEGER NOT NULL,
    season   INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, season),
    FOREIGN KEY (guild_id, season) REFERENCES quiz_seasons(guild_id, season) ON DELETE CASCADE,
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX quiz_season_champions_member ON quiz_season_champions (guild_id, user_id);
