-- Requests per quarter-hour, group and log type: what Group Health's totals, previous-window
-- comparison and request series need, a few rows per quarter whatever the traffic. Kept in
-- step with health_rollup by the same insert and purge transactions.
CREATE TABLE health_totals (
    quarter  INTEGER NOT NULL,
    grp      TEXT NOT NULL,
    log_type INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (quarter, grp, log_type)
) WITHOUT ROWID;

INSERT INTO health_totals SELECT quarter, grp, log_type, sum(n) FROM health_rollup GROUP BY 1, 2, 3;
