-- Trivia facts: fan submissions with their moderation state, who submitted and who decided each
-- one, and the facts each channel has seen (the no-repeat cycle).

-- AUTOINCREMENT: an id is never reused, so an old review button can't act on a newer fact.
CREATE TABLE fact_submissions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    text              TEXT NOT NULL,
    film              TEXT NOT NULL,
    source            TEXT,
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'rejected', 'removed')),
    submitted_at      TEXT NOT NULL,
    decided_at        TEXT,
    reason            TEXT,
    review_channel_id INTEGER,  -- the copy posted in the server's review channel, if any
    review_message_id INTEGER
);
-- The review queue (oldest pending first) and the server's pool (approved).
CREATE INDEX fact_submissions_by_status ON fact_submissions (guild_id, status, submitted_at, id);

-- Credit lives in its own row, so deleting a member's data (members row, cascading) removes the
-- name while an approved fact stays in the pool, shown as from "a former member".
CREATE TABLE fact_submitters (
    submission_id INTEGER PRIMARY KEY REFERENCES fact_submissions(id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX fact_submitters_by_member ON fact_submitters (guild_id, user_id);

-- Only approved facts outlive their submitter's data; the rest of their submissions go with it.
CREATE TRIGGER fact_submitters_forgotten AFTER DELETE ON fact_submitters
BEGIN
    DELETE FROM fact_submissions WHERE id = OLD.submission_id AND status != 'approved';
END;

-- The moderator of the last decision (approve, reject, remove), shown as "a moderator" once gone.
CREATE TABLE fact_deciders (
    submission_id INTEGER PRIMARY KEY REFERENCES fact_submissions(id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX fact_deciders_by_member ON fact_deciders (guild_id, user_id);

-- Per channel: showings are numbered; a fact is seen this cycle if shown at or after cycle_start.
CREATE TABLE fact_channel_cycles (
    guild_id    INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    channel_id  INTEGER NOT NULL,
    cycle_start INTEGER NOT NULL,
    next_seq    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;

CREATE TABLE fact_channel_views (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    fact_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id, fact_id),
    FOREIGN KEY (guild_id, channel_id) REFERENCES fact_channel_cycles(guild_id, channel_id)
        ON DELETE CASCADE
) WITHOUT ROWID;
