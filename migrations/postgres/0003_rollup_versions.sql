-- When each quarter-hour's rollup rows last changed (see the SQLite migration 0012).
CREATE TABLE rollup_versions (
    quarter BIGINT PRIMARY KEY,
    changed BIGINT NOT NULL
);
INSERT INTO rollup_versions SELECT DISTINCT quarter, 1 FROM health_totals;
