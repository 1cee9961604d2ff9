DROP TABLE learner_words;
