-- latency_rollup summed per UTC day (96 quarter-hours), so a 7-day window's latency reads a
-- row per day, kind, value and bucket for its whole days instead of one per quarter-hour.
-- Kept in step by the same insert and purge transactions.
CREATE TABLE latency_daily (
    day    INTEGER NOT NULL,
    kind   INTEGER NOT NULL,
    value  TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (day, kind, value, bucket)
) WITHOUT ROWID;

INSERT INTO latency_daily (day, kind, value, bucket, n)
SELECT quarter / 96, kind, value, bucket, sum(n) FROM latency_rollup
GROUP BY quarter / 96, kind, value, bucket;
