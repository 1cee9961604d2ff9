-- Searching names without accents reads an index that carries the folded name in list order,
-- never the table: at a province's size a search that finds few people otherwise visits every row.
DROP INDEX learners_sort;
CREATE INDEX learners_sort_name ON learners(sort_key, id, name_key);
DROP INDEX learners_institution_sort;
CREATE INDEX learners_institution_sort_name ON learners(institution_id, sort_key, id, name_key);
