DROP TABLE grade_changes;
DROP TABLE grades;
DROP TABLE exam_graders;
DROP TABLE exams;
