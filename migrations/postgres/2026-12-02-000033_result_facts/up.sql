-- Per-class counts of the kept results, written with them in the same transaction by their one
-- writer (results::snapshot::keep: the close-out and every later change that moves a closed
-- class's results), so that a report over a period reads a few rows per class instead of every
-- learner's whole kept result.
CREATE TABLE result_outcomes (
    cohort_id      TEXT COLLATE "C" NOT NULL REFERENCES cohorts(id),
    outcome        TEXT NOT NULL CHECK (outcome IN ('graduated', 'failed', 'pending')),
    -- '' for an outcome without a classification.
    classification TEXT NOT NULL,
    learners       INTEGER NOT NULL CHECK (learners > 0),
    PRIMARY KEY (cohort_id, outcome, classification)
);
-- How many of a class's failed learners failed on each reason (a module, attendance, field
-- study, a graduation subject, conduct).
CREATE TABLE result_failures (
    cohort_id TEXT COLLATE "C" NOT NULL REFERENCES cohorts(id),
    reason    TEXT NOT NULL,
    learners  INTEGER NOT NULL CHECK (learners > 0),
    PRIMARY KEY (cohort_id, reason)
);
INSERT INTO result_outcomes (cohort_id, outcome, classification, learners)
    SELECT cohort_id, outcome, COALESCE(classification, ''), COUNT(*) FROM result_snapshots
    GROUP BY cohort_id, outcome, COALESCE(classification, '');
INSERT INTO result_failures (cohort_id, reason, learners)
    SELECT cohort_id, reason, COUNT(*) FROM result_snapshots, regexp_split_to_table(failed_on, ',') AS reason
    WHERE outcome = 'failed' AND reason <> '' GROUP BY cohort_id, reason;

-- A class's marks, grades and enrolments read from the index alone: results while a class runs
-- read every mark of the class, reports count enrolments per class and state.
DROP INDEX attendance_cohort_learner;
CREATE INDEX attendance_cohort_marks ON attendance(cohort_id, learner_id, session_id, status);
CREATE INDEX grades_exam_marks ON grades(exam_id, status, learner_id, presence, value_tenths);
CREATE INDEX enrollments_cohort_status ON enrollments(cohort_id, status);
