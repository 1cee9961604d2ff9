-- What inspectors check a lecturer against, each with its date: the degree, the LLCT level held,
-- the teaching-method certificate [nghiệp vụ sư phạm]. An assignment may override a standard
-- with a reason (kept as JSON, like an enrolment's overrides).
ALTER TABLE lecturers ADD COLUMN degree TEXT;
ALTER TABLE lecturers ADD COLUMN degree_on DATE;
ALTER TABLE lecturers ADD COLUMN llct_level TEXT NOT NULL DEFAULT 'none';
ALTER TABLE lecturers ADD COLUMN llct_level_on DATE;
ALTER TABLE lecturers ADD COLUMN teaching_certificate_on DATE;
ALTER TABLE assignments ADD COLUMN overrides TEXT NOT NULL DEFAULT '[]';
