-- Registry, second part: screenings, referral deadlines under a national workflow, service plans,
-- the statement's recording and access requests, retention.
-- Same semantics as the file of the same name under migrations/postgres (generated from this one
-- with INTEGER -> BIGINT and BLOB -> BYTEA). Columns of type BLOB hold sealed values (see 0002).

-- A screening of a case with a versioned questionnaire (crates/cairn-registry/data/screening.toml).
-- The level is kept in clear (statistics, overdue lists); the answers and the evidence are sealed.
-- A professional confirms the flagged level or sets another one with a reason.
CREATE TABLE screening (
    id                      TEXT PRIMARY KEY,
    case_id                 TEXT NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    questionnaire_id        TEXT NOT NULL,
    questionnaire_version   INTEGER NOT NULL,
    level                   TEXT NOT NULL,  -- no_concern, concern, high_concern, immediate_danger
    score                   INTEGER NOT NULL,
    key_version             INTEGER NOT NULL,
    answers                 BLOB NOT NULL,  -- sealed JSON: answers and result with its evidence
    screened_by             TEXT NOT NULL REFERENCES app_user(id),
    screened_at             TEXT NOT NULL,
    confirmed_by            TEXT REFERENCES app_user(id),
    confirmed_at            TEXT,
    confirmed_level         TEXT,
    confirmation_note       BLOB            -- sealed
);
CREATE INDEX screening_case ON screening(case_id);

-- Deadlines of a referral under a national workflow (crates/cairn-registry/data/workflows/*.toml):
-- reasonable-grounds decision in working days of the country's calendar, a recovery period of at
-- least 30 days after a positive one, then the conclusive-grounds decision. Dates are YYYY-MM-DD.
CREATE TABLE referral_deadline (
    referral_id                 TEXT PRIMARY KEY REFERENCES referral(id) ON DELETE CASCADE,
    workflow_id                 TEXT NOT NULL,
    workflow_version            INTEGER NOT NULL,
    started_on                  TEXT NOT NULL,
    reasonable_grounds_due      TEXT NOT NULL,
    reasonable_grounds_on       TEXT,
    reasonable_grounds_positive INTEGER,
    recovery_ends               TEXT,
    conclusive_grounds_due      TEXT,
    conclusive_grounds_on       TEXT,
    conclusive_grounds_positive INTEGER
);
CREATE INDEX referral_deadline_rg ON referral_deadline(reasonable_grounds_due);

-- Services directory: what a case may need (kind), where, for which ages and languages, how
-- many places. A service plan links a case to a service; active plans count against capacity.
CREATE TABLE service_plan (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    service_id  TEXT NOT NULL REFERENCES service(id),
    status      TEXT NOT NULL,              -- planned, started, completed, cancelled
    planned_by  TEXT NOT NULL REFERENCES app_user(id),
    planned_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX service_plan_case ON service_plan(case_id);
CREATE INDEX service_plan_service ON service_plan(service_id, status);
CREATE INDEX service_kind ON service(kind, country);

-- The one statement's recording, sealed in the database (so that both backends hold it alike).
CREATE TABLE statement_attachment (
    statement_id TEXT PRIMARY KEY REFERENCES statement(id) ON DELETE CASCADE,
    key_version  INTEGER NOT NULL,
    content      BLOB NOT NULL              -- sealed bytes of the audio, video or text file
);

-- Others see that a statement exists and ask for access instead of interviewing the child again.
CREATE TABLE statement_access_request (
    id           TEXT PRIMARY KEY,
    statement_id TEXT NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
    requester_id TEXT NOT NULL REFERENCES app_user(id),
    reason       TEXT NOT NULL,             -- professional reason, no personal data
    requested_at TEXT NOT NULL,
    status       TEXT NOT NULL,             -- pending, granted, refused
    decided_by   TEXT REFERENCES app_user(id),
    decided_at   TEXT
);

-- Retention: when a person's identifying fields were wiped (statistics fields are kept).
ALTER TABLE person ADD COLUMN anonymised_at TEXT;
