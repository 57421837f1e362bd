-- Images met while scanning are linked to the WARC record that carried them (its
-- WARC-Record-ID), next to the file and offset already kept in media_occurrence.
ALTER TABLE media_occurrence ADD COLUMN warc_record_id TEXT;
CREATE INDEX media_occurrence_warc_record ON media_occurrence(warc_record_id);
