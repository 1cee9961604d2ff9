-- The change stamp: every write transaction raises it just before committing, so a reader on any
-- replica knows whether anything changed since a tag it gave out (conditional GETs).
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);
