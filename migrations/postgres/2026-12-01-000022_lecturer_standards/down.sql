ALTER TABLE assignments DROP COLUMN overrides;
ALTER TABLE lecturers DROP COLUMN teaching_certificate_on;
ALTER TABLE lecturers DROP COLUMN llct_level_on;
ALTER TABLE lecturers DROP COLUMN llct_level;
ALTER TABLE lecturers DROP COLUMN degree_on;
ALTER TABLE lecturers DROP COLUMN degree;
