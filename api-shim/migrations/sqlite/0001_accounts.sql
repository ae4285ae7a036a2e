-- Accounts, web sessions, emailed codes and throttles (SPEC A1, A2, A5).
-- Times are Unix seconds (UTC).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,   -- normalized: trimmed, lower-case
    password_hash TEXT    NOT NULL,          -- argon2id PHC string
    member_type   TEXT    NOT NULL DEFAULT 'free' CHECK (member_type IN ('free', 'unlimited')),
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash   BLOB    PRIMARY KEY,        -- SHA-256 of the cookie value; the value itself is never stored
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

-- One live code per address and purpose: a new send replaces the old (only the latest works).
CREATE TABLE email_codes (
    email           TEXT    NOT NULL,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('signup', 'password_reset')),
    code_hash       BLOB    NOT NULL,        -- HMAC-SHA256 under the server's code key
    password_hash   TEXT,                    -- sign-up: the chosen password, already hashed
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (email, purpose)
);

-- Every send, for "60 s between sends" and "5 per hour" (counted per address, all purposes).
CREATE TABLE code_sends (
    email   TEXT    NOT NULL,
    sent_at INTEGER NOT NULL
);
CREATE INDEX code_sends_by_email ON code_sends(email, sent_at);

-- Failed sign-ins, per address and per client IP.
CREATE TABLE signin_failures (
    scope     TEXT    NOT NULL CHECK (scope IN ('email', 'ip')),
    key       TEXT    NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX signin_failures_by_key ON signin_failures(scope, key, failed_at);

-- Keys the server makes for itself on first start.
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
