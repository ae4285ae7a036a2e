-- Changing the user ID (SPEC V17): a code mailed to the new address, bound to the account that
-- asked. SQLite cannot alter a CHECK, so the table is rebuilt with its rows kept.

CREATE TABLE email_codes_new (
    email           TEXT    NOT NULL,        -- where the code was mailed (for a change: the new address)
    purpose         TEXT    NOT NULL CHECK (purpose IN ('signup', 'password_reset', 'email_change')),
    code_hash       BLOB    NOT NULL,        -- HMAC-SHA256 under the server's code key
    password_hash   TEXT,                    -- sign-up: the chosen password, already hashed
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    -- email_change: the account whose user ID would change; NULL for the other purposes.
    user_id         INTEGER REFERENCES users(id) ON DELETE CASCADE,
    CHECK ((purpose = 'email_change') = (user_id IS NOT NULL)),
    PRIMARY KEY (email, purpose)
);

INSERT INTO email_codes_new (email, purpose, code_hash, password_hash, expires_at, failed_attempts)
SELECT email, purpose, code_hash, password_hash, expires_at, failed_attempts FROM email_codes;

DROP TABLE email_codes;
ALTER TABLE email_codes_new RENAME TO email_codes;

-- "Only the latest code works" also per account: a new change request drops the earlier one.
CREATE INDEX email_codes_by_user ON email_codes(user_id);
