-- Collected content: records, where they were seen, what analysis found in them, media hashes.
-- Timestamps are RFC 3339 UTC text.

CREATE TABLE evidence (
    sha256      TEXT PRIMARY KEY,          -- hex SHA-256 of the blob under evidence/sha256/
    size        INTEGER NOT NULL,
    stored_at   TEXT NOT NULL
);

CREATE TABLE scan_run (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    inputs      TEXT NOT NULL,             -- JSON array of the inputs as given
    versions    TEXT NOT NULL,             -- JSON object: rule set -> version
    records_new INTEGER NOT NULL DEFAULT 0,
    records_known INTEGER NOT NULL DEFAULT 0,
    media       INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE record (
    id            TEXT PRIMARY KEY,        -- JSON Lines id, or derived from payload, URL and time
    url           TEXT,
    captured_at   TEXT,
    warc_record_id TEXT,
    sha256        TEXT NOT NULL REFERENCES evidence(sha256),
    content_type  TEXT,
    lang          TEXT NOT NULL,
    region        TEXT,
    text          TEXT NOT NULL,           -- extracted text: the coordinate space of finding spans
    run_id        INTEGER NOT NULL REFERENCES scan_run(id)
);
CREATE INDEX record_captured ON record(captured_at);

-- Every place a record was read from (the same capture may sit in several files).
CREATE TABLE occurrence (
    record_id   TEXT NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    locator     TEXT NOT NULL,
    run_id      INTEGER NOT NULL REFERENCES scan_run(id),
    PRIMARY KEY (record_id, source, locator)
);

CREATE TABLE finding (
    record_id   TEXT NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    start_byte  INTEGER NOT NULL,
    end_byte    INTEGER NOT NULL,
    evidence    TEXT NOT NULL,
    rule        TEXT NOT NULL,             -- id@version of what produced it
    category    TEXT,
    detail      TEXT NOT NULL DEFAULT '{}',-- JSON object of kind-specific fields
    PRIMARY KEY (record_id, kind, start_byte, end_byte, value)
);
CREATE INDEX finding_value ON finding(kind, value);

-- Images met while scanning: hashes only, never the bytes.
CREATE TABLE media (
    sha256      TEXT PRIMARY KEY,
    md5         TEXT NOT NULL,
    sha1        TEXT NOT NULL,
    pdq         TEXT,
    quality     INTEGER,
    width       INTEGER,
    height      INTEGER
);

CREATE TABLE media_occurrence (
    sha256      TEXT NOT NULL REFERENCES media(sha256) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    locator     TEXT NOT NULL,
    url         TEXT,
    captured_at TEXT,
    run_id      INTEGER NOT NULL REFERENCES scan_run(id),
    PRIMARY KEY (sha256, source, locator)
);
CREATE INDEX media_occurrence_url ON media_occurrence(url);
