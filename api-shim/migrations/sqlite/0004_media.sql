-- What media processing learned about an item (SPEC T3, T4). A 'pending' row is a job:
-- the queue is this table, so it survives a restart.
CREATE TABLE media (
    item_id      INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    taken_at     INTEGER,            -- shooting time (EXIF / QuickTime), Unix seconds
    utc_offset   INTEGER,            -- seconds east of UTC where it was taken, when known
    width        INTEGER,
    height       INTEGER,
    camera       TEXT,
    duration_ms  INTEGER,
    title        TEXT,
    artist       TEXT,
    album        TEXT,
    has_thumb    INTEGER NOT NULL DEFAULT 0,   -- derived/<sha256>.thumb.jpg exists
    has_preview  INTEGER NOT NULL DEFAULT 0,   -- derived/<sha256>.preview.jpg exists
    error        TEXT
);
CREATE INDEX media_pending ON media(status) WHERE status = 'pending';
