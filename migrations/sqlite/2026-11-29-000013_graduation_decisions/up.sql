-- The graduation council's decision for a class [quyết định công nhận tốt nghiệp]: number, date,
-- signer, and per-learner overrides with their reasons.
CREATE TABLE graduation_decisions (
    cohort_id      TEXT PRIMARY KEY NOT NULL REFERENCES cohorts(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    number         TEXT NOT NULL,
    decided_on     DATE NOT NULL,
    signer_name    TEXT NOT NULL,
    signer_title   TEXT NOT NULL,
    overrides      TEXT NOT NULL,
    recorded_by    TEXT NOT NULL REFERENCES users(id),
    recorded_at    TIMESTAMP NOT NULL
);
CREATE INDEX graduation_decisions_institution_id ON graduation_decisions(institution_id);
CREATE INDEX graduation_decisions_recorded_by ON graduation_decisions(recorded_by);
