-- One row per word of each learner's folded name, in list order within the word: a search by
-- name reads the people who have its narrow words from here, a page at a time in list order,
-- however many people the province has recorded over the years.
-- Byte order ("C"), as on SQLite, so a prefix is one range of the index.
CREATE TABLE learner_words (
    word       TEXT COLLATE "C" NOT NULL,
    sort_key   TEXT COLLATE "C" NOT NULL,
    learner_id TEXT COLLATE "C" NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
    PRIMARY KEY (word, sort_key, learner_id)
);
CREATE INDEX learner_words_learner_id ON learner_words(learner_id);
-- The people already recorded.
INSERT INTO learner_words (word, sort_key, learner_id)
SELECT DISTINCT w, sort_key, id FROM learners, regexp_split_to_table(name_key, ' ') AS w WHERE w <> ''
ON CONFLICT DO NOTHING;
