-- The lecturers who guide a field study [giảng viên hướng dẫn nghiên cứu thực tế], in the order
-- given. Each earns the field-study weight for every day of the study (workload settings); the
-- trip's `leader` stays the name of whoever heads the delegation, lecturer or not.
CREATE TABLE field_trip_lecturers (
    field_trip_id TEXT NOT NULL REFERENCES field_trips(id),
    lecturer_id   TEXT NOT NULL REFERENCES lecturers(id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (field_trip_id, lecturer_id)
);
CREATE INDEX field_trip_lecturers_lecturer_id ON field_trip_lecturers(lecturer_id);
