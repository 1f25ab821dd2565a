-- The status codes that occur, so a class (5xx) or a list becomes one index-ordered branch per
-- code instead of a sort of every matching row. Kept by ingest; a purged code is harmless.
CREATE TABLE status_codes (code INTEGER PRIMARY KEY);
INSERT OR IGNORE INTO status_codes SELECT DISTINCT status_code FROM logs WHERE status_code IS NOT NULL;

-- The common pairs group+status and model+status, keyset-ordered and covering for the count.
CREATE INDEX logs_group_status_time ON logs (grp, status_code, log_type, ts_ms DESC, id DESC);
CREATE INDEX logs_model_status_time ON logs (model, status_code, log_type, ts_ms DESC, id DESC);
