-- Score reviews [phúc khảo]: filed by a learner within the window after publication, resolved by
-- an administrator with a reviewer's new grade (or none) and the reason.
CREATE TABLE appeals (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    exam_id        TEXT COLLATE "C" NOT NULL REFERENCES exams(id),
    grade_id       TEXT COLLATE "C" NOT NULL REFERENCES grades(id),
    learner_id     TEXT COLLATE "C" NOT NULL REFERENCES learners(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('filed', 'resolved')),
    reviewer_id    TEXT COLLATE "C" REFERENCES lecturers(id),
    old_tenths     INTEGER,
    new_tenths     INTEGER,
    resolution     TEXT,
    resolved_by    TEXT COLLATE "C" REFERENCES users(id),
    filed_at       TIMESTAMP NOT NULL,
    resolved_at    TIMESTAMP
);
CREATE INDEX appeals_exam_id ON appeals(exam_id, filed_at);
CREATE INDEX appeals_grade_id ON appeals(grade_id);
CREATE INDEX appeals_learner_id ON appeals(learner_id);
CREATE INDEX appeals_institution_id ON appeals(institution_id);
CREATE INDEX appeals_reviewer_id ON appeals(reviewer_id);
CREATE INDEX appeals_resolved_by ON appeals(resolved_by);
