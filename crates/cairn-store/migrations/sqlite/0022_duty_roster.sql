-- The duty roster of the bridge (issue 7): which child-protection organisation is on duty for
-- signals from a country, or from one region of it (region NULL: the whole country), from
-- starts_at until ends_at (NULL: until ended). Times are UTC, RFC 3339 to the second
-- (YYYY-MM-DDTHH:MM:SSZ), so that they compare as text. Periods of the same country and region
-- never overlap (checked by the registry in the inserting transaction); ending a period sets
-- ends_at and keeps the row, so the roster is its own history.
-- Same semantics as migrations/postgres/0022_duty_roster.sql.
CREATE TABLE duty_period (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisation(id),
    country         TEXT NOT NULL,
    region          TEXT,
    starts_at       TEXT NOT NULL,
    ends_at         TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX duty_period_place ON duty_period (country, region, starts_at);
