-- Exams [thi, kiểm tra], their graders, grades with every change kept, and appeals [phúc khảo].
CREATE TABLE exams (
    id               TEXT PRIMARY KEY NOT NULL,
    cohort_id        TEXT NOT NULL REFERENCES cohorts(id),
    institution_id   TEXT NOT NULL REFERENCES institutions(id),
    kind             TEXT NOT NULL CHECK (kind IN ('module', 'graduation', 'retake')),
    module_id        TEXT REFERENCES program_modules(id),
    subject_code     TEXT,
    retake_of_id     TEXT REFERENCES exams(id),
    title            TEXT NOT NULL,
    held_on          DATE NOT NULL,
    place            TEXT,
    form             TEXT NOT NULL CHECK (form IN ('written', 'oral', 'essay')),
    blind            BOOLEAN NOT NULL DEFAULT FALSE,
    double_marking   BOOLEAN NOT NULL DEFAULT FALSE,
    grading_deadline DATE NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('planned', 'sealed', 'published', 'locked')),
    sealed_at        TIMESTAMP,
    published_at     TIMESTAMP,
    locked_at        TIMESTAMP,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX exams_cohort_id ON exams(cohort_id, held_on);
CREATE INDEX exams_institution_id ON exams(institution_id);
CREATE INDEX exams_module_id ON exams(module_id);
CREATE INDEX exams_retake_of_id ON exams(retake_of_id);

CREATE TABLE exam_graders (
    exam_id     TEXT NOT NULL REFERENCES exams(id),
    lecturer_id TEXT NOT NULL REFERENCES lecturers(id),
    PRIMARY KEY (exam_id, lecturer_id)
);
CREATE INDEX exam_graders_lecturer_id ON exam_graders(lecturer_id);

-- One row per candidate, made when the exam is sealed. Marks are in tenths (0–100). Under
-- double marking each grader's mark is kept; `value_tenths` is the mark that counts.
CREATE TABLE grades (
    id             TEXT PRIMARY KEY NOT NULL,
    exam_id        TEXT NOT NULL REFERENCES exams(id),
    learner_id     TEXT NOT NULL REFERENCES learners(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    code           TEXT NOT NULL,
    presence       TEXT NOT NULL CHECK (presence IN ('sat', 'absent', 'excused')),
    value_tenths   INTEGER CHECK (value_tenths IS NULL OR (value_tenths >= 0 AND value_tenths <= 100)),
    first_tenths   INTEGER,
    first_by       TEXT REFERENCES lecturers(id),
    second_tenths  INTEGER,
    second_by      TEXT REFERENCES lecturers(id),
    third_tenths   INTEGER,
    third_by       TEXT REFERENCES lecturers(id),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'published', 'locked')),
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (exam_id, learner_id),
    UNIQUE (exam_id, code)
);
CREATE INDEX grades_learner_id ON grades(learner_id);
CREATE INDEX grades_institution_id ON grades(institution_id);
CREATE INDEX grades_first_by ON grades(first_by);
CREATE INDEX grades_second_by ON grades(second_by);
CREATE INDEX grades_third_by ON grades(third_by);

CREATE TABLE grade_changes (
    id           TEXT PRIMARY KEY NOT NULL,
    grade_id     TEXT NOT NULL REFERENCES grades(id),
    changed_by   TEXT NOT NULL REFERENCES users(id),
    changed_at   TIMESTAMP NOT NULL,
    what         TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    reason       TEXT
);
CREATE INDEX grade_changes_grade_id ON grade_changes(grade_id, changed_at);
CREATE INDEX grade_changes_changed_by ON grade_changes(changed_by);
