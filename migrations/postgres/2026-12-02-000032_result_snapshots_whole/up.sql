-- The whole result of each learner as the close-out computed it (JSON): a closed class's results
-- are read from here instead of recomputed from every grade. Rows kept before this column existed
-- are NULL and recomputed until something in their class changes.
ALTER TABLE result_snapshots ADD COLUMN result TEXT;
