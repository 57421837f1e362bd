-- Investigation screens (issue 7): the scan list and a scan's report read records and their
-- occurrences by run; without these indexes each would scan the whole table.
CREATE INDEX IF NOT EXISTS record_run ON record(run_id);
CREATE INDEX IF NOT EXISTS occurrence_run ON occurrence(run_id);
