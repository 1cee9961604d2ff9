DROP TABLE field_trip_lecturers;
