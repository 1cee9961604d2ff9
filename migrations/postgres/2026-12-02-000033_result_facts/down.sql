DROP INDEX enrollments_cohort_status;
DROP INDEX grades_exam_marks;
DROP INDEX attendance_cohort_marks;
CREATE INDEX attendance_cohort_learner ON attendance(cohort_id, learner_id);
DROP TABLE result_failures;
DROP TABLE result_outcomes;
