PRAGMA foreign_keys = OFF;
BEGIN;
DELETE FROM auth_tokens WHERE user_id IN (SELECT id FROM users WHERE role IN ('inspector', 'unit_officer'));
CREATE TABLE users_rebuilt (
    id             TEXT PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    full_name      TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('system_admin', 'institution_admin', 'lecturer', 'learner')),
    institution_id TEXT REFERENCES institutions(id),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    last_login_at  TIMESTAMP,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK ((role = 'system_admin') = (institution_id IS NULL))
);
INSERT INTO users_rebuilt SELECT id, email, password_hash, full_name, role, institution_id, status, last_login_at, version, created_at, updated_at
    FROM users WHERE role NOT IN ('inspector', 'unit_officer');
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE INDEX users_institution_id ON users(institution_id);
CREATE INDEX users_updated_at ON users(updated_at, id);
COMMIT;
PRAGMA foreign_keys = ON;
