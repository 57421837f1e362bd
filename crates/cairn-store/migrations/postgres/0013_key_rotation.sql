-- Rotation of the blind-index key (docs/admin.md): the index key version that made a person's
-- tokens in person_index (existing persons: version 1, the only one there was), and when an older
-- index key stopped serving lookups because every person had been re-indexed.
ALTER TABLE person ADD COLUMN index_version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX person_by_index_version ON person(index_version, id);
ALTER TABLE key_ring ADD COLUMN retired_at TEXT;
