-- Sign-in with Google and Apple over OpenID Connect (SPEC V1, V2, A1).

-- An identity is the provider's subject, never its email address: addresses change hands,
-- subjects do not. An identity belongs to one account; an account may have several.
CREATE TABLE oidc_identities (
    provider   TEXT    NOT NULL CHECK (provider IN ('google', 'apple')),
    subject    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT,                        -- Apple sends the name only on the first sign-in
    created_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX oidc_identities_by_user ON oidc_identities(user_id);

-- Sign-ins on their way through a provider, found again by `state`. Kept here, not in a
-- cookie: Apple answers with a cross-site POST, which a SameSite=Lax cookie does not ride on.
CREATE TABLE oidc_logins (
    state_hash    BLOB    PRIMARY KEY,      -- SHA-256 of `state`
    provider      TEXT    NOT NULL,
    nonce         TEXT    NOT NULL,
    pkce_verifier TEXT    NOT NULL,
    expires_at    INTEGER NOT NULL
);
