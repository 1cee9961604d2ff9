-- Credentials copied from paper register books [sổ gốc]: issued before the service, often by a
-- centre that no longer exists. A record says who copied it, from which register and when; it
-- carries no signature, because none was made at issue.
CREATE TABLE credential_records (
    id                TEXT PRIMARY KEY NOT NULL,
    -- The institution that keeps the register book (moves when institutions merge).
    institution_id    TEXT NOT NULL REFERENCES institutions(id),
    learner_id        TEXT NOT NULL REFERENCES learners(id),
    level             TEXT NOT NULL,
    program_title     TEXT NOT NULL,
    classification    TEXT,
    serial            TEXT NOT NULL,
    register_no       TEXT NOT NULL,
    issued_on         DATE NOT NULL,
    -- The issuer: an institution of the service, or only the name of an abolished one.
    issuer_id         TEXT REFERENCES institutions(id),
    issuer_name       TEXT NOT NULL,
    -- issuer_id, or the folded issuer name: one serial per issuer.
    issuer_key        TEXT NOT NULL,
    verification_code TEXT NOT NULL,
    register          TEXT NOT NULL,
    import_id         TEXT NOT NULL,
    recorded_by       TEXT NOT NULL REFERENCES users(id),
    recorded_at       TIMESTAMP NOT NULL,
    version           BIGINT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX credential_records_serial ON credential_records(issuer_key, serial);
CREATE UNIQUE INDEX credential_records_verification_code ON credential_records(verification_code);
CREATE INDEX credential_records_serial_lookup ON credential_records(serial);
CREATE INDEX credential_records_institution_id ON credential_records(institution_id);
CREATE INDEX credential_records_learner_id ON credential_records(learner_id);
CREATE INDEX credential_records_issuer_id ON credential_records(issuer_id);
CREATE INDEX credential_records_recorded_by ON credential_records(recorded_by);
CREATE INDEX credential_records_import_id ON credential_records(import_id);
-- Levels whose prerequisite an institution accepts only on evidence (a credential issued or
-- recorded), not on the learner's declaration: a JSON list of levels.
ALTER TABLE institutions ADD COLUMN evidence_required TEXT NOT NULL DEFAULT '[]';
