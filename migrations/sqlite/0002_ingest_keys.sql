-- Keys relays use to push logs. Only a SHA-256 of the key is kept (keys are 190-bit random).
CREATE TABLE ingest_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER
);
