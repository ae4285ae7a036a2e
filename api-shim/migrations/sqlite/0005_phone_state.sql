-- What each ROOM's phone keeps on the server: exclusions (D5), settings (D6) and its last
-- inventory report (D7).
CREATE TABLE exclusions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room    INTEGER NOT NULL,
    sha256  TEXT    NOT NULL,
    PRIMARY KEY (user_id, room, sha256)
);

CREATE TABLE phone_settings (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room     INTEGER NOT NULL,
    settings TEXT    NOT NULL,           -- JSON of hako_protocol::PhoneSettings
    PRIMARY KEY (user_id, room)
);

CREATE TABLE inventory (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room    INTEGER NOT NULL,
    sha256  TEXT    NOT NULL,
    PRIMARY KEY (user_id, room, sha256)
);

ALTER TABLE devices ADD COLUMN reported_at INTEGER;
