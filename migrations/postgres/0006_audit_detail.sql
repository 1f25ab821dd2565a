-- The audit also records exports (their filter and row count) and failed sign-ins (the client's address).
ALTER TABLE lookup_audit ADD COLUMN detail TEXT NOT NULL DEFAULT '';
