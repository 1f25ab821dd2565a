-- The keyset indexes as the SQLite migrations 0011, 0014 and 0015 left them, for ingest speed.
--
-- Ascending: rows arrive newest last, so an insert lands at the end of its key range, where
-- PostgreSQL packs a full page and starts the next one; in a descending index it lands at the
-- front of the range and every split leaves two half-empty pages (twice the index, twice the
-- cache it needs). Newest-first pages scan them backwards, as fast.
--
-- Partial: consume rows (nine in ten on a busy relay) have no attribution, no catalogue entry
-- and no content, and the group + status and model + status pairs serve the Error logs view:
-- those indexes skip them. A filter `attribution = $1` or `entry_id = $1` implies the column
-- is not NULL; pages name the error type as a literal (`log_type = 5`) and a keyword search
-- adds `content <> ''`, which is what lets the planner use these indexes.
--
-- On a large existing table this rebuilds every partition's indexes in the migration's
-- transaction (the logs are locked meanwhile): run it in a quiet hour.
DROP INDEX logs_type_time;
DROP INDEX logs_user_time;
DROP INDEX logs_group_time;
DROP INDEX logs_model_time;
DROP INDEX logs_token_time;
DROP INDEX logs_status_time;
DROP INDEX logs_attr_time;
DROP INDEX logs_entry_time;
DROP INDEX logs_group_status_time;
DROP INDEX logs_model_status_time;
DROP INDEX logs_content_trgm;

CREATE INDEX logs_type_time   ON logs (log_type, ts_ms, id);
CREATE INDEX logs_user_time   ON logs (user_id, log_type, ts_ms, id);
CREATE INDEX logs_group_time  ON logs (grp, log_type, ts_ms, id);
CREATE INDEX logs_model_time  ON logs (model, log_type, ts_ms, id);
CREATE INDEX logs_token_time  ON logs (token_name, log_type, ts_ms, id);
CREATE INDEX logs_status_time ON logs (status_code, log_type, ts_ms, id);
CREATE INDEX logs_attr_time   ON logs (attribution, log_type, ts_ms, id) WHERE attribution IS NOT NULL;
CREATE INDEX logs_entry_time  ON logs (entry_id, ts_ms, id) WHERE entry_id IS NOT NULL;
CREATE INDEX logs_group_status_time ON logs (grp, status_code, ts_ms, id) WHERE log_type = 5;
CREATE INDEX logs_model_status_time ON logs (model, status_code, ts_ms, id) WHERE log_type = 5;
CREATE INDEX logs_content_trgm ON logs USING gin (content gin_trgm_ops) WHERE content <> '';
