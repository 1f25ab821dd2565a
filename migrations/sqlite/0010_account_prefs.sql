-- What an account picked for itself: the console language (en, zh) and the time zone (an IANA
-- name). NULL: the browser's.
ALTER TABLE accounts ADD COLUMN lang TEXT;
ALTER TABLE accounts ADD COLUMN time_zone TEXT;
