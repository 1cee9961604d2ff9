ALTER TABLE result_snapshots DROP COLUMN result;
