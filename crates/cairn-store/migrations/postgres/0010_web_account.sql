-- Web sign-in state of a professional (cairn serve): lock-out after failed logins, the session
-- generation that "log out everywhere" bumps, the TOTP second factor (secret sealed like an
-- identifying field: table web_account, column totp_secret, row = user id) and the language.
-- Same semantics as migrations/sqlite/0010_web_account.sql.
CREATE TABLE web_account (
    user_id             TEXT PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
    failed_logins       BIGINT NOT NULL DEFAULT 0,
    locked_until        TEXT,
    session_generation  BIGINT NOT NULL DEFAULT 0,
    totp_secret         BYTEA,
    totp_confirmed      BIGINT NOT NULL DEFAULT 0,
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    language            TEXT NOT NULL DEFAULT 'en'
);
