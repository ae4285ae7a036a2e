-- Web downloads (SPEC V9, L3): a short-lived ticket names up to 50 of an account's items; its
-- URL is fetched by a plain browser download, which also carries the account's session.
CREATE TABLE downloads (
    token_hash BLOB    PRIMARY KEY,          -- SHA-256 of the URL's token; the token is never stored
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_ids   TEXT    NOT NULL,             -- JSON array, in the order asked: the archive's order
    file_name  TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

-- CRC-32 of the item's bytes, which a ZIP entry needs before its data. Computed the first time
-- an archive holds the item, then kept, so every (resumed, ranged) fetch of an archive is the same.
ALTER TABLE items ADD COLUMN crc32 INTEGER;
