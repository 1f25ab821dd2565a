-- When each quarter-hour's rollup rows last changed (a strictly increasing stamp per quarter;
-- a forgotten quarter loses its row). Group Health keeps what it read of a bucket while the
-- bucket's stamps stay the same, so a 7-day view reads only the buckets that changed.
CREATE TABLE rollup_versions (
    quarter INTEGER PRIMARY KEY,
    changed INTEGER NOT NULL
);
INSERT INTO rollup_versions SELECT DISTINCT quarter, 1 FROM health_totals;
