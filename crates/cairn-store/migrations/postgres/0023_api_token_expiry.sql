-- API tokens expire: a leaked script token must not work for ever. Tokens made before this
-- migration get 90 days from their creation.
ALTER TABLE api_token ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
UPDATE api_token
SET expires_at = to_char((created_at::timestamptz + interval '90 days') AT TIME ZONE 'UTC',
                         'YYYY-MM-DD"T"HH24:MI:SS"Z"');
