DROP TABLE lecturers;
DROP TABLE learners;
