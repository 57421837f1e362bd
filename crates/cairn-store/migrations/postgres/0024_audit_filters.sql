-- The auditor's questions ("who read this case?", "what did this user do?", "every export")
-- filter the log by object, actor or action, newest first: each (column, seq) index answers one
-- of them with a backward range scan instead of reading the whole log.
CREATE INDEX audit_log_object_seq ON audit_log (object, seq);
CREATE INDEX audit_log_actor_seq ON audit_log (actor, seq);
CREATE INDEX audit_log_action_seq ON audit_log (action, seq);
