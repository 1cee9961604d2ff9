-- Scheduled work and the outbox.

-- One row per run of a job. A scheduled occurrence has one key (the job's cron time), so when
-- several replicas fire at once the unique index lets exactly one of them run it.
CREATE TABLE job_runs (
    id          TEXT PRIMARY KEY NOT NULL,
    job         TEXT NOT NULL,
    occurrence  TEXT NOT NULL,
    trigger     TEXT NOT NULL,
    runner      TEXT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome     TEXT NOT NULL,
    counts      TEXT NOT NULL,
    error       TEXT
);
CREATE UNIQUE INDEX job_runs_occurrence ON job_runs(job, occurrence);
CREATE INDEX job_runs_job ON job_runs(job, started_at);

-- At most one run of a job at a time across replicas; a lease expires so a dead holder does
-- not block the job for ever.
CREATE TABLE job_leases (
    job        TEXT PRIMARY KEY NOT NULL,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- Every message, written in the same transaction as its cause; the dedupe key makes sure the
-- same reminder is never queued twice.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    dedupe_key      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    user_id         TEXT REFERENCES users(id),
    institution_id  TEXT REFERENCES institutions(id),
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    attachment_name TEXT,
    attachment      BLOB,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      TEXT,
    sent_at         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX outbox_dedupe_key ON outbox(dedupe_key);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_user_id ON outbox(user_id, id);
CREATE INDEX outbox_institution_id ON outbox(institution_id, id);

-- Reminder kinds a user chose not to receive.
CREATE TABLE notification_opt_outs (
    user_id TEXT NOT NULL REFERENCES users(id),
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Who signs an institution's credentials, for those the close-out issues.
ALTER TABLE institutions ADD COLUMN signer_name TEXT;
ALTER TABLE institutions ADD COLUMN signer_title TEXT;
