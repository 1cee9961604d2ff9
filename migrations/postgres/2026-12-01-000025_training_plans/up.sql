-- An institution's yearly training plan [kế hoạch đào tạo, bồi dưỡng]: lines per level (and
-- program) and mode with the classes and trainee-turns it will run [chỉ tiêu]. Drafted and
-- submitted by the institution, approved by the body above; an approved plan never changes, a
-- change is the next revision, which names the one it replaces.
CREATE TABLE training_plans (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    institution_id TEXT COLLATE "C" NOT NULL REFERENCES institutions(id),
    year           INTEGER NOT NULL,
    revision       INTEGER NOT NULL,
    replaces_id    TEXT COLLATE "C" REFERENCES training_plans(id),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved')),
    lines          TEXT NOT NULL,
    note           TEXT,
    created_by     TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    submitted_at   TIMESTAMP,
    submitted_by   TEXT COLLATE "C" REFERENCES users(id),
    approved_at    TIMESTAMP,
    approved_by    TEXT COLLATE "C" REFERENCES users(id),
    decision_no    TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (institution_id, year, revision)
);
CREATE INDEX training_plans_year ON training_plans(year, institution_id);
CREATE INDEX training_plans_updated_at ON training_plans(updated_at, id);
CREATE INDEX training_plans_replaces_id ON training_plans(replaces_id);
CREATE INDEX training_plans_created_by ON training_plans(created_by);
CREATE INDEX training_plans_submitted_by ON training_plans(submitted_by);
CREATE INDEX training_plans_approved_by ON training_plans(approved_by);
