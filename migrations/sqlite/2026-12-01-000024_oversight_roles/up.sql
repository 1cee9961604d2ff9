-- Two roles of the party organisation's oversight: inspectors [đoàn kiểm tra, giám sát], who read
-- everything in their subtree and write only their inspections, and the organisation officers of
-- sending units [cán bộ tổ chức], linked to one registered unit.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE users_rebuilt (
    id              TEXT PRIMARY KEY NOT NULL,
    email           TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    full_name       TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('system_admin', 'institution_admin', 'lecturer', 'learner', 'inspector', 'unit_officer')),
    institution_id  TEXT REFERENCES institutions(id),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    last_login_at   TIMESTAMP,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    sending_unit_id TEXT REFERENCES sending_units(id),
    CHECK ((role = 'system_admin') = (institution_id IS NULL)),
    CHECK ((role = 'unit_officer') = (sending_unit_id IS NOT NULL))
);
INSERT INTO users_rebuilt (id, email, password_hash, full_name, role, institution_id, status, last_login_at, version, created_at, updated_at)
    SELECT id, email, password_hash, full_name, role, institution_id, status, last_login_at, version, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE INDEX users_institution_id ON users(institution_id);
CREATE INDEX users_updated_at ON users(updated_at, id);
CREATE INDEX users_sending_unit_id ON users(sending_unit_id);
COMMIT;
PRAGMA foreign_keys = ON;
