-- API keys read as well as push: `scope` is ingest or read; a read key may be limited to one
-- relay user (it then sees what that user's account would).
ALTER TABLE ingest_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'ingest';
ALTER TABLE ingest_keys ADD COLUMN relay_user_id BIGINT;
