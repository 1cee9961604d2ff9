DROP INDEX learners_institution_sort_name;
CREATE INDEX learners_institution_sort ON learners(institution_id, sort_key, id);
DROP INDEX learners_sort_name;
CREATE INDEX learners_sort ON learners(sort_key, id);
