-- Latency histograms for Group Health's and channel health's p50 / p95: rows per
-- quarter-hour, kind (0 group, 1 model, 2 channel), value and latency bucket (ten per power of
-- ten: domain::latency). Only consume and error rows that recorded a latency (> 0) count. Kept
-- in step with the other rollups by the same insert and purge transactions.
CREATE TABLE latency_rollup (
    quarter INTEGER NOT NULL,
    kind    INTEGER NOT NULL,
    value   TEXT NOT NULL,
    bucket  INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (quarter, kind, value, bucket)
) WITHOUT ROWID;

-- The bucket expression is domain::latency::bucket_sql(), word for word.
INSERT INTO latency_rollup (quarter, kind, value, bucket, n)
SELECT quarter, kind, value, bucket, count(*) FROM (
    SELECT ts_ms / 900000 AS quarter, 0 AS kind, grp AS value,
           (length(CAST(latency_ms AS TEXT)) - 1) * 10 + CASE WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 12 THEN 0 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 15 THEN 1 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 20 THEN 2 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 25 THEN 3 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 30 THEN 4 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 40 THEN 5 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 50 THEN 6 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 60 THEN 7 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 80 THEN 8 ELSE 9 END AS bucket
    FROM logs WHERE log_type IN (2, 5) AND latency_ms > 0
    UNION ALL
    SELECT ts_ms / 900000, 1, model,
           (length(CAST(latency_ms AS TEXT)) - 1) * 10 + CASE WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 12 THEN 0 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 15 THEN 1 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 20 THEN 2 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 25 THEN 3 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 30 THEN 4 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 40 THEN 5 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 50 THEN 6 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 60 THEN 7 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 80 THEN 8 ELSE 9 END
    FROM logs WHERE log_type IN (2, 5) AND latency_ms > 0
    UNION ALL
    SELECT ts_ms / 900000, 2, channel,
           (length(CAST(latency_ms AS TEXT)) - 1) * 10 + CASE WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 12 THEN 0 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 15 THEN 1 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 20 THEN 2 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 25 THEN 3 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 30 THEN 4 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 40 THEN 5 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 50 THEN 6 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 60 THEN 7 WHEN CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER) < 80 THEN 8 ELSE 9 END
    FROM logs WHERE log_type IN (2, 5) AND latency_ms > 0 AND channel IS NOT NULL AND channel <> ''
) AS measured
GROUP BY quarter, kind, value, bucket;
