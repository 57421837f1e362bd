-- Signals raised by analysts to child protection (the bridge, issue 7): a draft for the
-- organisation on duty, built from a cluster or a scanned record. evidence holds selectors,
-- sources (record ids, URLs, capture times) and indicator findings as JSON, never images;
-- prefill maps screening question ids to the answers the indicators suggest. status is draft,
-- accepted (case_id set: the draft became an Active case) or declined (decline_reason set).
-- Same semantics as migrations/postgres/0020_signals.sql.
CREATE TABLE signal (
    id                   TEXT PRIMARY KEY,
    source_kind          TEXT NOT NULL,   -- cluster or record
    source_id            TEXT NOT NULL,
    from_organisation_id TEXT NOT NULL REFERENCES organisation(id),
    raised_by            TEXT NOT NULL REFERENCES app_user(id),
    to_organisation_id   TEXT NOT NULL REFERENCES organisation(id),
    status               TEXT NOT NULL,
    note                 TEXT NOT NULL,
    evidence             TEXT NOT NULL,
    prefill              TEXT NOT NULL,
    decline_reason       TEXT,
    case_id              TEXT REFERENCES case_file(id),
    raised_at            TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX signal_to ON signal (to_organisation_id, status);
CREATE INDEX signal_from ON signal (from_organisation_id);
