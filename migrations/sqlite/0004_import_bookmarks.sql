-- Where each import source left off (new-api's log id), so that imports resume.
CREATE TABLE import_bookmarks (
    source   TEXT PRIMARY KEY,
    last_id  INTEGER NOT NULL
);
