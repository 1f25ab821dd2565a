-- Only error rows carry an attribution and a catalogue entry; consume rows (nine in ten on a
-- busy relay) leave both NULL. The indexes on those columns skip them, so a consume row is
-- written to two b-trees fewer. A filter `attribution = ?` or `entry_id = ?` implies the
-- column is not NULL, which is what lets SQLite use a partial index for it. The entry index
-- also turns ascending, as the keyset indexes did in 0011: rows arrive newest last, so an
-- insert lands at the end of its key range instead of splitting a page at its front.
DROP INDEX logs_attr_time;
CREATE INDEX logs_attr_time ON logs (attribution, log_type, ts_ms, id) WHERE attribution IS NOT NULL;
DROP INDEX logs_entry_time;
CREATE INDEX logs_entry_time ON logs (entry_id, ts_ms, id) WHERE entry_id IS NOT NULL;
