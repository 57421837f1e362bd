-- Web sign-in state of a professional (cairn serve): lock-out after failed logins, the session
-- generation that "log out everywhere" bumps, the TOTP second factor (secret sealed like an
-- identifying field: table web_account, column totp_secret, row = user id) and the language.
-- Same semantics as migrations/postgres/0010_web_account.sql.
CREATE TABLE web_account (
    user_id             TEXT PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT,
    session_generation  INTEGER NOT NULL DEFAULT 0,
    totp_secret         BLOB,
    totp_confirmed      INTEGER NOT NULL DEFAULT 0,
    totp_last_step      INTEGER NOT NULL DEFAULT 0,
    language            TEXT NOT NULL DEFAULT 'en'
);

-- Bearer tokens for scripts using the JSON API: only the SHA-256 of the token is kept; a token
-- acts as its user, within its scope (read: safe methods only; write: all), until revoked.
CREATE TABLE api_token (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
