-- Units that send people to study [đơn vị cử đi học], with the address their results go to.
-- The name is matched with learners' sending_unit, folded (no accents, no case).
CREATE TABLE sending_units (
    id             TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    email          TEXT,
    contact_name   TEXT,
    version        BIGINT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (institution_id, name_key)
);
-- A merge of one institution into another (the 2025 reorganisation): the merged one stays,
-- read-only, under the one that took over its records.
CREATE TABLE institution_merges (
    institution_id TEXT PRIMARY KEY NOT NULL REFERENCES institutions(id),
    merged_into_id TEXT NOT NULL REFERENCES institutions(id),
    moved          TEXT NOT NULL,
    merged_by      TEXT NOT NULL REFERENCES users(id),
    merged_at      TIMESTAMP NOT NULL
);
CREATE INDEX institution_merges_merged_into_id ON institution_merges(merged_into_id);
CREATE INDEX institution_merges_merged_by ON institution_merges(merged_by);
-- Two records of one person combined: the removed record as it was, and where its history went.
CREATE TABLE learner_merges (
    id              TEXT PRIMARY KEY NOT NULL,
    removed_id      TEXT NOT NULL,
    kept_id         TEXT NOT NULL REFERENCES learners(id),
    removed_record  TEXT NOT NULL,
    moved           TEXT NOT NULL,
    merged_by       TEXT NOT NULL REFERENCES users(id),
    merged_at       TIMESTAMP NOT NULL
);
CREATE INDEX learner_merges_kept_id ON learner_merges(kept_id);
CREATE INDEX learner_merges_removed_id ON learner_merges(removed_id);
CREATE INDEX learner_merges_merged_by ON learner_merges(merged_by);
