-- Classes [lớp học]: one published program at one institution, its enrolments, lecturer
-- assignments and timetable.
CREATE TABLE cohorts (
    id                     TEXT PRIMARY KEY NOT NULL,
    institution_id         TEXT NOT NULL REFERENCES institutions(id),
    program_id             TEXT NOT NULL REFERENCES programs(id),
    code                   TEXT NOT NULL,
    title                  TEXT NOT NULL,
    mode                   TEXT NOT NULL CHECK (mode IN ('full_time', 'in_service')),
    starts_on              DATE NOT NULL,
    ends_on                DATE NOT NULL,
    capacity               INTEGER NOT NULL CHECK (capacity >= 1),
    enrolled_count         INTEGER NOT NULL DEFAULT 0 CHECK (enrolled_count >= 0 AND enrolled_count <= capacity),
    -- Where it is taught when that is not the owner (a school's class at a local centre).
    venue_institution_id   TEXT REFERENCES institutions(id),
    location               TEXT,
    head_teacher_id        TEXT REFERENCES lecturers(id),
    regulation             TEXT NOT NULL,
    status                 TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'enrolling', 'in_progress', 'closing', 'closed', 'cancelled')),
    cancel_reason          TEXT,
    version                BIGINT NOT NULL DEFAULT 1,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    UNIQUE (institution_id, code)
);
CREATE INDEX cohorts_program_id ON cohorts(program_id);
CREATE INDEX cohorts_venue_institution_id ON cohorts(venue_institution_id);
CREATE INDEX cohorts_head_teacher_id ON cohorts(head_teacher_id);
CREATE INDEX cohorts_status_ends ON cohorts(status, ends_on);
CREATE INDEX cohorts_updated_at ON cohorts(updated_at, id);

CREATE TABLE enrollments (
    id              TEXT PRIMARY KEY NOT NULL,
    cohort_id       TEXT NOT NULL REFERENCES cohorts(id),
    learner_id      TEXT NOT NULL REFERENCES learners(id),
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    status          TEXT NOT NULL CHECK (status IN ('enrolled', 'withdrawn')),
    enrolled_on     DATE NOT NULL,
    withdrawn_on    DATE,
    withdraw_reason TEXT,
    -- Rules an administrator overrode, each with its reason, who and when.
    overrides       TEXT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (cohort_id, learner_id)
);
CREATE INDEX enrollments_learner_id ON enrollments(learner_id, status);
CREATE INDEX enrollments_institution_id ON enrollments(institution_id);

CREATE TABLE assignments (
    id            TEXT PRIMARY KEY NOT NULL,
    cohort_id     TEXT NOT NULL REFERENCES cohorts(id),
    module_id     TEXT NOT NULL REFERENCES program_modules(id),
    lecturer_id   TEXT NOT NULL REFERENCES lecturers(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    role          TEXT NOT NULL CHECK (role IN ('lead', 'assistant')),
    planned_hours INTEGER NOT NULL CHECK (planned_hours >= 0),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (cohort_id, module_id, lecturer_id)
);
CREATE INDEX assignments_module_id ON assignments(module_id);
CREATE INDEX assignments_lecturer_id ON assignments(lecturer_id);
CREATE INDEX assignments_institution_id ON assignments(institution_id);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY NOT NULL,
    cohort_id      TEXT NOT NULL REFERENCES cohorts(id),
    module_id      TEXT NOT NULL REFERENCES program_modules(id),
    lecturer_id    TEXT NOT NULL REFERENCES lecturers(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    place          TEXT NOT NULL,
    -- The place folded (case, accents, spaces) so that "Phòng 201" and "phong 201" clash.
    place_key      TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    note           TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_cohort_starts ON sessions(cohort_id, starts_at);
CREATE INDEX sessions_lecturer_starts ON sessions(lecturer_id, starts_at);
CREATE INDEX sessions_place_starts ON sessions(place_key, starts_at);
CREATE INDEX sessions_module_id ON sessions(module_id);
CREATE INDEX sessions_institution_id ON sessions(institution_id);

-- Changes people must hear about (rescheduled or cancelled sessions); the notification outbox
-- reads them.
CREATE TABLE schedule_events (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('session_rescheduled', 'session_cancelled')),
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    cohort_id   TEXT NOT NULL REFERENCES cohorts(id),
    detail      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX schedule_events_session_id ON schedule_events(session_id);
CREATE INDEX schedule_events_cohort_id ON schedule_events(cohort_id);
CREATE INDEX schedule_events_created_at ON schedule_events(created_at);

-- Secret calendar feed addresses, one per user, rotated on request.
CREATE TABLE calendar_tokens (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    token      TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
