-- License keys and their life cycle (SPEC A3, A4). Times are Unix seconds (UTC).

CREATE TABLE license_keys (
    id              INTEGER PRIMARY KEY,
    key_hash        BLOB    NOT NULL UNIQUE,  -- HMAC-SHA256 of the 16 digits under the server's code key; the key itself is never stored
    last4           TEXT    NOT NULL,         -- for masked listings: ****-****-****-3456
    state           TEXT    NOT NULL DEFAULT 'issued'
                    CHECK (state IN ('issued', 'redeemed', 'cancelled', 'expired')),
    user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    issued_at       INTEGER NOT NULL,
    redeemed_at     INTEGER,
    cancelled_at    INTEGER,
    valid_until     INTEGER,                  -- first instant after the month of cancellation, Japan time
    data_deleted_at INTEGER                   -- the account's data was deleted 30 days after valid_until
);
CREATE INDEX license_keys_by_user ON license_keys(user_id);

-- Wrong license keys, per account (or address signing up) and per client IP: guessing is throttled.
CREATE TABLE license_failures (
    scope     TEXT    NOT NULL CHECK (scope IN ('account', 'ip')),
    key       TEXT    NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX license_failures_by_key ON license_failures(scope, key, failed_at);

-- Deleting a lapsed account's backups asks whether another backup still uses each blob.
CREATE INDEX backups_by_sha256 ON backups(sha256);
