-- The corporate console (SPEC C1–C10): companies, their admins, lines and groups, the
-- operations admins start (permission changes, password notices) with a result per line.
CREATE TABLE companies (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- An account is an admin of at most one company.
CREATE TABLE corp_admins (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('main', 'sub')),
    name       TEXT    NOT NULL,
    added_at   INTEGER NOT NULL
);
CREATE INDEX corp_admins_by_company ON corp_admins (company_id);

CREATE TABLE corp_groups (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    UNIQUE (company_id, name)
);

CREATE TABLE corp_lines (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    number        TEXT    NOT NULL,             -- digits only
    name          TEXT    NOT NULL,
    reading       TEXT    NOT NULL,
    group_id      INTEGER REFERENCES corp_groups (id) ON DELETE SET NULL,
    department    TEXT    NOT NULL,
    device_kind   TEXT    NOT NULL CHECK (device_kind IN ('smartphone', 'iphone', 'feature_phone', 'windows')),
    contract_date TEXT    NOT NULL,             -- YYYY-MM-DD
    email         TEXT    NOT NULL,             -- may be empty: no notice can reach it
    status        TEXT    NOT NULL CHECK (status IN ('in_service', 'cancelled')),
    backup        INTEGER NOT NULL,             -- the permissions in effect (SPEC C2)
    migration     INTEGER NOT NULL,
    user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL, -- the line's phone account
    last_app_request_at INTEGER,                -- the last app-download request mailed to it
    updated_at    INTEGER NOT NULL,
    UNIQUE (company_id, number)
);
CREATE INDEX corp_lines_by_number ON corp_lines (number);
CREATE INDEX corp_lines_by_user ON corp_lines (user_id);
CREATE INDEX corp_lines_by_group ON corp_lines (group_id);

-- An admin's operation: processing until every line is done (SPEC C5), run by a job.
CREATE TABLE corp_operations (
    id               INTEGER PRIMARY KEY,
    company_id       INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    reception_number TEXT    NOT NULL UNIQUE,
    menu             TEXT    NOT NULL CHECK (menu IN ('permission_change', 'password_notice', 'app_download')),
    admin_user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    admin_name       TEXT    NOT NULL,          -- as they were when they acted
    admin_email      TEXT    NOT NULL,
    backup           INTEGER,                   -- the values a permission change sets
    migration        INTEGER,
    status           TEXT    NOT NULL CHECK (status IN ('processing', 'succeeded', 'failed')),
    received_at      INTEGER NOT NULL,
    finished_at      INTEGER,
    idempotency_key  TEXT,
    request_hash     TEXT,
    resend_of        INTEGER   REFERENCES corp_operations (id) ON DELETE SET NULL, -- the operation a resend repeats
    claimed_until    INTEGER,
    UNIQUE (company_id, admin_user_id, idempotency_key)
);
CREATE INDEX corp_operations_by_company ON corp_operations (company_id, id);
CREATE INDEX corp_operations_processing ON corp_operations (status, id);

CREATE TABLE corp_operation_lines (
    operation_id INTEGER NOT NULL REFERENCES corp_operations (id) ON DELETE CASCADE,
    line_id      INTEGER NOT NULL REFERENCES corp_lines (id) ON DELETE CASCADE,
    -- a mail's line is sent, failed or skipped (a 4G phone needs no app); a change's succeeds or fails
    status       TEXT    NOT NULL CHECK (status IN ('processing', 'succeeded', 'failed', 'sent', 'skipped')),
    reason       TEXT,                          -- why it failed or was skipped
    finished_at  INTEGER,
    PRIMARY KEY (operation_id, line_id)
);
CREATE INDEX corp_operation_lines_by_line ON corp_operation_lines (line_id, status);

-- The 8-digit sequence of reception numbers, per Japan date.
CREATE TABLE corp_reception_days (
    day  TEXT    PRIMARY KEY,                   -- YYYYMMDD
    last INTEGER NOT NULL
);

-- What admins did besides operations (adding and removing admins), with who did it.
CREATE TABLE corp_audit (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    admin_user_id INTEGER,
    admin_name    TEXT    NOT NULL,
    admin_email   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    detail        TEXT    NOT NULL,
    at            INTEGER NOT NULL
);

-- The one-time sign-in code of a line's phone (SPEC C8): a new notice replaces it.
CREATE TABLE corp_line_codes (
    line_id         INTEGER PRIMARY KEY REFERENCES corp_lines (id) ON DELETE CASCADE,
    code_hash       BLOB    NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL
);

-- A phonebook on its way from an account's old phone to its new one (SPEC C2, C10).
CREATE TABLE contact_migrations (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    vcard      BLOB    NOT NULL,
    entries    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
