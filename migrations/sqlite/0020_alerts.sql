-- Alert rules: when Group Health finds a concentration or a group over an error rate in the
-- rule's window, an incident opens and a message goes to the rule's webhook. `webhook` and
-- `secret` are secrets (robot URLs carry their token): read by the delivery only, never shown.
CREATE TABLE alert_rules (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    webhook          TEXT NOT NULL,
    format           TEXT NOT NULL,
    secret           TEXT,
    window_name      TEXT NOT NULL,
    min_errors       INTEGER NOT NULL,
    min_rate_pct     INTEGER,
    grp              TEXT,
    notify_resolved  INTEGER NOT NULL,
    cooldown_minutes INTEGER NOT NULL,
    lang             TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    created_ms       INTEGER NOT NULL
);

-- One row per rule and incident key (what was found: kind, groups, signature). `is_open` while
-- Group Health still finds it; `fired_ms` is the last time a firing message was queued.
CREATE TABLE alert_incidents (
    rule_id     INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    incident_key TEXT NOT NULL,
    is_open     INTEGER NOT NULL,
    finding     TEXT NOT NULL,              -- the finding that opened it, as JSON
    opened_ms   INTEGER NOT NULL,
    resolved_ms INTEGER,
    fired_ms    INTEGER,
    PRIMARY KEY (rule_id, incident_key)
);

-- Messages to send and sent: pending ones survive a restart and are retried with backoff.
CREATE TABLE alert_deliveries (
    id           INTEGER PRIMARY KEY,
    rule_id      INTEGER NOT NULL,
    rule_name    TEXT NOT NULL,
    incident_key TEXT NOT NULL,
    event        TEXT NOT NULL,
    body         TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_ms   INTEGER NOT NULL,
    next_ms      INTEGER NOT NULL,
    last_ms      INTEGER,
    answer       TEXT
);
CREATE INDEX alert_deliveries_pending ON alert_deliveries (state, next_ms);
CREATE INDEX alert_deliveries_newest ON alert_deliveries (id DESC);
