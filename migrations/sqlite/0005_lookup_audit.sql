-- Support and admin lookups of other users' requests: who looked, when, at which request.
CREATE TABLE lookup_audit (
    id             INTEGER PRIMARY KEY,
    ts_ms          INTEGER NOT NULL,
    account_id     INTEGER NOT NULL,
    username       TEXT NOT NULL,
    role           TEXT NOT NULL,
    log_id         INTEGER NOT NULL,
    request_id     TEXT NOT NULL,
    relay_user_id  INTEGER NOT NULL,
    how            TEXT NOT NULL
);
CREATE INDEX lookup_audit_ts ON lookup_audit (ts_ms DESC, id DESC);
