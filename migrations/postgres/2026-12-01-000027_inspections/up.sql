-- An inspection or supervision [kiểm tra, giám sát] of one institution by the party
-- organisation: its team, the period inspected, the findings, and recommendations with due
-- dates that the institution answers (JSON lists: each recommendation keeps its answer).
CREATE TABLE inspections (
    id                       TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    institution_id           TEXT COLLATE "C" NOT NULL REFERENCES institutions(id),
    inspector_institution_id TEXT COLLATE "C" REFERENCES institutions(id),
    kind                     TEXT NOT NULL CHECK (kind IN ('inspection', 'supervision', 'thematic')),
    title                    TEXT NOT NULL,
    held_on                  DATE NOT NULL,
    period_from              DATE NOT NULL,
    period_to                DATE NOT NULL,
    team                     TEXT NOT NULL,
    findings                 TEXT NOT NULL,
    recommendations          TEXT NOT NULL,
    created_by               TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    version                  BIGINT NOT NULL DEFAULT 1,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL
);
CREATE INDEX inspections_institution_id ON inspections(institution_id, held_on);
CREATE INDEX inspections_inspector_institution_id ON inspections(inspector_institution_id);
CREATE INDEX inspections_created_by ON inspections(created_by);
