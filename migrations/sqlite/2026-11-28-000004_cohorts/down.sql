DROP TABLE calendar_tokens;
DROP TABLE schedule_events;
DROP TABLE sessions;
DROP TABLE assignments;
DROP TABLE enrollments;
DROP TABLE cohorts;
