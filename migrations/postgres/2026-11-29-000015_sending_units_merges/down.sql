DROP TABLE learner_merges;
DROP TABLE institution_merges;
DROP TABLE sending_units;
