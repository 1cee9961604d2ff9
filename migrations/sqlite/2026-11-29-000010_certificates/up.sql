-- Credentials [văn bằng, chứng chỉ]: signing keys, per-institution yearly numbering, the
-- certificates themselves and the register book [sổ gốc], which is only ever appended to.
CREATE TABLE signing_keys (
    id             TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    algorithm      TEXT NOT NULL,
    public_key     TEXT NOT NULL,
    secret_key     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    retired_at     TIMESTAMP
);
CREATE INDEX signing_keys_institution_id ON signing_keys(institution_id, created_at);
-- One key in use per institution; retired keys stay for verification.
CREATE UNIQUE INDEX signing_keys_active ON signing_keys(institution_id) WHERE retired_at IS NULL;

-- The last number given per institution per year; taken in the issuing transaction, so a
-- rolled-back issue gives its number back and the sequence has no gaps.
CREATE TABLE credential_counters (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    year           INTEGER NOT NULL,
    last_number    INTEGER NOT NULL,
    PRIMARY KEY (institution_id, year)
);

CREATE TABLE certificates (
    id                TEXT PRIMARY KEY NOT NULL,
    -- Who holds the record now (changes only when institutions merge) and who issued it.
    institution_id    TEXT NOT NULL REFERENCES institutions(id),
    issuer_id         TEXT NOT NULL REFERENCES institutions(id),
    cohort_id         TEXT NOT NULL REFERENCES cohorts(id),
    learner_id        TEXT NOT NULL REFERENCES learners(id),
    kind              TEXT NOT NULL,
    status            TEXT NOT NULL,
    year              INTEGER NOT NULL,
    number            INTEGER NOT NULL,
    serial            TEXT NOT NULL,
    register_no       TEXT NOT NULL,
    verification_code TEXT NOT NULL,
    facts             TEXT NOT NULL,
    key_id            TEXT NOT NULL REFERENCES signing_keys(id),
    signature         TEXT NOT NULL,
    replaces_id       TEXT REFERENCES certificates(id),
    replaced_by_id    TEXT REFERENCES certificates(id),
    issued_at         TIMESTAMP NOT NULL,
    issued_by         TEXT REFERENCES users(id),
    revoked_at        TIMESTAMP,
    revoke_reason     TEXT,
    version           BIGINT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX certificates_number ON certificates(issuer_id, year, number);
CREATE UNIQUE INDEX certificates_serial ON certificates(issuer_id, serial);
-- Finding a person from the number on their paper.
CREATE INDEX certificates_serial_lookup ON certificates(serial);
CREATE UNIQUE INDEX certificates_verification_code ON certificates(verification_code);
-- At most one first issue per learner per class: repeated or concurrent issuing cannot double.
CREATE UNIQUE INDEX certificates_first_issue ON certificates(cohort_id, learner_id) WHERE replaces_id IS NULL;
-- A credential is replaced at most once.
CREATE UNIQUE INDEX certificates_replaces_id ON certificates(replaces_id);
CREATE INDEX certificates_institution_id ON certificates(institution_id, id);
CREATE INDEX certificates_learner_id ON certificates(learner_id);
CREATE INDEX certificates_replaced_by_id ON certificates(replaced_by_id);
CREATE INDEX certificates_key_id ON certificates(key_id);
CREATE INDEX certificates_issued_by ON certificates(issued_by);

CREATE TABLE register_entries (
    id             TEXT PRIMARY KEY NOT NULL,
    certificate_id TEXT NOT NULL REFERENCES certificates(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    cohort_id      TEXT NOT NULL REFERENCES cohorts(id),
    event          TEXT NOT NULL,
    serial         TEXT NOT NULL,
    register_no    TEXT NOT NULL,
    holder         TEXT NOT NULL,
    related_id     TEXT REFERENCES certificates(id),
    reason         TEXT,
    at             TIMESTAMP NOT NULL,
    actor_id       TEXT REFERENCES users(id)
);
CREATE INDEX register_entries_certificate_id ON register_entries(certificate_id, at);
CREATE INDEX register_entries_institution_id ON register_entries(institution_id, at, id);
CREATE INDEX register_entries_cohort_id ON register_entries(cohort_id, at);
CREATE INDEX register_entries_related_id ON register_entries(related_id);
CREATE INDEX register_entries_actor_id ON register_entries(actor_id);
-- The register book is never edited, only appended.
CREATE TRIGGER register_entries_no_update BEFORE UPDATE ON register_entries
BEGIN SELECT RAISE(ABORT, 'the register book is append-only'); END;
CREATE TRIGGER register_entries_no_delete BEFORE DELETE ON register_entries
BEGIN SELECT RAISE(ABORT, 'the register book is append-only'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'credentials are never deleted'); END;
