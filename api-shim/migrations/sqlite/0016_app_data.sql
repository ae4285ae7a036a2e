-- App data backup (SPEC P1, P3, P7): each account's apps' data, one row per kept version;
-- an app's newest version is its highest id. The bytes are a blob like every stored file.
CREATE TABLE app_data_versions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: ETags name versions
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id    TEXT    NOT NULL,
    sha256    TEXT    NOT NULL,                  -- lower-case hex; names the blob
    size      INTEGER NOT NULL,
    saved_at  INTEGER NOT NULL,
    device_id INTEGER REFERENCES devices (id) ON DELETE SET NULL -- the phone that saved it
);
CREATE INDEX app_data_versions_by_app ON app_data_versions (user_id, app_id, id);
CREATE INDEX app_data_versions_by_sha256 ON app_data_versions (sha256);
