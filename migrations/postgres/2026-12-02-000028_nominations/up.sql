-- A sending unit's list of people to study [danh sách cử đi học] under its decision
-- [quyết định cử đi học], for one class or for a program and year, and the school's decision
-- on each person: accepted (enrolled) or rejected with the reasons.
CREATE TABLE nominations (
    id              TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    institution_id  TEXT COLLATE "C" NOT NULL REFERENCES institutions(id),
    sending_unit_id TEXT COLLATE "C" NOT NULL REFERENCES sending_units(id),
    decision_no     TEXT NOT NULL,
    decision_on     DATE NOT NULL,
    cohort_id       TEXT COLLATE "C" REFERENCES cohorts(id),
    program_id      TEXT COLLATE "C" REFERENCES programs(id),
    year            INTEGER,
    note            TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'decided')),
    people_count    INTEGER NOT NULL,
    pending_count   INTEGER NOT NULL CHECK (pending_count >= 0 AND pending_count <= people_count),
    submitted_by    TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK ((cohort_id IS NOT NULL AND program_id IS NULL AND year IS NULL)
        OR (cohort_id IS NULL AND program_id IS NOT NULL AND year IS NOT NULL)),
    CHECK ((status = 'decided') = (pending_count = 0))
);
-- One list per decision of a unit: the same decision sent twice is refused.
CREATE UNIQUE INDEX nominations_decision ON nominations(sending_unit_id, decision_no, decision_on);
CREATE INDEX nominations_institution_id ON nominations(institution_id, status);
CREATE INDEX nominations_cohort_id ON nominations(cohort_id);
CREATE INDEX nominations_program_id ON nominations(program_id);
CREATE INDEX nominations_submitted_by ON nominations(submitted_by);

CREATE TABLE nominated_people (
    id              TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    nomination_id   TEXT COLLATE "C" NOT NULL REFERENCES nominations(id),
    position        INTEGER NOT NULL CHECK (position >= 1),
    learner_id      TEXT COLLATE "C" NOT NULL REFERENCES learners(id),
    -- Whether the list created the learner's record (no record matched the person).
    created_learner BOOLEAN NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    reasons         TEXT NOT NULL,
    cohort_id       TEXT COLLATE "C" REFERENCES cohorts(id),
    enrollment_id   TEXT COLLATE "C" REFERENCES enrollments(id),
    decided_by      TEXT COLLATE "C" REFERENCES users(id),
    decided_at      TIMESTAMP,
    CHECK ((status = 'accepted') = (enrollment_id IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX nominated_people_position ON nominated_people(nomination_id, position);
CREATE UNIQUE INDEX nominated_people_learner ON nominated_people(nomination_id, learner_id);
CREATE INDEX nominated_people_learner_id ON nominated_people(learner_id, status);
CREATE INDEX nominated_people_cohort_id ON nominated_people(cohort_id);
CREATE INDEX nominated_people_enrollment_id ON nominated_people(enrollment_id);
CREATE INDEX nominated_people_decided_by ON nominated_people(decided_by);
