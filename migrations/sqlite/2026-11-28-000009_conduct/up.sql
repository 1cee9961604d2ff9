-- Conduct in class [đánh giá rèn luyện], recorded by the head teacher or an administrator.
CREATE TABLE conduct (
    id             TEXT PRIMARY KEY NOT NULL,
    cohort_id      TEXT NOT NULL REFERENCES cohorts(id),
    learner_id     TEXT NOT NULL REFERENCES learners(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    political      TEXT NOT NULL CHECK (political IN ('tot', 'kha', 'trung_binh', 'yeu')),
    discipline     TEXT NOT NULL CHECK (discipline IN ('tot', 'kha', 'trung_binh', 'yeu')),
    class_rules    TEXT NOT NULL CHECK (class_rules IN ('tot', 'kha', 'trung_binh', 'yeu')),
    comment        TEXT,
    measure        TEXT CHECK (measure IS NULL OR measure IN ('reprimand', 'warning', 'expulsion')),
    measure_on     DATE,
    measure_reason TEXT,
    recorded_by    TEXT NOT NULL REFERENCES users(id),
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (cohort_id, learner_id)
);
CREATE INDEX conduct_learner_id ON conduct(learner_id);
CREATE INDEX conduct_institution_id ON conduct(institution_id);
CREATE INDEX conduct_recorded_by ON conduct(recorded_by);
