-- Keys relays use to push logs. Only a SHA-256 of the key is kept (keys are 190-bit random).
CREATE TABLE ingest_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER
);

-- Group Health reads every row of a window, errors and successes alike.
CREATE INDEX logs_time ON logs (ts_ms);
CREATE INDEX logs_entry_time ON logs (entry_id, ts_ms DESC, id DESC);
