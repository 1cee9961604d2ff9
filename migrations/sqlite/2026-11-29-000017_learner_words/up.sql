-- One row per word of each learner's folded name, in list order within the word: a search by
-- name reads the people who have its narrow words from here, a page at a time in list order,
-- however many people the province has recorded over the years.
CREATE TABLE learner_words (
    word       TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
    PRIMARY KEY (word, sort_key, learner_id)
);
CREATE INDEX learner_words_learner_id ON learner_words(learner_id);
-- The people already recorded.
INSERT OR IGNORE INTO learner_words (word, sort_key, learner_id)
WITH RECURSIVE split(learner_id, sort_key, word, rest) AS (
    SELECT id, sort_key, '', name_key || ' ' FROM learners
    UNION ALL
    SELECT learner_id, sort_key, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM split WHERE rest <> ''
)
SELECT word, sort_key, learner_id FROM split WHERE word <> '';
