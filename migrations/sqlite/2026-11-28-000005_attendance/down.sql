DROP TABLE field_reports;
DROP TABLE field_trips;
DROP TABLE makeups;
DROP TABLE attendance_changes;
DROP TABLE attendance;
ALTER TABLE sessions DROP COLUMN roll_version;
