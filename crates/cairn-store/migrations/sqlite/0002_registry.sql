-- Registry: organisations, users, persons (identifying fields sealed), cases, events, consents,
-- referrals, one statement per case, services, notes, and the hash-chained audit log.
-- Same semantics as migrations/postgres/0002_registry.sql; see docs/registry.md and docs/htcds.md.
-- Timestamps are RFC 3339 UTC text, dates ISO 8601 text. Columns of type BLOB named after an
-- identifying field hold XChaCha20-Poly1305 ciphertext (format in docs/registry.md), never plaintext.

-- Data keys, each sealed by the master key; 'data' seals fields, 'index' keys the blind index.
CREATE TABLE key_ring (
    purpose     TEXT NOT NULL CHECK (purpose IN ('data', 'index')),
    version     INTEGER NOT NULL,
    wrapped     BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (purpose, version)
);

CREATE TABLE organisation (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    org_type    TEXT NOT NULL,             -- ngo, child_protection, police, justice, health, education, shelter
    country     TEXT NOT NULL,             -- ISO 3166-1 alpha-2
    region      TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE app_user (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL REFERENCES organisation(id),
    role            TEXT NOT NULL,         -- first_responder, case_worker, coordinator, analyst, statistician, admin, auditor
    password_hash   TEXT NOT NULL,         -- argon2id PHC string
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);

-- A possible or confirmed victim. The id is random and says nothing about the person.
CREATE TABLE person (
    id              TEXT PRIMARY KEY,
    victim_status   TEXT NOT NULL,         -- possible, confirmed
    key_version     INTEGER NOT NULL,      -- data key that sealed the fields below
    salutation      BLOB,
    first_name      BLOB,
    second_name     BLOB,
    birthdate       BLOB,
    email           BLOB,
    home_phone      BLOB,
    mobile_phone    BLOB,
    mailing_street  BLOB,
    mailing_city    BLOB,
    mailing_postal_code BLOB,
    gender          TEXT,                  -- HTCDS vocabulary
    nationality     TEXT,                  -- ISO 3166-1 alpha-2
    mailing_state   TEXT,
    mailing_country TEXT,
    -- HMAC of the imported source row under the index key: a re-import adds nothing, reveals nothing.
    source_key      BLOB UNIQUE,
    organisation_id TEXT REFERENCES organisation(id),
    created_at      TEXT NOT NULL
);

-- Blind index: HMAC-SHA-256 of a normalised value, for exact lookups without plaintext.
CREATE TABLE person_index (
    person_id   TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,             -- name, birthdate, phone
    token       BLOB NOT NULL,
    PRIMARY KEY (field, token, person_id)
);

CREATE TABLE case_file (
    id                      TEXT PRIMARY KEY,
    person_id               TEXT NOT NULL REFERENCES person(id),
    status                  TEXT NOT NULL, -- Active, FollowUp, Closed, ClosedReferred
    lead_organisation_id    TEXT NOT NULL REFERENCES organisation(id),
    worker_id               TEXT REFERENCES app_user(id),
    key_version             INTEGER NOT NULL,
    vulnerabilities         TEXT NOT NULL DEFAULT '[]', -- JSON array, HTCDS vocabulary
    vulnerability_details   BLOB,          -- sealed free text
    referring_organisation  TEXT,
    incoming_referral_date  TEXT,
    reason_for_incoming_referral TEXT,
    reason_for_closure      TEXT,
    opened_at               TEXT NOT NULL,
    closed_at               TEXT
);
CREATE INDEX case_file_person ON case_file(person_id);

-- Recruitment, transit, exploitation.
CREATE TABLE event (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,         -- recruitment, transit, exploitation
    place_country   TEXT,
    place_city      TEXT,
    occurred_on     TEXT,
    means           TEXT NOT NULL DEFAULT '[]', -- JSON array: methods of recruitment or control
    form            TEXT,                  -- form of exploitation
    detail          TEXT                   -- sub-type (type of sexual exploitation, industry)
);
CREATE INDEX event_case ON event(case_id);

CREATE TABLE perpetrator (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,             -- recruiter, transporter, exploiter, controller, buyer, other
    key_version INTEGER NOT NULL,
    description BLOB                       -- sealed
);

-- Consent per purpose and data category (in the spirit of ISO/IEC TS 27560).
CREATE TABLE consent (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,         -- care, referral, police, research, statistics
    recipient_organisation_id TEXT REFERENCES organisation(id), -- for a referral: the named organisation
    categories      TEXT NOT NULL,         -- JSON array of data categories
    giver           TEXT NOT NULL,         -- person, parent, guardian, legal_representative
    given_at        TEXT NOT NULL,
    expires_at      TEXT,
    withdrawn_at    TEXT,
    recorded_by     TEXT NOT NULL REFERENCES app_user(id)
);
CREATE INDEX consent_person ON consent(person_id);

CREATE TABLE consent_history (
    consent_id  TEXT NOT NULL REFERENCES consent(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    change      TEXT NOT NULL,             -- given, withdrawn, expiry_changed
    actor_id    TEXT NOT NULL REFERENCES app_user(id),
    detail      TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE referral (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    from_organisation_id TEXT NOT NULL REFERENCES organisation(id),
    to_organisation_id   TEXT NOT NULL REFERENCES organisation(id),
    status          TEXT NOT NULL,         -- sent, received, accepted, declined, closed
    reason          TEXT,
    decline_reason  TEXT,
    sent_at         TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- One recorded statement per case; others see it exists and ask for access.
CREATE TABLE statement (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL UNIQUE REFERENCES case_file(id) ON DELETE CASCADE,
    media_kind      TEXT NOT NULL,         -- audio, video, text
    attachment_sha256 TEXT,                -- sealed blob in the evidence store
    key_version     INTEGER NOT NULL,
    transcript      BLOB,                  -- sealed
    recorded_by     TEXT NOT NULL REFERENCES app_user(id),
    recorded_at     TEXT NOT NULL
);

CREATE TABLE statement_access (
    statement_id TEXT NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES app_user(id),
    granted_by   TEXT NOT NULL REFERENCES app_user(id),
    granted_at   TEXT NOT NULL,
    PRIMARY KEY (statement_id, user_id)
);

CREATE TABLE service (
    id          TEXT PRIMARY KEY,
    organisation_id TEXT REFERENCES organisation(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,             -- psychotrauma, shelter, legal_aid, health, education, family_support
    country     TEXT NOT NULL,
    area        TEXT,
    min_age     INTEGER,
    max_age     INTEGER,
    languages   TEXT NOT NULL DEFAULT '[]',
    capacity    INTEGER
);

CREATE TABLE note (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL REFERENCES app_user(id),
    key_version INTEGER NOT NULL,
    body        BLOB NOT NULL,             -- sealed
    created_at  TEXT NOT NULL
);

-- Append-only, hash-chained (docs/audit.md). Entries name objects by id, never personal data.
-- Cairn never updates or deletes a row here; no trigger forbids it, on purpose: whoever can write
-- to the database can drop a trigger, and the chain is what detects the edit (`cairn audit verify`).
-- On PostgreSQL, grant the application role only INSERT and SELECT on this table (docs/audit.md).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    organisation TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    fields      TEXT NOT NULL,             -- JSON array of field names read or written
    outcome     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

-- The chain head; appends lock it (BEGIN IMMEDIATE here, SELECT ... FOR UPDATE on PostgreSQL).
CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    seq     INTEGER NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
