-- Learners [học viên] and lecturers [giảng viên]. Names carry an accent-free search key and a
-- Vietnamese sort key computed by the service, so both databases search and order alike.
CREATE TABLE learners (
    id                    TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    institution_id        TEXT COLLATE "C" NOT NULL REFERENCES institutions(id),
    user_id               TEXT COLLATE "C" UNIQUE REFERENCES users(id),
    full_name             TEXT NOT NULL,
    family_name           TEXT NOT NULL,
    middle_name           TEXT NOT NULL,
    given_name            TEXT NOT NULL,
    name_key              TEXT COLLATE "C" NOT NULL,
    sort_key              TEXT COLLATE "C" NOT NULL,
    date_of_birth         DATE NOT NULL,
    gender                TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    ethnicity             TEXT,
    hometown              TEXT,
    national_id           TEXT,
    workplace             TEXT,
    position              TEXT,
    sending_unit          TEXT,
    education_level       TEXT NOT NULL CHECK (education_level IN ('primary', 'lower_secondary', 'upper_secondary', 'vocational', 'college', 'university', 'master', 'doctorate')),
    party_status          TEXT NOT NULL CHECK (party_status IN ('none', 'probationary', 'full')),
    party_admission_date  DATE,
    party_official_date   DATE,
    mass_org_member       BOOLEAN NOT NULL DEFAULT FALSE,
    local_official        BOOLEAN NOT NULL DEFAULT FALSE,
    prior_llct_level      TEXT NOT NULL CHECK (prior_llct_level IN ('none', 'elementary', 'intermediate', 'advanced')),
    prior_llct_year       INTEGER,
    prior_llct_credential TEXT,
    performance_ratings   TEXT NOT NULL,
    email                 TEXT,
    phone                 TEXT,
    version               BIGINT NOT NULL DEFAULT 1,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX learners_institution_sort ON learners(institution_id, sort_key, id);
CREATE INDEX learners_sort ON learners(sort_key, id);
CREATE INDEX learners_name_dob ON learners(name_key, date_of_birth);
CREATE INDEX learners_national_id ON learners(national_id);
CREATE INDEX learners_updated_at ON learners(updated_at, id);

CREATE TABLE lecturers (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    institution_id TEXT COLLATE "C" NOT NULL REFERENCES institutions(id),
    user_id        TEXT COLLATE "C" UNIQUE REFERENCES users(id),
    full_name      TEXT NOT NULL,
    family_name    TEXT NOT NULL,
    middle_name    TEXT NOT NULL,
    given_name     TEXT NOT NULL,
    name_key       TEXT COLLATE "C" NOT NULL,
    sort_key       TEXT COLLATE "C" NOT NULL,
    date_of_birth  DATE,
    gender         TEXT CHECK (gender IN ('male', 'female')),
    national_id    TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('full_time', 'concurrent', 'visiting')),
    rank           TEXT NOT NULL CHECK (rank IN ('lecturer', 'principal_lecturer', 'senior_lecturer')),
    academic_title TEXT,
    subjects       TEXT NOT NULL,
    rate_category  TEXT,
    workplace      TEXT,
    position       TEXT,
    email          TEXT,
    phone          TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX lecturers_institution_sort ON lecturers(institution_id, sort_key, id);
CREATE INDEX lecturers_sort ON lecturers(sort_key, id);
CREATE INDEX lecturers_name_dob ON lecturers(name_key, date_of_birth);
CREATE INDEX lecturers_national_id ON lecturers(national_id);
CREATE INDEX lecturers_updated_at ON lecturers(updated_at, id);
