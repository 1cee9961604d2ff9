-- One row per word of each learner's folded name: a search by name starts from the people
-- whose name has its rarest word, however many people the province has recorded over the years.
-- Byte order ("C"), as on SQLite, so a prefix is one range of the index.
CREATE TABLE learner_words (
    word       TEXT COLLATE "C" NOT NULL,
    learner_id TEXT COLLATE "C" NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
    PRIMARY KEY (word, learner_id)
);
CREATE INDEX learner_words_learner_id ON learner_words(learner_id);
-- The people already recorded.
INSERT INTO learner_words (word, learner_id)
SELECT DISTINCT w, id FROM learners, regexp_split_to_table(name_key, ' ') AS w WHERE w <> ''
ON CONFLICT DO NOTHING;
