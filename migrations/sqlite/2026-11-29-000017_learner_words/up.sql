-- One row per word of each learner's folded name: a search by name starts from the people
-- whose name has its rarest word, however many people the province has recorded over the years.
CREATE TABLE learner_words (
    word       TEXT NOT NULL,
    learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
    PRIMARY KEY (word, learner_id)
);
CREATE INDEX learner_words_learner_id ON learner_words(learner_id);
-- The people already recorded.
INSERT OR IGNORE INTO learner_words (word, learner_id)
WITH RECURSIVE split(learner_id, word, rest) AS (
    SELECT id, '', name_key || ' ' FROM learners
    UNION ALL
    SELECT learner_id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM split WHERE rest <> ''
)
SELECT word, learner_id FROM split WHERE word <> '';
