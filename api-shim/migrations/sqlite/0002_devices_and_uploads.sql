-- Phones, ROOMs, backed-up files and uploads in progress (SPEC D1–D3, D7, T1, L1, L2).

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash   BLOB    NOT NULL UNIQUE,     -- SHA-256 of the bearer token
    name         TEXT    NOT NULL,
    os           TEXT    NOT NULL CHECK (os IN ('android', 'ios')),
    model        TEXT    NOT NULL,
    free_bytes   INTEGER,                     -- storage as last reported (D7)
    total_bytes  INTEGER,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX devices_by_user ON devices(user_id);

-- Which phone holds which ROOM. A ROOM without a row is free.
CREATE TABLE rooms (
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room           INTEGER NOT NULL CHECK (room BETWEEN 1 AND 3),
    device_id      INTEGER NOT NULL UNIQUE REFERENCES devices(id),
    registered_at  INTEGER NOT NULL,
    last_backup_at INTEGER,
    PRIMARY KEY (user_id, room)
);

-- A backed-up file: visible only once its bytes are stored and their SHA-256 checked.
CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room        INTEGER NOT NULL CHECK (room BETWEEN 1 AND 3),
    kind        TEXT    NOT NULL CHECK (kind IN ('photo', 'video', 'music', 'document')),
    sha256      TEXT    NOT NULL,             -- lower-case hex; names the blob
    size        INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,             -- the file's creation time on the phone
    uploaded_at INTEGER NOT NULL,
    UNIQUE (user_id, room, sha256)
);
CREATE INDEX items_by_sha256 ON items(sha256);

-- tus uploads in progress. The bytes live in <data>/uploads/<id>.part.
CREATE TABLE uploads (
    id          TEXT    PRIMARY KEY,          -- 128 random bits, hex
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    room        INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,             -- declared at creation, checked at the end
    length      INTEGER NOT NULL,
    offset      INTEGER NOT NULL DEFAULT 0,
    hash_state  BLOB    NOT NULL,             -- SHA-256 state after `offset` bytes: never re-read the file
    file_created_at INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- Bytes uploaded per account per calendar month (L2); deleting files does not give them back.
CREATE TABLE upload_volume (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    month   TEXT    NOT NULL,                 -- 'YYYY-MM', UTC
    bytes   INTEGER NOT NULL,
    PRIMARY KEY (user_id, month)
);
