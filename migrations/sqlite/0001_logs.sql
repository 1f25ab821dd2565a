-- One row per client request. Times are Unix milliseconds (UTC).
CREATE TABLE logs (
    id                  INTEGER PRIMARY KEY,
    ts_ms               INTEGER NOT NULL,
    log_type            INTEGER NOT NULL,           -- 5 error, 2 consume (new-api's types)
    user_id             INTEGER NOT NULL,
    username            TEXT NOT NULL DEFAULT '',
    token_name          TEXT NOT NULL DEFAULT '',
    grp                 TEXT NOT NULL DEFAULT '',
    model               TEXT NOT NULL DEFAULT '',
    request_id          TEXT NOT NULL,
    attempt             INTEGER NOT NULL DEFAULT 0,
    upstream_request_id TEXT,
    status_code         INTEGER,
    error_code          TEXT,
    error_type          TEXT,
    content             TEXT NOT NULL DEFAULT '',
    latency_ms          INTEGER,
    is_stream           INTEGER NOT NULL DEFAULT 0,
    prompt_tokens       INTEGER NOT NULL DEFAULT 0,
    completion_tokens   INTEGER NOT NULL DEFAULT 0,
    quota               INTEGER NOT NULL DEFAULT 0,
    attribution         TEXT,                       -- the catalogue's base attribution
    entry_id            TEXT,                       -- the matched catalogue entry
    channel             TEXT,                       -- admin-only
    retries             TEXT,                       -- admin-only
    client_ip           TEXT                        -- admin-only
);

-- Idempotent ingest and the request_id lookup.
CREATE UNIQUE INDEX logs_request ON logs (request_id, attempt);
-- Keyset pagination, newest first, for each filter that leads a query.
CREATE INDEX logs_type_time   ON logs (log_type, ts_ms DESC, id DESC);
CREATE INDEX logs_user_time   ON logs (user_id, log_type, ts_ms DESC, id DESC);
CREATE INDEX logs_group_time  ON logs (grp, log_type, ts_ms DESC, id DESC);
CREATE INDEX logs_model_time  ON logs (model, log_type, ts_ms DESC, id DESC);
CREATE INDEX logs_token_time  ON logs (token_name, log_type, ts_ms DESC, id DESC);
CREATE INDEX logs_status_time ON logs (status_code, log_type, ts_ms DESC, id DESC);
CREATE INDEX logs_attr_time   ON logs (attribution, log_type, ts_ms DESC, id DESC);

-- Case-insensitive substring search over error content, ASCII and Chinese (trigram, SQLite >= 3.46).
CREATE VIRTUAL TABLE logs_fts USING fts5(content, content = 'logs', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER logs_fts_insert AFTER INSERT ON logs BEGIN
    INSERT INTO logs_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER logs_fts_delete AFTER DELETE ON logs BEGIN
    INSERT INTO logs_fts (logs_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

-- Values each relay user has, for the filter form's pick lists (kept in step by ingest).
CREATE TABLE facets (
    kind    TEXT NOT NULL,      -- model | token | group
    value   TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (kind, value, user_id)
) WITHOUT ROWID;
