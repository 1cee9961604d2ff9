-- Roll call [điểm danh] per session and learner, every change kept; make-up hours; field study
-- [nghiên cứu thực tế] with one report per learner.
ALTER TABLE sessions ADD COLUMN roll_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE attendance (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    session_id     TEXT COLLATE "C" NOT NULL REFERENCES sessions(id),
    learner_id     TEXT COLLATE "C" NOT NULL REFERENCES learners(id),
    cohort_id      TEXT COLLATE "C" NOT NULL REFERENCES cohorts(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    status         TEXT NOT NULL CHECK (status IN ('present', 'late', 'excused', 'absent')),
    minutes_late   INTEGER CHECK (minutes_late IS NULL OR minutes_late >= 0),
    note           TEXT,
    recorded_by    TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (session_id, learner_id)
);
CREATE INDEX attendance_cohort_learner ON attendance(cohort_id, learner_id);
CREATE INDEX attendance_learner_id ON attendance(learner_id);
CREATE INDEX attendance_institution_id ON attendance(institution_id);
CREATE INDEX attendance_recorded_by ON attendance(recorded_by);

CREATE TABLE attendance_changes (
    id          TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    session_id  TEXT COLLATE "C" NOT NULL REFERENCES sessions(id),
    learner_id  TEXT COLLATE "C" NOT NULL REFERENCES learners(id),
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    old_note    TEXT,
    new_note    TEXT,
    reason      TEXT,
    changed_by  TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    changed_at  TIMESTAMP NOT NULL
);
CREATE INDEX attendance_changes_session ON attendance_changes(session_id, learner_id);
CREATE INDEX attendance_changes_learner_id ON attendance_changes(learner_id);
CREATE INDEX attendance_changes_changed_by ON attendance_changes(changed_by);

CREATE TABLE makeups (
    id          TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    cohort_id   TEXT COLLATE "C" NOT NULL REFERENCES cohorts(id),
    learner_id  TEXT COLLATE "C" NOT NULL REFERENCES learners(id),
    module_id   TEXT COLLATE "C" NOT NULL REFERENCES program_modules(id),
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    reason      TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX makeups_cohort_learner ON makeups(cohort_id, learner_id);
CREATE INDEX makeups_learner_id ON makeups(learner_id);
CREATE INDEX makeups_module_id ON makeups(module_id);
CREATE INDEX makeups_recorded_by ON makeups(recorded_by);

CREATE TABLE field_trips (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    cohort_id      TEXT COLLATE "C" NOT NULL REFERENCES cohorts(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    destination    TEXT NOT NULL,
    starts_on      DATE NOT NULL,
    ends_on        DATE NOT NULL,
    leader         TEXT NOT NULL,
    report_due_on  DATE NOT NULL,
    description    TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX field_trips_cohort_id ON field_trips(cohort_id);
CREATE INDEX field_trips_institution_id ON field_trips(institution_id);

CREATE TABLE field_reports (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    field_trip_id  TEXT COLLATE "C" NOT NULL REFERENCES field_trips(id),
    learner_id     TEXT COLLATE "C" NOT NULL REFERENCES learners(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    body           TEXT,
    file_name      TEXT,
    file_type      TEXT,
    file_size      INTEGER,
    file_data      BYTEA,
    submitted_at   TIMESTAMP,
    late           BOOLEAN NOT NULL DEFAULT FALSE,
    -- The grade in tenths (0–100), so that 7.5 is stored exactly.
    grade_tenths   INTEGER CHECK (grade_tenths IS NULL OR (grade_tenths >= 0 AND grade_tenths <= 100)),
    grade_comment  TEXT,
    graded_by      TEXT COLLATE "C" REFERENCES users(id),
    graded_at      TIMESTAMP,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (field_trip_id, learner_id)
);
CREATE INDEX field_reports_learner_id ON field_reports(learner_id);
CREATE INDEX field_reports_institution_id ON field_reports(institution_id);
CREATE INDEX field_reports_graded_by ON field_reports(graded_by);
