ALTER TABLE lecturers DROP COLUMN norm_adjustment_pct;
ALTER TABLE lecturers DROP COLUMN probation_year;
