-- Clusters of linked records (cairn link). Written in one transaction per link run: a reader sees
-- the previous run's clusters or the new ones, never half of them.
-- Numbered 0005 so that it does not collide with registry/statistics migrations landing meanwhile.

CREATE TABLE link_run (
    id          INTEGER PRIMARY KEY,
    finished_at TEXT NOT NULL,
    config      TEXT NOT NULL,             -- JSON of the thresholds used
    versions    TEXT NOT NULL,             -- JSON array of the scan rule-set versions the store mixes
    records     INTEGER NOT NULL,
    clusters    INTEGER NOT NULL
);

CREATE TABLE link_cluster (
    id          TEXT PRIMARY KEY,          -- stable across runs (see docs/link.md)
    run_id      INTEGER NOT NULL REFERENCES link_run(id),
    size        INTEGER NOT NULL,
    first_seen  TEXT,
    last_seen   TEXT,
    summary     TEXT NOT NULL              -- JSON: selectors, places, moves, touring, evidence
);
CREATE INDEX link_cluster_size ON link_cluster(size);

CREATE TABLE link_member (
    record_id   TEXT PRIMARY KEY,          -- not a foreign key: records are never deleted under clusters
    cluster_id  TEXT NOT NULL REFERENCES link_cluster(id) ON DELETE CASCADE
);
CREATE INDEX link_member_cluster ON link_member(cluster_id);

-- Selectors seen in too many unrelated records to link anything (hubs): reported, never linking.
CREATE TABLE link_common_selector (
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    records     INTEGER NOT NULL,
    contexts    INTEGER NOT NULL,
    run_id      INTEGER NOT NULL REFERENCES link_run(id),
    PRIMARY KEY (kind, value)
);
