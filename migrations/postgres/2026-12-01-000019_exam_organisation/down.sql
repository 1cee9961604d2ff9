DROP INDEX grade_changes_on_behalf_of;
ALTER TABLE grade_changes DROP COLUMN sheet_reference;
ALTER TABLE grade_changes DROP COLUMN on_behalf_of;
DROP INDEX exams_drawn_by;
ALTER TABLE exams DROP COLUMN drawn_at;
ALTER TABLE exams DROP COLUMN drawn_by;
ALTER TABLE exams DROP COLUMN duration_minutes;
ALTER TABLE exams DROP COLUMN start_time;
