-- The audit trail: one row per write through the API, in the same transaction as the write.
-- Append-only: nothing in the API updates or deletes it.
CREATE TABLE audit_log (
    id             TEXT PRIMARY KEY NOT NULL,
    at             TIMESTAMP NOT NULL,
    request_id     TEXT,
    actor_id       TEXT REFERENCES users(id),
    actor_role     TEXT,
    institution_id TEXT REFERENCES institutions(id),
    client_addr    TEXT,
    method         TEXT NOT NULL,
    path           TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    resource_id    TEXT,
    summary        TEXT
);
CREATE INDEX audit_log_resource ON audit_log(resource_type, resource_id, at);
CREATE INDEX audit_log_actor_id ON audit_log(actor_id, at);
CREATE INDEX audit_log_institution_id ON audit_log(institution_id, at);
CREATE INDEX audit_log_at ON audit_log(at);
