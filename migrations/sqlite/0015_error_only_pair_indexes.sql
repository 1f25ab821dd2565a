-- The group + status and model + status pair indexes serve the Error logs view, which the
-- console opens with: they hold error rows only, so a consume row (nine in ten on a busy relay)
-- is written to two b-trees fewer. Pages name the log type as a literal (`log_type = 5`), which
-- is what lets SQLite use an index with this WHERE clause. "All usage logs" with these filters
-- uses the group, model or status index instead.
DROP INDEX logs_group_status_time;
DROP INDEX logs_model_status_time;
CREATE INDEX logs_group_status_time ON logs (grp, status_code, ts_ms, id) WHERE log_type = 5;
CREATE INDEX logs_model_status_time ON logs (model, status_code, ts_ms, id) WHERE log_type = 5;
