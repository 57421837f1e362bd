-- API tokens expire: a leaked script token must not work for ever. Tokens made before this
-- migration get 90 days from their creation; an unreadable creation time leaves '' (expired).
ALTER TABLE api_token ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
UPDATE api_token
SET expires_at = COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+90 days'), '');
