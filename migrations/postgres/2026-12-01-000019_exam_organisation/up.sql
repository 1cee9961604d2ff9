-- When a sitting starts and how long it lasts (graduation exams 180 minutes by default).
ALTER TABLE exams ADD COLUMN start_time TEXT;
ALTER TABLE exams ADD COLUMN duration_minutes INTEGER;
-- A graduation subject drawn by lot [bốc thăm] in front of the candidates: who drew it, when.
ALTER TABLE exams ADD COLUMN drawn_by TEXT COLLATE "C" REFERENCES users(id);
ALTER TABLE exams ADD COLUMN drawn_at TIMESTAMP;
CREATE INDEX exams_drawn_by ON exams(drawn_by);
-- Marks typed by an administrator from a grader's signed paper score sheet [bảng điểm]: the
-- grader they stand for and the sheet's reference; changed_by stays the one who typed them.
ALTER TABLE grade_changes ADD COLUMN on_behalf_of TEXT COLLATE "C" REFERENCES lecturers(id);
ALTER TABLE grade_changes ADD COLUMN sheet_reference TEXT;
CREATE INDEX grade_changes_on_behalf_of ON grade_changes(on_behalf_of);
