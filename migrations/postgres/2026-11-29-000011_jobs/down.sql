ALTER TABLE institutions DROP COLUMN signer_title;
ALTER TABLE institutions DROP COLUMN signer_name;
DROP TABLE notification_opt_outs;
DROP TABLE outbox;
DROP TABLE job_leases;
DROP TABLE job_runs;
