-- Statistics (cairn-stats): privacy budget per dataset and the ledger of every release.
-- Same semantics on SQLite and PostgreSQL; see docs/stats.md.
-- Epsilon is held in millionths (micro-epsilon) so that budgets add up exactly.

CREATE TABLE stats_budget (
    dataset             TEXT PRIMARY KEY,
    total_micro_epsilon INTEGER NOT NULL CHECK (total_micro_epsilon >= 0),
    set_by              TEXT NOT NULL,     -- app_user id
    set_at              TEXT NOT NULL
);

-- One row per published release (suppressed tables, differentially private tables, exports).
-- The noise seed is sealed with the registry's data key (associated data binds table, column,
-- release id and key version): a release can be reproduced by whoever holds the master key.
CREATE TABLE stats_release (
    id              TEXT PRIMARY KEY,
    dataset         TEXT NOT NULL,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,         -- app_user id
    what            TEXT NOT NULL,         -- JSON: the request (tables, protection, options)
    mechanism       TEXT NOT NULL,         -- suppression, discrete_laplace, k_anonymity
    micro_epsilon   INTEGER NOT NULL DEFAULT 0,
    k               INTEGER,
    key_version     INTEGER,
    seed            BLOB,                 -- sealed 32-byte seed of the noise, or NULL
    output_sha256   TEXT NOT NULL
);
CREATE INDEX stats_release_dataset ON stats_release(dataset);
