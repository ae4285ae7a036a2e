-- Contacts, calendar and call history: each backup run of a phone is one version (SPEC D3, T5).
CREATE TABLE backups (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room       INTEGER NOT NULL CHECK (room BETWEEN 1 AND 3),
    kind       TEXT    NOT NULL CHECK (kind IN ('contacts', 'calendar', 'call_history')),
    version    INTEGER NOT NULL,
    sha256     TEXT    NOT NULL,            -- names the blob
    size       INTEGER NOT NULL,
    entries    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, room, kind, version)
);
