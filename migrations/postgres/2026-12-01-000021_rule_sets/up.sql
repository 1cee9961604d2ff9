-- Eligibility rule sets by regulation, every number a field: a class's regulation is the code of
-- the set in force when it opened, and keeps it. The two regulations the service ships with.
CREATE TABLE rule_sets (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    code           TEXT COLLATE "C" NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    effective_from DATE NOT NULL UNIQUE,
    rules          TEXT NOT NULL,
    builtin        BOOLEAN NOT NULL,
    version        BIGINT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
INSERT INTO rule_sets VALUES
    ('01948a00-0000-7000-8000-000000000057', 'qd57-2022', 'Quy định 57-QĐ/TW ngày 08/02/2022 của Bộ Chính trị', '2022-02-08',
     '{"elementary":{"min_education":"lower_secondary"},"intermediate":{"min_education":"college","probationary_allowed":true,"rating_years":2,"in_service_min_age_women":33,"in_service_min_age_men":35},"advanced":{"min_education":"university","in_service_min_age_women":38,"in_service_min_age_men":40},"refresher":{"probation_months":12}}', TRUE, 1, '2026-12-01 00:00:00', '2026-12-01 00:00:00'),
    ('01948a00-0000-7000-8000-000000000350', 'qd350-2025', 'Quy định 350-QĐ/TW năm 2025 của Bộ Chính trị', '2025-07-01',
     '{"elementary":{"min_education":"lower_secondary"},"intermediate":{"min_education":"college","probationary_allowed":true,"rating_years":2,"in_service_min_age_women":28,"in_service_min_age_men":30},"advanced":{"min_education":"university","in_service_min_age_women":38,"in_service_min_age_men":40},"refresher":{"probation_months":12}}', TRUE, 1, '2026-12-01 00:00:00', '2026-12-01 00:00:00');
