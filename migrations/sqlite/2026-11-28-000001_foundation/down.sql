DROP TABLE idempotency_keys;
DROP TABLE auth_tokens;
DROP TABLE users;
DROP TABLE institutions;
DROP TABLE institution_tiers;
