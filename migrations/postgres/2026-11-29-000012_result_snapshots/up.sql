-- Each learner's result as the close-out computed it: what reports count, and what stays true
-- after the class is closed.
CREATE TABLE result_snapshots (
    cohort_id      TEXT COLLATE "C" NOT NULL REFERENCES cohorts(id),
    learner_id     TEXT COLLATE "C" NOT NULL REFERENCES learners(id),
    institution_id TEXT COLLATE "C" NOT NULL REFERENCES institutions(id),
    outcome        TEXT NOT NULL,
    average_tenths INTEGER,
    classification TEXT,
    failed_on      TEXT NOT NULL,
    reasons        TEXT NOT NULL,
    computed_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (cohort_id, learner_id)
);
CREATE INDEX result_snapshots_learner_id ON result_snapshots(learner_id);
CREATE INDEX result_snapshots_institution_id ON result_snapshots(institution_id);
