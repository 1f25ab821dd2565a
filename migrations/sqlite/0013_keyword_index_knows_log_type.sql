-- The keyword index also holds each row's log type, as one trigram of its own column (`ty5`
-- for errors, `ty2` for consume rows), so a common keyword's count for one log type comes from
-- the index alone instead of reading the row of every match (10,000 row reads for a capped
-- count). Keyword queries name the content column, so a keyword never matches the type.
ALTER TABLE logs ADD COLUMN fts_type TEXT GENERATED ALWAYS AS ('ty' || log_type) VIRTUAL;

DROP TRIGGER logs_fts_insert;
DROP TRIGGER logs_fts_delete;
DROP TABLE logs_fts;
CREATE VIRTUAL TABLE logs_fts USING fts5(content, fts_type, content = 'logs', content_rowid = 'id', tokenize = 'trigram', columnsize = 0);
INSERT INTO logs_fts (rowid, content, fts_type) SELECT id, content, fts_type FROM logs WHERE content <> '';
CREATE TRIGGER logs_fts_insert AFTER INSERT ON logs WHEN new.content <> '' BEGIN
    INSERT INTO logs_fts (rowid, content, fts_type) VALUES (new.id, new.content, new.fts_type);
END;
CREATE TRIGGER logs_fts_delete AFTER DELETE ON logs WHEN old.content <> '' BEGIN
    INSERT INTO logs_fts (logs_fts, rowid, content, fts_type) VALUES ('delete', old.id, old.content, old.fts_type);
END;
