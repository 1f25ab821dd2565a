-- new-api databases errscope follows (serve --follow-newapi, or added on /admin/sources).
-- `url` may hold credentials: it is read by the sync only, never shown; `name` is the URL
-- without them. The figures are the sync's last word on each source.
CREATE TABLE sync_sources (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    url               TEXT NOT NULL,
    from_flag         INTEGER NOT NULL DEFAULT 0,
    paused            INTEGER NOT NULL DEFAULT 0,
    created_ms        INTEGER NOT NULL,
    imported          INTEGER NOT NULL DEFAULT 0,
    rejected          INTEGER NOT NULL DEFAULT 0,
    skipped           INTEGER NOT NULL DEFAULT 0,
    pending           INTEGER NOT NULL DEFAULT 0,
    last_id           INTEGER NOT NULL DEFAULT 0,
    last_row_ms       INTEGER,
    last_poll_ms      INTEGER,
    last_success_ms   INTEGER,
    last_error        TEXT,
    newest_error_ms   INTEGER,
    newest_consume_ms INTEGER
);
