-- Sessions of the web application (cairn serve), shared by every server process on this
-- database: id is the SHA-256 (hex) of the session cookie, never the cookie itself; data is the
-- session's JSON (sign-in stage, CSRF token, language); user_id lets "log out everywhere" delete
-- a user's sessions; expires_at (Unix seconds) is the idle expiry, purged by the server.
-- Same semantics as migrations/sqlite/0011_web_sessions.sql.
CREATE TABLE web_session (
    id          TEXT PRIMARY KEY,
    user_id     TEXT,
    data        TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX web_session_user ON web_session (user_id);
CREATE INDEX web_session_expiry ON web_session (expires_at);
