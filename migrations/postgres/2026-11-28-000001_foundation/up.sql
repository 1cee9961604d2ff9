-- Institution tiers are data, not code: the 2025 reorganisation added commune-level centres and
-- retired district-level ones, and old records keep the tier they had.
CREATE TABLE institution_tiers (
    code        TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    name_vi     TEXT NOT NULL,
    position    INTEGER NOT NULL,
    valid_from  DATE,
    valid_until DATE
);
INSERT INTO institution_tiers (code, name, name_vi, position, valid_from, valid_until) VALUES
 ('academy', 'National academy', 'Học viện Chính trị quốc gia Hồ Chí Minh', 1, NULL, NULL),
 ('regional_academy', 'Regional academy', 'Học viện Chính trị khu vực', 2, NULL, NULL),
 ('provincial_school', 'Provincial political school', 'Trường chính trị tỉnh, thành phố', 3, NULL, NULL),
 ('commune_center', 'Commune-level political centre', 'Trung tâm chính trị cấp xã', 4, '2025-07-01', NULL),
 ('district_center', 'District-level political centre', 'Trung tâm chính trị cấp huyện', 5, NULL, '2025-06-30'),
 ('party_committee', 'Party committee of an agency bloc', 'Đảng ủy khối', 6, NULL, NULL);

CREATE TABLE institutions (
    id          TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    parent_id   TEXT COLLATE "C" REFERENCES institutions(id),
    path        TEXT COLLATE "C" NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    short_name  TEXT,
    tier        TEXT NOT NULL REFERENCES institution_tiers(code),
    province    TEXT,
    address     TEXT,
    email       TEXT,
    phone       TEXT,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged')),
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX institutions_parent_id ON institutions(parent_id);
CREATE INDEX institutions_tier ON institutions(tier);
CREATE INDEX institutions_path ON institutions(path);
CREATE INDEX institutions_updated_at ON institutions(updated_at, id);

CREATE TABLE users (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    full_name      TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('system_admin', 'institution_admin', 'lecturer', 'learner')),
    institution_id TEXT COLLATE "C" REFERENCES institutions(id),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    last_login_at  TIMESTAMP,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK ((role = 'system_admin') = (institution_id IS NULL))
);
CREATE INDEX users_institution_id ON users(institution_id);
CREATE INDEX users_updated_at ON users(updated_at, id);

CREATE TABLE auth_tokens (
    id          TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX auth_tokens_user_id ON auth_tokens(user_id);
CREATE INDEX auth_tokens_expires_at ON auth_tokens(expires_at);

-- A creating POST with an Idempotency-Key stores its response here in the same transaction as
-- the change, so a repeat returns the first answer and changes nothing.
CREATE TABLE idempotency_keys (
    user_id           TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    idem_key          TEXT NOT NULL,
    request_hash      TEXT NOT NULL,
    response_status   INTEGER NOT NULL,
    response_body     TEXT NOT NULL,
    response_etag     TEXT,
    response_location TEXT,
    created_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys(created_at);
