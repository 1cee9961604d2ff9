-- Curricula [chương trình]: versioned by edition; a published program and its modules are frozen.
CREATE TABLE programs (
    id                   TEXT PRIMARY KEY NOT NULL,
    code                 TEXT NOT NULL,
    title                TEXT NOT NULL,
    title_key            TEXT NOT NULL,
    level                TEXT NOT NULL CHECK (level IN ('refresher', 'elementary', 'intermediate', 'advanced')),
    edition              TEXT NOT NULL,
    credential           TEXT NOT NULL CHECK (credential IN ('certificate', 'diploma')),
    owner_institution_id TEXT REFERENCES institutions(id),
    -- The owner's id, or 'national': NULLs never collide in a unique index, this does.
    owner_key            TEXT NOT NULL,
    description          TEXT,
    status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
    previous_id          TEXT REFERENCES programs(id),
    rules                TEXT NOT NULL,
    published_at         TIMESTAMP,
    retired_at           TIMESTAMP,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (owner_key, code, edition)
);
CREATE INDEX programs_owner_institution_id ON programs(owner_institution_id);
CREATE INDEX programs_previous_id ON programs(previous_id);
CREATE INDEX programs_level_status ON programs(level, status);
CREATE INDEX programs_updated_at ON programs(updated_at, id);

CREATE TABLE program_modules (
    id              TEXT PRIMARY KEY NOT NULL,
    program_id      TEXT NOT NULL REFERENCES programs(id),
    code            TEXT NOT NULL,
    title           TEXT NOT NULL,
    hours           INTEGER NOT NULL CHECK (hours >= 0),
    position        INTEGER NOT NULL CHECK (position >= 1),
    assessment      TEXT NOT NULL CHECK (assessment IN ('written', 'oral', 'essay', 'none')),
    part            TEXT,
    graduation_exam BOOLEAN NOT NULL DEFAULT FALSE,
    description     TEXT,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (program_id, code)
);
CREATE INDEX program_modules_program_position ON program_modules(program_id, position);

-- Which institution tiers may run which levels: an installation setting, seeded with the defaults.
CREATE TABLE tier_levels (
    tier  TEXT NOT NULL REFERENCES institution_tiers(code),
    level TEXT NOT NULL CHECK (level IN ('refresher', 'elementary', 'intermediate', 'advanced')),
    PRIMARY KEY (tier, level)
);
CREATE INDEX tier_levels_level ON tier_levels(level);
INSERT INTO tier_levels (tier, level) VALUES
 ('academy', 'refresher'), ('regional_academy', 'refresher'), ('provincial_school', 'refresher'),
 ('commune_center', 'refresher'), ('district_center', 'refresher'), ('party_committee', 'refresher'),
 ('commune_center', 'elementary'), ('district_center', 'elementary'), ('provincial_school', 'elementary'),
 ('provincial_school', 'intermediate'),
 ('academy', 'advanced'), ('regional_academy', 'advanced');
