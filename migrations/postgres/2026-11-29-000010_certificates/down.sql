DROP TABLE register_entries;
DROP TABLE certificates;
DROP TABLE credential_counters;
DROP TABLE signing_keys;
DROP FUNCTION llct_append_only();
