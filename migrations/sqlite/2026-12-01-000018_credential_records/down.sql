ALTER TABLE institutions DROP COLUMN evidence_required;
DROP TABLE credential_records;
