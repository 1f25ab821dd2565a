-- Group Health rollups, kept in step by ingest and the retention purge (same transaction), so
-- the 24 h and 7 d views read thousands of rows instead of millions. Quarter-hours (15 min) are
-- the coarsest grain that both windows' buckets (15 min, 1 h) divide into. NULLs are stored as
-- 0 / '' so that each combination has exactly one row.
CREATE TABLE health_rollup (
    quarter     INTEGER NOT NULL,       -- ts_ms / 900000
    grp         TEXT NOT NULL,
    log_type    INTEGER NOT NULL,
    status_code INTEGER NOT NULL,       -- 0: none
    entry_id    TEXT NOT NULL,          -- '': no catalogue entry
    attribution TEXT NOT NULL,          -- '': none (consume rows)
    n           INTEGER NOT NULL,
    PRIMARY KEY (quarter, grp, log_type, status_code, entry_id, attribution)
) WITHOUT ROWID;

-- Who and what the errors touched per quarter-hour: kind 0 token, 1 user id, 2 model.
CREATE TABLE health_members (
    quarter INTEGER NOT NULL,
    grp     TEXT NOT NULL,
    kind    INTEGER NOT NULL,
    value   TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (quarter, grp, kind, value)
) WITHOUT ROWID;

-- The newest message of each (status, catalogue entry) signature, to name it in sentences.
CREATE TABLE signature_samples (
    status_code INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    ts_ms       INTEGER NOT NULL,
    content     TEXT NOT NULL,
    PRIMARY KEY (status_code, entry_id)
) WITHOUT ROWID;

INSERT INTO health_rollup
SELECT ts_ms / 900000, grp, log_type, coalesce(status_code, 0), coalesce(entry_id, ''),
       coalesce(attribution, ''), count(*)
FROM logs GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO health_members
SELECT ts_ms / 900000, grp, 0, token_name, count(*) FROM logs WHERE log_type = 5 GROUP BY 1, 2, 4
UNION ALL
SELECT ts_ms / 900000, grp, 1, CAST(user_id AS TEXT), count(*) FROM logs WHERE log_type = 5 GROUP BY 1, 2, 4
UNION ALL
SELECT ts_ms / 900000, grp, 2, model, count(*) FROM logs WHERE log_type = 5 GROUP BY 1, 2, 4;

INSERT INTO signature_samples
SELECT coalesce(status_code, 0), coalesce(entry_id, ''), max(ts_ms), content
FROM logs WHERE log_type = 5 GROUP BY 1, 2;
