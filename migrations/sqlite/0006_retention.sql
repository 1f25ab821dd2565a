-- How many days of each log type to keep (no row: keep forever), and what each purge removed.
CREATE TABLE retention (
    log_type  INTEGER PRIMARY KEY,          -- 5 error, 2 consume
    days      INTEGER NOT NULL CHECK (days > 0)
);
CREATE TABLE retention_runs (
    id           INTEGER PRIMARY KEY,
    started_ms   INTEGER NOT NULL,
    finished_ms  INTEGER NOT NULL,
    log_type     INTEGER NOT NULL,
    days         INTEGER NOT NULL,
    cutoff_ms    INTEGER NOT NULL,
    removed      INTEGER NOT NULL
);
